"""The staff side of registrations: counts per session, lists, actions, exports and groups."""

import codecs
import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import SUCCESS, WARNING, get_messages
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Meeting
from participants.groups import CONTENT_EDITORS, REGISTRATION_MANAGERS, staff_groups_sync
from participants.models import Registration
from tests.factories import (
    MeetingFactory,
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status
REGISTRATIONS_URL = "admin:participants_registration_changelist"


def registrations(session, *statuses):
    return [RegistrationFactory(session=session, status=status) for status in statuses]


def post_action(client, action, objects, url_name=REGISTRATIONS_URL, **kwargs):
    data = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]}
    return client.post(reverse(url_name), data, **kwargs)


def parse_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def as_records(response) -> list[dict[str, str]]:
    header, *rows = parse_csv(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def row_of(response, text: str) -> str:
    """The changelist row that shows this text."""
    (row,) = [row for row in response.text.split("<tr")[1:] if text in row]
    return row


def message_texts(response, level=None) -> list[str]:
    return [
        str(message)
        for message in get_messages(response.wsgi_request)
        if level is None or message.level == level
    ]


@pytest.fixture
def content_editor(client):
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name=CONTENT_EDITORS))
    client.force_login(user)
    return client


@pytest.fixture
def registration_manager(client):
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name=REGISTRATION_MANAGERS))
    client.force_login(user)
    return client


# Sessions


def test_session_changelist_shows_confirmed_over_capacity_and_waitlisted(staff_client):
    session = SessionFactory(title_fr="Séance comptée", capacity=5)
    registrations(session, Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED, Status.PENDING)

    response = staff_client.get(reverse("admin:events_session_changelist"))

    row = row_of(response, "Séance comptée")
    assert '<td class="field-seats">2 / 5</td>' in row
    assert '<td class="field-waitlisted">1</td>' in row


def test_session_without_capacity_shows_a_dash_for_it(staff_client):
    session = SessionFactory(capacity=None)
    registrations(session, Status.CONFIRMED, Status.CONFIRMED, Status.CONFIRMED)

    response = staff_client.get(reverse("admin:events_session_changelist"))

    assert '<td class="field-seats">3 / —</td>' in response.text


def test_session_changelist_queries_do_not_grow_with_sessions(
    staff_client, django_assert_max_num_queries
):
    def add_sessions(count):
        for _ in range(count):
            registrations(SessionFactory(), Status.CONFIRMED, Status.WAITLISTED)

    url = reverse("admin:events_session_changelist")
    add_sessions(3)
    with CaptureQueriesContext(connection) as with_three:
        staff_client.get(url)
    add_sessions(27)

    with django_assert_max_num_queries(len(with_three)):
        response = staff_client.get(url)

    assert response.status_code == 200
    assert response.text.count('<td class="field-seats">1 / 30</td>') == 30


def test_session_list_and_form_show_whether_registration_is_open(staff_client):
    session = SessionFactory(registration_open=False)

    changelist = staff_client.get(reverse("admin:events_session_changelist"))
    form = staff_client.get(reverse("admin:events_session_change", args=[session.pk]))

    assert 'class="field-registration_open"' in changelist.text
    assert 'name="registration_open"' in form.text


# The registration list


