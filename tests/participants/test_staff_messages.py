"""Messages from staff to participants: who gets them, in which language, sent once; the
admin pages to write, preview and send them, and the read-only list of every e-mail."""

import re
import threading
import time
from unittest import mock

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from participants import staff_messages, tokens
from participants.groups import CONTENT_EDITORS, REGISTRATION_MANAGERS
from participants.models import Delivery, Registration, StaffMessage
from tests.factories import (
    MeetingFactory,
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status


def write(meeting, *, statuses=(Status.CONFIRMED,), session=None, **texts) -> StaffMessage:
    return StaffMessage.objects.create(
        meeting=meeting,
        session=session,
        statuses=list(statuses),
        subject_fr=texts.get("subject_fr", "Changement de salle"),
        subject_en=texts.get("subject_en", "Change of room"),
        body_fr=texts.get("body_fr", "La rencontre aura lieu en salle XII.\n\nÀ bientôt."),
        body_en=texts.get("body_en", "The meeting takes place in room XII.\n\nSee you soon."),
    )


def register(session, status=Status.CONFIRMED, **person) -> Registration:
    return RegistrationFactory(
        session=session, status=status, participant=ParticipantFactory(**person)
    )


def send(message, user=None) -> int:
    return staff_messages.staff_message_send(
        message=message, user=user or StaffFactory(), now=timezone.now()
    )


def user_in(group: str):
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name=group))
    return user


def english(name: str, *args) -> str:
    """The admin page in English (its address carries the language)."""
    with translation.override("en"):
        return reverse(name, args=args)


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def manager(client):
    client.force_login(user_in(REGISTRATION_MANAGERS))
    return client


@pytest.fixture
def editor(client):
    client.force_login(user_in(CONTENT_EDITORS))
    return client


# Recipients and sending


def test_each_person_gets_the_message_in_their_language(session, mailoutbox, captured):
    register(session, first_name="Aïssata", email="aissata@example.org", language="fr")
    register(session, first_name="John", email="john@example.org", language="en")
    message = write(session.meeting)

    with captured(execute=True):
        count = send(message)

    assert count == 2
    by_address = {email.to[0]: email for email in mailoutbox}
    french, english = by_address["aissata@example.org"], by_address["john@example.org"]
    assert french.subject == "Changement de salle"
    assert "Bonjour Aïssata," in french.body
    assert "La rencontre aura lieu en salle XII." in french.body
    assert english.subject == "Change of room"
    assert "Hello John," in english.body
    assert "The meeting takes place in room XII." in english.body
    assert "salle XII" not in english.body
    # Every message carries the manage link and the link that stops messages.
    assert "/fr/" in french.body and "/en/" in english.body
    assert english.extra_headers["List-Unsubscribe"].startswith("<http")


def test_html_keeps_the_paragraphs_and_escapes_the_text(session, mailoutbox, captured):
    register(session, language="en")
    message = write(session.meeting, body_en="First <b>line</b>.\n\nSecond paragraph & more.")

    with captured(execute=True):
        send(message)

    html = mailoutbox[0].alternatives[0][0]
    assert "<p>First &lt;b&gt;line&lt;/b&gt;.</p>" in html
    assert "<p>Second paragraph &amp; more.</p>" in html
    assert "First <b>line</b>." in mailoutbox[0].body  # the text part, as written


def test_only_the_chosen_statuses_are_reached(session, mailoutbox, captured):
    for status in Status.values:
        register(session, status=status, email=f"{status}@example.org")
    message = write(session.meeting, statuses=[Status.WAITLISTED, Status.AWAITING_APPROVAL])

    with captured(execute=True):
        send(message)

    assert sorted(email.to[0] for email in mailoutbox) == [
        "awaiting_approval@example.org",
        "waitlisted@example.org",
    ]
    assert message.recipient_count == 2


def test_a_session_message_reaches_only_that_sessions_participants(session, mailoutbox, captured):
    other_session = SessionFactory(meeting=session.meeting)
    register(session, email="in@example.org")
    register(other_session, email="other@example.org")
    register(SessionFactory(), email="other-meeting@example.org")
    message = write(session.meeting, session=session)

    with captured(execute=True):
        send(message)

    assert [email.to[0] for email in mailoutbox] == ["in@example.org"]


