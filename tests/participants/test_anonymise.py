import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Session
from participants import tokens
from participants.models import Participant, Registration
from participants.retention import change_message_anonymise
from participants.selectors import participants_to_anonymise, sessions_with_counts
from participants.services import (
    ParticipantDetails,
    participants_anonymise,
    registration_request,
)
from tests.factories import (
    MeetingFactory,
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status


def meeting_ended(days_ago: int):
    """A meeting that ended this many days ago (a negative number: that ends in the future)."""
    end = timezone.now() - dt.timedelta(days=days_ago)
    return MeetingFactory(start=end - dt.timedelta(hours=8), end=end)


def register(participant, meeting, status=Status.CONFIRMED) -> Registration:
    session = meeting.sessions.first() or SessionFactory(meeting=meeting)
    return RegistrationFactory(participant=participant, session=session, status=status)


def retention() -> int:
    """Days after a meeting before its participants are anonymised (the command's default)."""
    return settings.PARTICIPANT_RETENTION_DAYS


def past_retention() -> int:
    """Days ago that are past the retention period."""
    return retention() + 35


def within_retention() -> int:
    """Days ago that are well within the retention period."""
    return retention() // 2


def make_old(obj, hours: int | None = None) -> None:
    """Move a registration's or participant's creation back by `hours`; by default just past
    the confirmation link's age."""
    if hours is None:
        hours = settings.REGISTRATION_LINK_MAX_AGE_HOURS + 1
    type(obj).objects.filter(pk=obj.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=hours)
    )


def anonymise(*args: str) -> str:
    """Run the command; its output in English, whatever the French catalogue says."""
    out = StringIO()
    with translation.override("en"):
        call_command("anonymise_participants", *args, stdout=out)
    return out.getvalue()


def log_rows() -> list[dict]:
    return list(LogEntry.objects.order_by("pk").values())