@pytest.fixture
def two_meetings():
    """Two meetings; Awa and Binta in two sessions of the first, Éloïse in the second."""
    first = MeetingFactory(title_fr="Rencontre sur l’IA")
    opening, panel = SessionFactory(meeting=first), SessionFactory(meeting=first)
    second = SessionFactory(meeting__title_fr="Rencontre sur le DIH")
    RegistrationFactory(
        session=opening,
        status=Status.CONFIRMED,
        participant__first_name="Awa",
        participant__last_name="Diop",
        participant__email="awa@example.org",
    )
    RegistrationFactory(
        session=panel,
        status=Status.WAITLISTED,
        participant__first_name="Binta",
        participant__last_name="Sow",
        participant__email="binta@example.org",
    )
    RegistrationFactory(
        session=second,
        status=Status.CONFIRMED,
        participant__first_name="Éloïse",
        participant__last_name="Dûpont",
        participant__email="eloise@example.net",
    )
    return {"first": first, "panel": panel}


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("session__meeting__id__exact={first.pk}", {"awa", "binta"}),
        ("session__id__exact={panel.pk}", {"binta"}),
        ("status__exact=confirmed", {"awa", "eloise"}),
        ("q=Dûpont", {"eloise"}),
        ("q=Binta", {"binta"}),
        ("q=example.net", {"eloise"}),
        ("q=awa@example.org", {"awa"}),
    ],
)
def test_registration_changelist_filters_and_searches(staff_client, two_meetings, query, shown):
    url = f"{reverse(REGISTRATIONS_URL)}?{query.format(**two_meetings)}"

    response = staff_client.get(url)

    assert response.status_code == 200
    listed = {name for name in ("awa", "binta", "eloise") if f"{name}@example" in response.text}
    assert listed == shown


def test_session_filter_names_sessions_with_their_meeting(staff_client, two_meetings):
    panel = two_meetings["panel"]

    response = staff_client.get(reverse(REGISTRATIONS_URL))

    assert f"Rencontre sur l’IA — {panel.title}" in response.text


def test_registration_changelist_queries_do_not_grow_with_registrations(
    staff_client, django_assert_max_num_queries
):
    def add_registrations(count):
        for _ in range(count):
            RegistrationFactory(status=Status.CONFIRMED)

    url = reverse(REGISTRATIONS_URL)
    add_registrations(3)
    with CaptureQueriesContext(connection) as with_three:
        staff_client.get(url)
    add_registrations(27)

    with django_assert_max_num_queries(len(with_three)):
        response = staff_client.get(url)

    assert response.status_code == 200


def test_participant_changelist_counts_active_registrations(
    staff_client, django_assert_max_num_queries
):
    participant = ParticipantFactory(last_name="Compté")
    for status in (Status.CONFIRMED, Status.WAITLISTED, Status.CANCELLED):
        RegistrationFactory(participant=participant, status=status)
    for _ in range(20):
        RegistrationFactory(status=Status.CONFIRMED)

    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("admin:participants_participant_changelist"))

    row = row_of(response, "Compté")
    assert '<td class="field-active_registrations">2</td>' in row


def test_registration_form_does_not_change_the_status(staff_client):
    registration = RegistrationFactory(status=Status.CONFIRMED)
    url = reverse("admin:participants_registration_change", args=[registration.pk])

    response = staff_client.post(url, {"status": Status.CANCELLED, "email_failed": ""})

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


# Actions