def test_a_meeting_message_reaches_each_person_once_with_all_their_sessions(
    session, mailoutbox, captured
):
    person = ParticipantFactory(email="both@example.org")
    second = SessionFactory(meeting=session.meeting)
    first_registration = RegistrationFactory(
        session=session, participant=person, status="confirmed"
    )
    second_registration = RegistrationFactory(
        session=second, participant=person, status="confirmed"
    )
    message = write(session.meeting)

    with captured(execute=True):
        count = send(message)

    assert count == 1
    assert len(mailoutbox) == 1
    delivery = Delivery.objects.get()
    assert sorted(delivery.registration_ids) == sorted(
        [first_registration.pk, second_registration.pk]
    )
    assert mailoutbox[0].attachments  # the calendar of the confirmed sessions


def test_the_online_link_only_goes_to_confirmed_participants(session, mailoutbox, captured):
    session.meeting.online_url = "https://visio.example.org/salle-secrete"
    session.meeting.save()
    register(session, status=Status.CONFIRMED, email="confirmed@example.org")
    register(session, status=Status.WAITLISTED, email="waiting@example.org")
    message = write(session.meeting, statuses=[Status.CONFIRMED, Status.WAITLISTED])

    with captured(execute=True):
        send(message)

    by_address = {email.to[0]: email for email in mailoutbox}
    assert "salle-secrete" in by_address["confirmed@example.org"].body
    assert "salle-secrete" in by_address["confirmed@example.org"].alternatives[0][0]
    assert "salle-secrete" not in by_address["waiting@example.org"].body
    assert "salle-secrete" not in by_address["waiting@example.org"].alternatives[0][0]


def test_people_who_stopped_messages_or_were_anonymised_are_left_out(session, mailoutbox, captured):
    register(session, email="kept@example.org")
    register(session, email="stopped@example.org", messages_stopped_at=timezone.now())
    register(session, email="gone@example.org", anonymised_at=timezone.now())
    message = write(session.meeting)

    assert list(staff_messages.recipients(message).values_list("email", flat=True)) == [
        "kept@example.org"
    ]
    with captured(execute=True):
        assert send(message) == 1
    assert [email.to[0] for email in mailoutbox] == ["kept@example.org"]


def test_a_message_is_sent_only_once(session, mailoutbox, captured):
    register(session)
    message = write(session.meeting)
    with captured(execute=True):
        send(message)

    again = StaffMessage.objects.get(pk=message.pk)
    with pytest.raises(staff_messages.StaffMessageError) as refused:
        send(again)

    assert refused.value.code == "already_sent"
    assert len(mailoutbox) == 1
    assert Delivery.objects.count() == 1


def test_sending_records_who_when_and_how_many(session, captured):
    register(session)
    register(session)
    user = StaffFactory()
    message = write(session.meeting)

    with captured(execute=True):
        send(message, user)

    message.refresh_from_db()
    assert message.sent_by == user
    assert message.sent_at is not None
    assert message.recipient_count == 2
    assert set(message.deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_a_message_with_nobody_to_reach_is_refused(session):
    message = write(session.meeting)

    with pytest.raises(staff_messages.StaffMessageError) as refused:
        send(message)

    assert refused.value.code == "no_recipients"
    message.refresh_from_db()
    assert message.sent_at is None


def test_sending_queries_do_not_grow_with_recipients(
    session, django_assert_max_num_queries, captured
):
    def queries_to_send(count):
        meeting = MeetingFactory()
        meeting_session = SessionFactory(meeting=meeting, capacity=None)
        for _ in range(count):
            register(meeting_session)
        message = write(meeting)
        with CaptureQueriesContext(connection) as queries, captured(execute=False):
            send(message)
        return len(queries)

    assert queries_to_send(60) == queries_to_send(10)


# Admin: writing


def add_form(meeting, session=None, **overrides) -> dict:
    data = {
        "meeting": meeting.pk,
        "session": session.pk if session else "",
        "statuses": [Status.CONFIRMED],
        "subject_fr": "Programme",
        "subject_en": "Programme",
        "body_fr": "Le programme est en ligne.",
        "body_en": "The programme is online.",
    }
    return data | overrides


def form_errors(response) -> dict[str, list[str]]:
    return {
        name: [error.code for error in errors]
        for name, errors in response.context["adminform"].form.errors.as_data().items()
    }


def test_a_registration_manager_writes_a_message(manager, session):
    response = manager.post(
        english("admin:participants_staffmessage_add"), add_form(session.meeting, session)
    )

    assert response.status_code == 302
    message = StaffMessage.objects.get()
    assert message.statuses == [Status.CONFIRMED]
    assert message.session == session
    assert message.body_en == "The programme is online."
    assert message.created_by is not None


def test_the_add_form_offers_statuses_and_sessions_named_with_their_meeting(manager, session):
    response = manager.get(english("admin:participants_staffmessage_add"))

    assert response.status_code == 200
    assert f'<option value="{session.pk}">Workshop on AI — Round table</option>' in response.text
    assert 'type="checkbox" name="statuses" value="confirmed"' in response.text
    assert 'value="pending"' not in response.text  # nobody is written to before confirming
    for name in ["subject_fr", "subject_en", "body_fr", "body_en"]:
        assert f'name="{name}"' in response.text


def test_a_registration_manager_finds_the_meeting_by_its_title(manager, session):
    url = english("admin:autocomplete")
    query = "app_label=participants&model_name=staffmessage&field_name=meeting&term=Workshop"

    response = manager.get(f"{url}?{query}")

    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(session.meeting.pk)]