def history_of(obj):
    """The admin history entries about this object."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    )


def admin_save(client, obj, **changes) -> None:
    """Save this participant or registration through its admin change form, as staff do."""
    url = reverse(f"admin:participants_{obj._meta.model_name}_change", args=[obj.pk])
    context = client.get(url).context
    data = {
        name: "" if value is None else value
        for form in [context["adminform"].form]
        + [f for inline in context["inline_admin_formsets"] for f in inline.formset.forms]
        for name, value in ((form.add_prefix(n), form[n].value()) for n in form.fields)
    }
    for inline in context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(n): management[n].value() for n in management.fields}
    response = client.post(url, data | changes)
    assert response.status_code == 302, response.context["errors"]


def participant_rows() -> list[dict]:
    return list(Participant.objects.order_by("pk").values())


def registration_rows() -> list[dict]:
    return list(Registration.objects.order_by("pk").values())


def status_counts(meeting) -> dict[str, int]:
    rows = Registration.objects.filter(session__meeting=meeting).values_list("status")
    return dict(rows.annotate(n=Count("pk")).order_by())


def category_counts() -> dict[str, int]:
    return dict(Participant.objects.values_list("category").annotate(n=Count("pk")).order_by())


def session_counts(meeting) -> list[tuple[int, int]]:
    sessions = sessions_with_counts(Session.objects.filter(meeting=meeting)).order_by("pk")
    return [(s.confirmed_count, s.waitlisted_count) for s in sessions]


def test_dry_run_changes_nothing_and_prints_the_counts(staff_client):
    old = meeting_ended(past_retention())
    register(ParticipantFactory(), old)
    edited = ParticipantFactory(first_name="Aminata")
    register(edited, old, Status.CANCELLED)
    admin_save(staff_client, edited, first_name="Aminata-Rose")
    make_old(ParticipantFactory(), hours=past_retention() * 24)
    leaving = ParticipantFactory()
    make_old(register(leaving, meeting_ended(-30), Status.PENDING))
    make_old(leaving)
    participants, registrations, history = participant_rows(), registration_rows(), log_rows()

    output = anonymise("--dry-run")

    assert participant_rows() == participants
    assert registration_rows() == registrations
    assert log_rows() == history
    assert "Dry run" in output
    assert (
        f"Participants to anonymise (meetings ended more than {retention()} days ago): 2" in output
    )
    assert (
        f"Participants to anonymise (no registration, created more than {retention()} days ago): 1"
        in output
    )
    assert "Admin history entries to clear of personal data: 1" in output
    assert f"{old.title_en} (ended {old.local_end:%Y-%m-%d}): 2" in output
    assert "Expired unconfirmed registrations to delete: 1" in output
    assert "Participants to delete with them (they had no other registration): 1" in output


def test_participants_of_a_meeting_ended_a_year_ago_lose_names_and_email():
    old = meeting_ended(past_retention())
    person = ParticipantFactory(
        first_name="Aminata",
        last_name="Traoré",
        email="Aminata.Traore@example.org",
        organisation_name="Mission permanente",
        accessibility_needs="Fauteuil roulant",
    )
    register(person, old)

    output = anonymise()

    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("", "")
    assert person.email == f"anonymised-{person.pk}@anonymised.invalid"
    assert person.organisation_name == person.accessibility_needs == ""
    assert person.anonymised_at is not None
    stored = str(participant_rows()).lower()
    for personal in ["aminata", "traoré", "traore@example.org", "mission permanente", "fauteuil"]:
        assert personal not in stored
    assert f"Participants anonymised (meetings ended more than {retention()} days ago): 1" in output


def test_anonymisation_keeps_the_counts_of_the_meeting_and_of_categories():
    old = meeting_ended(past_retention())
    sessions = SessionFactory.create_batch(2, meeting=old)
    for session, status, category in [
        (sessions[0], Status.CONFIRMED, Participant.Category.STATE),
        (sessions[0], Status.CONFIRMED, Participant.Category.ACADEMIA),
        (sessions[0], Status.WAITLISTED, Participant.Category.STATE),
        (sessions[1], Status.CANCELLED, Participant.Category.MEDIA),
        (sessions[1], Status.REJECTED, Participant.Category.OTHER),
        (sessions[1], Status.CONFIRMED, Participant.Category.STATE),
    ]:
        RegistrationFactory(
            participant=ParticipantFactory(category=category, country="SN", language="fr"),
            session=session,
            status=status,
        )
    statuses, categories, seats = status_counts(old), category_counts(), session_counts(old)

    anonymise()

    assert status_counts(old) == statuses
    assert category_counts() == categories
    assert session_counts(old) == seats
    assert Participant.objects.filter(anonymised_at__isnull=False).count() == 6
    assert set(Participant.objects.values_list("country", "language")) == {("SN", "fr")}


def test_participant_of_a_recent_meeting_keeps_their_data():
    person = ParticipantFactory(first_name="Koffi")
    register(person, meeting_ended(within_retention()))

    anonymise()

    person.refresh_from_db()
    assert person.first_name == "Koffi"
    assert person.anonymised_at is None


def test_participant_also_registered_for_a_recent_meeting_keeps_their_data():
    person = ParticipantFactory(first_name="Koffi")
    register(person, meeting_ended(past_retention()))
    register(person, meeting_ended(within_retention()), Status.CANCELLED)

    anonymise()

    person.refresh_from_db()
    assert person.first_name == "Koffi"
    assert person.anonymised_at is None


def test_days_option_picks_a_meeting_ended_40_days_ago_but_not_20():
    older, newer = ParticipantFactory(), ParticipantFactory()
    register(older, meeting_ended(40))
    register(newer, meeting_ended(20))

    output = anonymise("--days", "30")

    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.anonymised_at is not None
    assert newer.anonymised_at is None
    assert "more than 30 days ago): 1" in output


def test_participant_without_registration_past_retention_is_anonymised():
    never = ParticipantFactory(first_name="Ibrahima", email="ibrahima@example.org")
    make_old(never, hours=past_retention() * 24)
    deleted = ParticipantFactory(first_name="Mariama", email="mariama@example.org")
    make_old(deleted, hours=past_retention() * 24)
    register(deleted, meeting_ended(-30)).delete()  # staff deleted their only registration

    output = anonymise()

    stored = str(participant_rows()).lower()
    for personal in ["ibrahima", "mariama"]:
        assert personal not in stored
    assert Participant.objects.filter(anonymised_at__isnull=False).count() == 2
    assert (
        f"Participants anonymised (no registration, created more than {retention()} days ago): 2"
        in output
    )
    assert f"Participants anonymised (meetings ended more than {retention()} days ago): 0" in output


def test_participant_without_registration_within_retention_keeps_their_data():
    person = ParticipantFactory(first_name="Koffi")
    make_old(person, hours=within_retention() * 24)

    anonymise()

    person.refresh_from_db()
    assert person.first_name == "Koffi"
    assert person.anonymised_at is None


def test_days_option_also_dates_participants_without_registration():
    person = ParticipantFactory()
    make_old(person, hours=40 * 24)

    chosen = participants_to_anonymise(now=timezone.now(), days=30)
    kept = participants_to_anonymise(now=timezone.now(), days=50)

    assert list(chosen) == [person]
    assert not kept.exists()


def test_running_twice_does_not_anonymise_again():
    person = ParticipantFactory()
    register(person, meeting_ended(past_retention()))
    anonymise()
    person.refresh_from_db()
    first = (person.anonymised_at, person.manage_key, person.email)

    output = anonymise()

    person.refresh_from_db()
    assert (person.anonymised_at, person.manage_key, person.email) == first
    assert f"more than {retention()} days ago): 0" in output


def test_anonymising_an_anonymised_participant_again_changes_nothing():
    person = ParticipantFactory()
    register(person, meeting_ended(past_retention()))
    participants_anonymise(participants=Participant.objects.all(), now=timezone.now())
    before = participant_rows()

    count = participants_anonymise(participants=Participant.objects.all(), now=timezone.now())

    assert count == 0
    assert participant_rows() == before


def test_manage_link_sent_before_anonymisation_stops_working():
    old = meeting_ended(past_retention())
    person = ParticipantFactory()
    register(person, old)
    link = tokens.read_manage_token(tokens.manage_token(participant=person, meeting=old))
    assert link.key == person.manage_key

    anonymise()

    person.refresh_from_db()
    assert link.key != person.manage_key


def test_the_address_of_an_anonymised_participant_can_register_again():
    person = ParticipantFactory(email="awa@example.org")
    register(person, meeting_ended(past_retention()))

    anonymise()

    assert ParticipantFactory(email="AWA@example.org").pk != person.pk


def test_anonymisation_takes_the_same_queries_for_few_or_many_participants():
    old = meeting_ended(past_retention())
    now = timezone.now()

    def queries_for(count: int) -> int:
        for _ in range(count):
            register(ParticipantFactory(), old)
        with CaptureQueriesContext(connection) as queries:
            assert (
                participants_anonymise(
                    participants=participants_to_anonymise(
                        now=now, days=settings.PARTICIPANT_RETENTION_DAYS
                    ),
                    now=now,
                )
                == count
            )
        return len(queries)

    assert queries_for(2) == queries_for(6)


def test_expired_pending_registrations_are_deleted_and_fresh_ones_kept():
    upcoming = meeting_ended(-30)
    only_expired = ParticipantFactory()
    expired = register(only_expired, upcoming, Status.PENDING)
    make_old(expired)
    make_old(only_expired)
    also_confirmed = ParticipantFactory()
    expired_too = register(also_confirmed, upcoming, Status.PENDING)
    make_old(expired_too)
    make_old(also_confirmed)
    register(also_confirmed, meeting_ended(-60))
    fresh = register(ParticipantFactory(), upcoming, Status.PENDING)

    output = anonymise()

    remaining = Registration.objects.all()
    assert fresh in remaining
    assert expired not in remaining
    assert expired_too not in remaining
    assert not Participant.objects.filter(pk=only_expired.pk).exists()
    assert Participant.objects.filter(pk=also_confirmed.pk).exists()
    assert "Expired unconfirmed registrations deleted: 2" in output
    assert "Participants deleted with them (they had no other registration): 1" in output


def test_output_names_no_one_and_shows_no_email_address():
    old = meeting_ended(past_retention())
    people = [
        ParticipantFactory(first_name="Aminata", last_name="Traoré", email="a.traore@example.org"),
        ParticipantFactory(first_name="Jean-Pierre", last_name="Kaboré", email="jp@example.org"),
    ]
    for person in people:
        register(person, old)
    leaving = ParticipantFactory(first_name="Fatou", last_name="Sow", email="fatou@example.org")
    make_old(register(leaving, meeting_ended(-30), Status.PENDING))
    make_old(leaving)

    output = anonymise("--dry-run") + anonymise()

    assert "@" not in output
    for word in ["Aminata", "Traoré", "Jean-Pierre", "Kaboré", "Fatou", "Sow"]:
        assert word not in output
    assert old.title_en in output


def test_negative_days_are_refused():
    with pytest.raises(CommandError, match="--days"):
        anonymise("--days", "-1")


def test_a_link_sent_again_keeps_its_pending_registration_until_it_expires(
    django_capture_on_commit_callbacks,
):
    old = RegistrationFactory(status=Registration.Status.PENDING)
    Registration.objects.filter(pk=old.pk).update(
        created_at=timezone.now()
        - dt.timedelta(hours=settings.REGISTRATION_LINK_MAX_AGE_HOURS + 24)
    )
    details = ParticipantDetails(
        first_name="Awa",
        last_name="Ndiaye",
        email=old.participant.email,
        organisation_name="",
        category="other",
        country="",
        language="fr",
        accessibility_needs="",
    )
    with django_capture_on_commit_callbacks(execute=True):
        registration_request(
            meeting=old.session.meeting, sessions=[old.session], details=details, now=timezone.now()
        )

    call_command("anonymise_participants", stdout=StringIO())

    assert Registration.objects.filter(pk=old.pk, status=Registration.Status.PENDING).exists()


# The admin history


def test_admin_history_of_anonymised_participants_and_registrations_loses_their_names(
    staff_client, settings
):
    settings.LANGUAGE_CODE = "en"  # the language the history is rewritten in
    old = meeting_ended(past_retention())
    person = ParticipantFactory(first_name="Aminata", last_name="Traoré")
    registration = register(person, old)
    admin_save(staff_client, person, first_name="Aminata-Rose")
    admin_save(staff_client, registration, email_failed="on")
    LogEntry.objects.log_actions(
        user_id=StaffFactory().pk,
        queryset=[person],
        action_flag=CHANGE,
        change_message="Aminata-Rose Traoré asked to be written aminata@example.org",
        single_object=True,
    )
    recent = ParticipantFactory(first_name="Koffi", last_name="Mensah")
    register(recent, meeting_ended(within_retention()))
    admin_save(staff_client, recent, last_name="Mensah-Adjovi")
    LogEntry.objects.log_actions(
        user_id=StaffFactory().pk,
        queryset=[old],
        action_flag=CHANGE,
        change_message="Title reviewed with Aminata Traoré",
        single_object=True,
    )
    kept = log_rows()[-2:]

    output = anonymise()

    entries = history_of(person) | history_of(registration)
    assert entries.count() == 3
    history = str(list(entries.values())).lower()
    for personal in ["aminata", "traoré", "@example.org"]:
        assert personal not in history
    assert {e.object_repr for e in entries} == {
        f"Participant no. {person.pk} (personal data removed)",
        f"Registration no. {registration.pk} (personal data removed)",
    }
    assert log_rows()[-2:] == kept
    assert "Admin history entries cleared of personal data: 3" in output


def test_admin_history_keeps_the_labels_of_the_fields_staff_changed(staff_client):
    person = ParticipantFactory(first_name="Aminata")
    register(person, meeting_ended(past_retention()))
    admin_save(staff_client, person, first_name="Aminata-Rose")

    anonymise()

    (entry,) = history_of(person)
    with translation.override("en"):
        assert entry.get_change_message() == "Changed First name."


def test_admin_history_of_a_registration_deleted_long_ago_loses_the_name(staff_client):
    person = ParticipantFactory(first_name="Aminata", last_name="Traoré")
    gone, recent = register(person, meeting_ended(-30)), register(person, meeting_ended(-60))
    for registration in [gone, recent]:
        staff_client.post(
            reverse("admin:participants_registration_delete", args=[registration.pk]),
            {"post": "yes"},
        )
    history_of(gone).update(action_time=timezone.now() - dt.timedelta(days=past_retention()))

    anonymise()

    assert "Aminata" not in history_of(gone).get().object_repr
    assert "Aminata" in history_of(recent).get().object_repr


def test_running_twice_clears_the_admin_history_once(staff_client):
    person = ParticipantFactory()
    register(person, meeting_ended(past_retention()))
    admin_save(staff_client, person, first_name="Aminata-Rose")
    anonymise()
    history = log_rows()

    output = anonymise()

    assert log_rows() == history
    assert "Admin history entries cleared of personal data: 0" in output


@pytest.mark.parametrize(
    ("message", "cleaned"),
    [
        ('[{"changed": {"fields": ["First name"]}}]', '[{"changed": {"fields": ["First name"]}}]'),
        (
            '[{"changed": {"name": "registration", "object": "Awa Sow — Atelier", '
            '"fields": ["Status"]}}]',
            '[{"changed": {"fields": ["Status"], "name": "registration", "object": "\\u2026"}}]',
        ),
        ('[{"added": {}}]', '[{"added": {}}]'),
        ("Awa Sow asked for it", ""),
        ('[{"changed": {"fields": "Awa Sow"}}]', ""),
        ('["Awa Sow"]', ""),
        ("[not json", ""),
    ],
)
def test_change_message_keeps_verbs_and_field_labels_only(message, cleaned):
    assert change_message_anonymise(message) == cleaned


def test_beat_runs_the_anonymisation_daily_through_the_worker():
    from participants import tasks

    person = ParticipantFactory(first_name="Aminata")
    register(person, meeting_ended(past_retention()))
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    tasks.anonymise_participants.delay()

    assert schedule["participants.tasks.anonymise_participants"] == 24 * 3600
    person.refresh_from_db()
    assert person.first_name == "" and person.anonymised_at is not None