def test_approve_gives_a_seat_and_tells_the_participant(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(meeting__registration_mode=Meeting.RegistrationMode.APPROVAL)
    (registration,) = registrations(session, Status.AWAITING_APPROVAL)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(staff_client, "approve", [registration])

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert [message.to for message in mailoutbox] == [[registration.participant.email]]
    assert len(message_texts(response, SUCCESS)) == 1


def test_approve_refuses_a_registration_not_awaiting_approval(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    (registration,) = registrations(SessionFactory(), Status.CONFIRMED)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(staff_client, "approve", [registration])

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert mailoutbox == []
    assert len(message_texts(response, WARNING)) == 1


def test_reject_refuses_the_registration_and_tells_the_participant(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    (registration,) = registrations(SessionFactory(), Status.AWAITING_APPROVAL)

    with django_capture_on_commit_callbacks(execute=True):
        post_action(staff_client, "reject", [registration])

    registration.refresh_from_db()
    assert registration.status == Status.REJECTED
    assert [message.to for message in mailoutbox] == [[registration.participant.email]]


def test_cancel_frees_the_seat_for_the_oldest_waitlisted(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    confirmed, waiting = registrations(session, Status.CONFIRMED, Status.WAITLISTED)
    Registration.objects.filter(pk=waiting.pk).update(waitlisted_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        post_action(staff_client, "cancel", [confirmed])

    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED
    recipients = sorted(message.to[0] for message in mailoutbox)
    assert recipients == sorted([confirmed.participant.email, waiting.participant.email])


def test_cancel_warns_about_a_registration_already_cancelled(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    (registration,) = registrations(SessionFactory(), Status.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(staff_client, "cancel", [registration])

    assert mailoutbox == []
    assert len(message_texts(response, WARNING)) == 1


def test_promote_gives_a_free_seat_to_a_waitlisted_registration(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=2)
    _, waiting = registrations(session, Status.CONFIRMED, Status.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        post_action(staff_client, "promote", [waiting])

    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert [message.to for message in mailoutbox] == [[waiting.participant.email]]


def test_promote_on_a_full_session_warns_and_changes_nothing(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    _, waiting = registrations(session, Status.CONFIRMED, Status.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(staff_client, "promote", [waiting])

    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED
    assert mailoutbox == []
    warnings = message_texts(response, WARNING)
    assert len(warnings) == 1
    assert str(waiting) in warnings[0]
    assert message_texts(response) == warnings


def test_resend_email_sends_the_email_of_the_status_again(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    (registration,) = registrations(SessionFactory(), Status.CONFIRMED)
    Registration.objects.filter(pk=registration.pk).update(email_failed=True)

    with django_capture_on_commit_callbacks(execute=True):
        post_action(staff_client, "resend_email", [registration])

    registration.refresh_from_db()
    assert [message.to for message in mailoutbox] == [[registration.participant.email]]
    assert registration.email_failed is False


def test_actions_are_offered_on_the_registration_list(staff_client):
    RegistrationFactory()

    response = staff_client.get(reverse(REGISTRATIONS_URL))

    for action in ("approve", "reject", "cancel", "promote", "resend_email", "export_participants"):
        assert f'value="{action}"' in response.text


# CSV exports


def test_export_of_selected_registrations_opens_in_a_spreadsheet_with_accents(staff_client):
    registration = RegistrationFactory(
        status=Status.CONFIRMED,
        session__meeting__slug="rencontre-ia",
        participant__first_name="Éloïse",
        participant__last_name="Dûpont",
        participant__organisation_name="Société civile; Genève",
        participant__category="civil_society",
        participant__country="CH",
    )

    response = post_action(staff_client, "export_participants", [registration])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(codecs.BOM_UTF8)
    today = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == (
        f'attachment; filename="participants-rencontre-ia-{today}.csv"'
    )
    header = parse_csv(response)[0]
    # The third column, the session's start, is new: its French text is not in the catalogue yet.
    assert header[:2] + header[3:] == [
        "Rencontre",
        "Séance",
        "Statut",
        "Nom",
        "Prénom",
        "Adresse e-mail",
        "Organisation",
        "Catégorie",
        "Pays",
        "Langue préférée",
        "Besoins d’accessibilité",
        "Inscrit le",
        "E-mail confirmé le",
    ]
    (record,) = as_records(response)
    assert record["Rencontre"] == registration.session.meeting.title_fr
    assert record[header[2]] == "2025-04-15 09:00"  # Geneva time, as the factory sets it
    assert (record["Prénom"], record["Nom"]) == ("Éloïse", "Dûpont")
    assert record["Organisation"] == "Société civile; Genève"
    assert (record["Statut"], record["Catégorie"]) == ("Confirmée", "Société civile")
    assert (record["Pays"], record["Langue préférée"]) == ("Suisse", "Français")


def test_export_header_follows_the_staff_language(staff_client):
    registration = RegistrationFactory()

    response = staff_client.post(
        reverse(REGISTRATIONS_URL).replace("/fr/", "/en/", 1),
        {"action": "export_participants", ACTION_CHECKBOX_NAME: [registration.pk]},
    )

    assert parse_csv(response)[0][:4] == [
        "Meeting",
        "Session",
        "Session start (meeting's local time)",
        "Status",
    ]


@pytest.mark.parametrize("value", ["=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"])
def test_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(staff_client, value):
    registration = RegistrationFactory(participant__organisation_name=value)

    response = post_action(staff_client, "export_participants", [registration])

    (record,) = as_records(response)
    assert record["Organisation"] == f"'{value}"


@pytest.mark.parametrize("value", ["-2", "Genève", "a=b"])
def test_export_keeps_negative_numbers_and_ordinary_text_as_they_are(staff_client, value):
    registration = RegistrationFactory(participant__organisation_name=value)

    response = post_action(staff_client, "export_participants", [registration])

    (record,) = as_records(response)
    assert record["Organisation"] == value


def test_session_export_lists_its_participants_in_play_with_their_status(staff_client):
    session = SessionFactory()
    statuses = [
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.AWAITING_APPROVAL,
        Status.PENDING,
        Status.CANCELLED,
        Status.REJECTED,
    ]
    people = registrations(session, *statuses)
    RegistrationFactory(status=Status.CONFIRMED)  # in another session

    response = post_action(
        staff_client,
        "export_participants",
        [session],
        url_name="admin:events_session_changelist",
        follow=True,
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    records = as_records(response)
    assert sorted(record["Adresse e-mail"] for record in records) == sorted(
        person.participant.email for person in people[:4]
    )
    assert {record["Statut"] for record in records} == {
        "Confirmée",
        "Liste d’attente",
        "En attente de validation",
        "En attente de confirmation par e-mail",
    }


def test_meeting_export_lists_the_participants_of_all_its_sessions(staff_client):
    meeting = MeetingFactory(slug="rencontre-dih")
    first = RegistrationFactory(session__meeting=meeting, status=Status.CONFIRMED)
    second = RegistrationFactory(session__meeting=meeting, status=Status.WAITLISTED)
    RegistrationFactory(status=Status.CONFIRMED)  # another meeting

    response = post_action(
        staff_client,
        "export_participants",
        [meeting],
        url_name="admin:events_meeting_changelist",
        follow=True,
    )

    today = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == (
        f'attachment; filename="participants-rencontre-dih-{today}.csv"'
    )
    emails = {record["Adresse e-mail"] for record in as_records(response)}
    assert emails == {first.participant.email, second.participant.email}


def test_export_queries_do_not_grow_with_rows(staff_client, django_assert_max_num_queries):
    meeting = MeetingFactory()
    url = reverse("admin:participants_registration_export") + f"?meeting={meeting.pk}"
    for _ in range(3):
        RegistrationFactory(session__meeting=meeting, status=Status.CONFIRMED)
    with CaptureQueriesContext(connection) as with_three:
        staff_client.get(url)
    for _ in range(27):
        RegistrationFactory(session__meeting=meeting, status=Status.CONFIRMED)

    with django_assert_max_num_queries(len(with_three)):
        response = staff_client.get(url)

    assert len(as_records(response)) == 30


def test_export_ignores_identifiers_that_are_not_numbers(staff_client):
    url = reverse("admin:participants_registration_export") + "?session=abc&meeting=²&meeting=1x"

    response = staff_client.get(url)

    assert response.status_code == 200
    assert as_records(response) == []


# Staff groups


def test_staff_groups_exist_after_migrate_with_their_permissions():
    editors = Group.objects.get(name=CONTENT_EDITORS)
    managers = Group.objects.get(name=REGISTRATION_MANAGERS)

    editor_apps = set(editors.permissions.values_list("content_type__app_label", flat=True))
    manager_codenames = set(managers.permissions.values_list("codename", flat=True))

    assert editor_apps == {"events", "themes"}
    assert editors.permissions.filter(codename="change_finding").exists()
    assert editors.permissions.filter(codename="add_statusupdate").exists()
    assert not editors.permissions.filter(codename="add_recommendation").exists()
    assert manager_codenames == {
        "add_participant",
        "change_participant",
        "delete_participant",
        "view_participant",
        "add_registration",
        "change_registration",
        "delete_registration",
        "view_registration",
        "add_staffmessage",
        "change_staffmessage",
        "view_staffmessage",
        "send_staffmessage",
        "view_delivery",
        "view_feedback",
        "view_meeting",
        "view_session",
    }


def test_staff_groups_sync_is_idempotent_and_takes_back_added_permissions():
    editors = Group.objects.get(name=CONTENT_EDITORS)
    editors.permissions.add(Permission.objects.get(codename="view_participant"))
    count = Group.objects.count()

    staff_groups_sync()
    staff_groups_sync()

    assert Group.objects.count() == count
    assert not editors.permissions.filter(content_type__app_label="participants").exists()


def test_create_staff_groups_command_recreates_deleted_groups():
    Group.objects.filter(name__in=[CONTENT_EDITORS, REGISTRATION_MANAGERS]).delete()
    out = io.StringIO()

    call_command("create_staff_groups", stdout=out)

    assert Group.objects.filter(name__in=[CONTENT_EDITORS, REGISTRATION_MANAGERS]).count() == 2
    assert f"{REGISTRATION_MANAGERS}: 16 permissions" in out.getvalue()


@pytest.mark.parametrize(
    "url_name",
    [
        REGISTRATIONS_URL,
        "admin:participants_participant_changelist",
        "admin:participants_registration_export",
    ],
)
def test_content_editor_cannot_open_participant_data(content_editor, url_name):
    RegistrationFactory()

    response = content_editor.get(reverse(url_name))

    assert response.status_code == 403


def test_content_editor_sees_meetings_but_not_participants_on_the_admin_index(content_editor):
    response = content_editor.get("/fr/admin/")

    assert response.status_code == 200
    assert reverse("admin:app_list", args=["events"]) in response.text
    assert reverse("admin:app_list", args=["participants"]) not in response.text


def test_content_editor_is_not_offered_the_participant_export(content_editor):
    SessionFactory()

    sessions = content_editor.get(reverse("admin:events_session_changelist"))
    meetings = content_editor.get(reverse("admin:events_meeting_changelist"))

    assert sessions.status_code == meetings.status_code == 200
    assert 'value="export_participants"' not in sessions.text
    assert 'value="export_participants"' not in meetings.text


def test_registration_manager_sees_and_exports_registrations(registration_manager):
    registration = RegistrationFactory(participant__email="manager-sees@example.org")

    index = registration_manager.get("/fr/admin/")
    changelist = registration_manager.get(reverse(REGISTRATIONS_URL))
    export = post_action(registration_manager, "export_participants", [registration])

    assert reverse("admin:app_list", args=["participants"]) in index.text
    assert "manager-sees@example.org" in changelist.text
    (record,) = as_records(export)
    assert record["Adresse e-mail"] == "manager-sees@example.org"


def test_registration_manager_exports_a_session_from_the_session_list(registration_manager):
    registration = RegistrationFactory(status=Status.CONFIRMED)

    response = post_action(
        registration_manager,
        "export_participants",
        [registration.session],
        url_name="admin:events_session_changelist",
        follow=True,
    )

    (record,) = as_records(response)
    assert record["Adresse e-mail"] == registration.participant.email


def test_deleting_a_confirmed_registration_gives_its_seat_to_the_waiting_list(
    staff_client, django_capture_on_commit_callbacks, mailoutbox
):
    session = SessionFactory(capacity=1)
    held = RegistrationFactory(session=session, status=Registration.Status.CONFIRMED)
    waiting = RegistrationFactory(
        session=session, status=Registration.Status.WAITLISTED, waitlisted_at=timezone.now()
    )

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:participants_registration_delete", args=[held.pk]), {"post": "yes"}
        )

    waiting.refresh_from_db()
    assert not Registration.objects.filter(pk=held.pk).exists()
    assert waiting.status == Registration.Status.CONFIRMED
    assert any(waiting.participant.email in m.to for m in mailoutbox)