def test_a_draft_leads_to_its_preview(manager, session):
    message = write(session.meeting)

    response = manager.get(english("admin:participants_staffmessage_change", message.pk))

    assert response.status_code == 200
    assert f'href="{preview_url(message)}">Preview and send</a>' in response.text
    assert 'name="subject_en"' in response.text


def test_a_session_of_another_meeting_is_refused_clearly(manager, session):
    elsewhere = SessionFactory()

    response = manager.post(
        english("admin:participants_staffmessage_add"),
        add_form(session.meeting, elsewhere),
    )

    assert response.status_code == 200
    assert form_errors(response) == {"session": ["session_of_another_meeting"]}
    assert "This session belongs to another meeting" in response.text
    assert not StaffMessage.objects.exists()


def test_at_least_one_status_is_needed(manager, session):
    response = manager.post(
        english("admin:participants_staffmessage_add"),
        add_form(session.meeting, statuses=[]),
    )

    assert form_errors(response) == {"statuses": ["required"]}
    assert "Choose at least one status to write to." in response.text


def test_a_status_staff_may_not_write_to_is_refused(manager, session):
    response = manager.post(
        english("admin:participants_staffmessage_add"),
        add_form(session.meeting, statuses=[Status.PENDING]),
    )

    assert form_errors(response) == {"statuses": ["invalid_choice"]}


def test_the_english_text_is_required_too(manager, session):
    response = manager.post(
        english("admin:participants_staffmessage_add"),
        add_form(session.meeting, subject_en="", body_en="  "),
    )

    assert form_errors(response) == {"subject_en": ["required"], "body_en": ["required"]}
    assert "each participant receives the message in their language (here: English)" in (
        response.text
    )
    assert not StaffMessage.objects.exists()


# Admin: preview and sending


def preview_url(message) -> str:
    return english("admin:participants_staffmessage_preview", message.pk)


def send_url(message) -> str:
    return english("admin:participants_staffmessage_send", message.pk)


def test_the_preview_shows_the_email_in_both_languages_with_counts(manager, session):
    register(session, first_name="Aïssata", language="fr")
    register(session, first_name="Léa", language="fr")
    message = write(session.meeting)

    response = manager.get(preview_url(message))

    assert response.status_code == 200
    previews = {preview["code"]: preview for preview in response.context["previews"]}
    assert previews["fr"]["count"] == 2
    assert previews["en"]["count"] == 0
    assert previews["fr"]["subject"] == "Changement de salle"
    assert previews["en"]["subject"] == "Change of room"
    assert "Bonjour Aïssata," in previews["fr"]["text"]
    # Nobody reads English: a made-up person, said to be one.
    assert previews["en"]["recipient"] is None
    assert "Hello [First name]," in previews["en"]["text"]
    assert "shown for a made-up participant" in response.text
    assert "<p>The meeting takes place in room XII.</p>" in response.text
    assert "<p>La rencontre aura lieu en salle XII.</p>" in response.text
    assert "2 participants would receive it now." in response.text
    assert 'value="Yes, send it"' in response.text


def test_the_preview_links_open_nothing_of_the_participants(client, manager, session):
    registration = register(session, language="fr")
    message = write(session.meeting)
    previews = manager.get(preview_url(message)).context["previews"]
    text = previews[0]["text"]
    stop_path, token = re.search(r"https?://[^/\s]+(/\w\w/messages/\w+/([^\s/]+)/)", text).groups()
    manage_token = re.search(r"/inscription/\w+/([^\s/]+)/", text)[1]

    client.logout()
    response = client.post(stop_path)

    # The person's links, with a key that is not theirs: refused.
    assert tokens.read_stop_token(token).participant_id == registration.participant_id
    assert tokens.read_stop_token(token).key != registration.participant.manage_key
    assert tokens.read_manage_token(manage_token).key != registration.participant.manage_key
    assert response.status_code != 302
    registration.participant.refresh_from_db()
    assert registration.participant.messages_stopped_at is None


def test_a_registration_manager_sends_from_the_preview(manager, session, mailoutbox, captured):
    register(session, language="fr")
    register(session, language="en")
    message = write(session.meeting)

    with captured(execute=True):
        response = manager.post(send_url(message))

    assert response.status_code == 302
    assert response.url == english("admin:participants_staffmessage_change", message.pk)
    assert "The message is on its way to 2 participants." in message_texts(response)
    assert len(mailoutbox) == 2
    message.refresh_from_db()
    assert message.sent_at is not None


def test_sending_twice_from_the_admin_sends_once(manager, session, mailoutbox, captured):
    register(session)
    message = write(session.meeting)
    with captured(execute=True):
        manager.post(send_url(message))

    with captured(execute=True):
        response = manager.post(send_url(message))

    assert response.status_code == 302
    assert any("already sent" in text for text in message_texts(response))
    assert len(mailoutbox) == 1


def test_sending_needs_a_post(manager, session):
    register(session)
    message = write(session.meeting)

    response = manager.get(send_url(message))

    assert response.status_code == 405
    assert StaffMessage.objects.get().sent_at is None


def test_a_content_editor_can_neither_see_nor_send_messages(editor, session, mailoutbox):
    register(session)
    message = write(session.meeting)

    listing = editor.get(english("admin:participants_staffmessage_changelist"))
    preview = editor.get(preview_url(message))
    sending = editor.post(send_url(message))

    assert listing.status_code == 403
    assert preview.status_code == 403
    assert sending.status_code == 403
    assert StaffMessage.objects.get().sent_at is None
    assert mailoutbox == []


def test_staff_who_may_only_read_messages_get_no_send_button(client, session):
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(Permission.objects.get(codename="view_staffmessage"))
    client.force_login(user)
    register(session)
    message = write(session.meeting)

    preview = client.get(preview_url(message))
    sending = client.post(send_url(message))

    assert preview.status_code == 200
    assert "Yes, send it" not in preview.text
    assert sending.status_code == 403
    assert StaffMessage.objects.get().sent_at is None


def test_a_sent_message_is_read_only_and_shows_what_happened(manager, session, captured):
    register(session)
    register(session)
    message = write(session.meeting)
    with captured(execute=True):
        manager.post(send_url(message))
    Delivery.objects.filter(pk=Delivery.objects.order_by("pk").first().pk).update(
        status=Delivery.Status.FAILED
    )
    change_url = english("admin:participants_staffmessage_change", message.pk)

    page = manager.get(change_url)
    changed = manager.post(change_url, add_form(session.meeting, subject_en="Edited"))

    assert page.status_code == 200
    assert 'name="subject_en"' not in page.text  # no field to edit
    assert "Sent: 1, Failed: 1" in page.text
    assert f"?staff_message__id__exact={message.pk}" in page.text
    assert "Confirmed" in page.text  # the recipients' statuses, by name
    assert changed.status_code == 403
    assert StaffMessage.objects.get().subject_en == "Change of room"
    assert manager.get(preview_url(message)).status_code == 200
    assert "Yes, send it" not in manager.get(preview_url(message)).text


def test_admin_pages_queries_do_not_grow_with_recipients(
    manager, django_assert_max_num_queries, captured
):
    def message_with(count) -> StaffMessage:
        meeting = MeetingFactory()
        meeting_session = SessionFactory(meeting=meeting, capacity=None)
        for index in range(count):
            register(meeting_session, language=["fr", "en"][index % 2])
        return write(meeting)

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured_queries:
            assert manager.get(url).status_code == 200
        return len(captured_queries)

    small, large = message_with(10), message_with(60)
    small_preview, large_preview = preview_url(small), preview_url(large)
    baseline = queries(small_preview)
    with django_assert_max_num_queries(baseline):
        manager.get(large_preview)

    with captured(execute=True):
        manager.post(send_url(small))
        manager.post(send_url(large))
    small_change = english("admin:participants_staffmessage_change", small.pk)
    large_change = english("admin:participants_staffmessage_change", large.pk)
    baseline = queries(small_change)
    with django_assert_max_num_queries(baseline):
        manager.get(large_change)

    changelist = english("admin:participants_delivery_changelist")
    baseline = queries(f"{changelist}?staff_message__id__exact={small.pk}")
    with django_assert_max_num_queries(baseline):
        response = manager.get(f"{changelist}?staff_message__id__exact={large.pk}")
    assert response.context["cl"].result_count == 60


# Admin: the e-mails sent


def test_the_email_list_shows_each_delivery_read_only(manager, session, captured):
    register(session, first_name="Aïssata", last_name="Traoré")
    message = write(session.meeting)
    with captured(execute=True):
        send(message)
    delivery = Delivery.objects.get()
    url = english("admin:participants_delivery_changelist")

    listing = manager.get(url)
    detail = manager.get(english("admin:participants_delivery_change", delivery.pk))
    add = manager.get(english("admin:participants_delivery_add"))
    delete = manager.post(
        english("admin:participants_delivery_delete", delivery.pk), {"post": "yes"}
    )

    assert listing.status_code == 200
    assert "Aïssata Traoré" in listing.text
    assert "Message from staff" in listing.text
    assert "staff_message" in listing.text  # the template
    assert english("admin:participants_delivery_add") not in listing.text
    assert detail.status_code == 200
    assert 'name="status"' not in detail.text  # nothing to edit
    assert add.status_code == 403
    assert delete.status_code == 403
    assert Delivery.objects.count() == 1


def test_the_email_list_filters_by_kind_status_and_meeting(manager, session, captured):
    register(session)
    with captured(execute=True):
        send(write(session.meeting))
    url = english("admin:participants_delivery_changelist")

    by_kind = manager.get(f"{url}?kind__exact=reminder")
    by_status = manager.get(f"{url}?status__exact=sent")
    by_meeting = manager.get(f"{url}?meeting__id__exact={session.meeting.pk}")

    assert by_kind.context["cl"].result_count == 0
    assert by_status.context["cl"].result_count == 1
    assert by_meeting.context["cl"].result_count == 1


def test_a_registration_manager_sends_failed_emails_again(manager, session, captured, mailoutbox):
    register(session, first_name="Aïssata")
    message = write(session.meeting)
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")),
        captured(execute=True),
    ):
        send(message)
    failed = Delivery.objects.get()
    assert failed.status == Delivery.Status.FAILED and mailoutbox == []
    url = english("admin:participants_delivery_changelist")
    chosen = {"action": "send_again", "_selected_action": [failed.pk]}

    with captured(execute=True):
        response = manager.post(url, chosen, follow=True)

    failed.refresh_from_db()
    assert failed.status == Delivery.Status.SENT and failed.attempts == 1
    assert len(mailoutbox) == 1
    assert "1 failed e-mail is queued again." in message_texts(response)
    with captured(execute=True):
        again = manager.post(url, chosen, follow=True)  # sent now: nothing to do
    assert len(mailoutbox) == 1
    assert "nothing to send again" in " ".join(message_texts(again))


def test_only_those_who_may_send_messages_may_send_failed_emails_again(client, session):
    viewer = StaffFactory(is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    client.force_login(viewer)

    listing = client.get(english("admin:participants_delivery_changelist"))

    assert listing.status_code == 200
    assert "send_again" not in listing.text


def test_content_editors_do_not_see_the_emails(editor):
    response = editor.get(english("admin:participants_delivery_changelist"))

    assert response.status_code == 403


# Sending at the same moment (PostgreSQL: row locks)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_five_clicks_on_send_at_the_same_moment_send_once(mailoutbox):
    session = SessionFactory(capacity=None)
    for _ in range(3):
        register(session)
    message = write(session.meeting)
    user = StaffFactory()
    barrier = threading.Barrier(5)
    outcomes = []
    slow = staff_messages._registrations_by_person

    def slow_registrations(message):
        result = slow(message)
        time.sleep(0.05)  # a loaded server: without the lock, every click would send
        return result

    def click():
        try:
            barrier.wait()
            fresh = StaffMessage.objects.get(pk=message.pk)
            outcomes.append(send(fresh, user))
        except staff_messages.StaffMessageError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    with mock.patch.object(staff_messages, "_registrations_by_person", slow_registrations):
        threads = [threading.Thread(target=click) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert sorted(outcomes, key=str) == [3, *["already_sent"] * 4]
    assert Delivery.objects.count() == 3
    assert len(mailoutbox) == 3
