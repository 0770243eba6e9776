"""The link that stops reminders and messages: in every such e-mail, working without an
account, through a confirmation page or a mail program's one-click unsubscribe."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from participants import outbox, tokens
from participants.models import Delivery, Participant, Registration
from tests.factories import ParticipantFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


@pytest.fixture
def confirmed(session):
    return RegistrationFactory(
        session=session,
        status=Status.CONFIRMED,
        participant=ParticipantFactory(first_name="Aïssata", language="fr"),
    )


def queue(registration, kind, key):
    return outbox.enqueue(
        key=key,
        kind=kind,
        template="outcome",
        participant=registration.participant,
        meeting=registration.session.meeting,
        language=registration.participant.language,
        registrations=[registration],
    )


def stop_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\w\w/messages/(?:stop|arret)/[^\s\"]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_reminders_carry_the_stop_link_and_a_one_click_header(confirmed, mailoutbox, captured):
    with captured(execute=True):
        queue(confirmed, Delivery.Kind.REMINDER, "reminder:test")

    message = mailoutbox[0]
    path = stop_path(message)
    assert path.startswith("/fr/")
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{path}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert "arrêter les rappels et messages" in html


def test_answers_to_the_persons_own_requests_carry_no_stop_link(confirmed, mailoutbox, captured):
    with captured(execute=True):
        queue(confirmed, Delivery.Kind.REGISTRATION, "registration:test")

    message = mailoutbox[0]
    assert "/stop/" not in message.body
    assert "List-Unsubscribe" not in message.extra_headers


def test_the_link_asks_first_then_stops_further_reminders(client, confirmed, mailoutbox, captured):
    with captured(execute=True):
        queue(confirmed, Delivery.Kind.REMINDER, "reminder:first")
    path = stop_path(mailoutbox[0])

    page = client.get(path)
    assert page.status_code == 200
    assert "Arrêter les rappels et messages" in page.content.decode()
    assert Participant.objects.get().messages_stopped_at is None  # opening is not stopping

    response = client.post(path)
    assert response.status_code == 302
    assert Participant.objects.get().messages_stopped_at is not None
    assert "vous ne recevrez plus" in client.get(path).content.decode()

    with captured(execute=True):
        queue(confirmed, Delivery.Kind.REMINDER, "reminder:second")
        queue(confirmed, Delivery.Kind.STAFF_MESSAGE, "staff:second")
        queue(confirmed, Delivery.Kind.REGISTRATION, "registration:second")
    assert len(mailoutbox) == 2  # the first reminder, then only the registration e-mail
    statuses = dict(Delivery.objects.values_list("key", "status"))
    assert statuses["reminder:second"] == Delivery.Status.CANCELLED
    assert statuses["staff:second"] == Delivery.Status.CANCELLED
    assert statuses["registration:second"] == Delivery.Status.SENT
    assert Registration.objects.get().status == Status.CONFIRMED  # registrations unchanged


def test_one_click_unsubscribe_works_without_a_csrf_token(confirmed):
    token = tokens.stop_token(participant=confirmed.participant)
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/en/messages/stop/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 302
    assert Participant.objects.get().messages_stopped_at is not None


def test_a_queued_reminder_is_not_sent_once_the_person_stopped(confirmed, mailoutbox):
    delivery = outbox.record(
        key="reminder:queued",
        kind=Delivery.Kind.REMINDER,
        template="outcome",
        participant=confirmed.participant,
        meeting=confirmed.session.meeting,
        language="fr",
        registrations=[confirmed],
    )
    Participant.objects.update(messages_stopped_at=timezone.now())

    assert outbox.deliver(delivery.pk, may_retry=True) == Delivery.Status.CANCELLED
    assert mailoutbox == []


def test_an_altered_link_gets_a_clear_400_in_the_users_language(client, confirmed):
    token = tokens.stop_token(participant=confirmed.participant)

    response = client.get(f"/en/messages/stop/{token}x/")

    assert response.status_code == 400
    assert "incomplete or has been altered" in response.content.decode()
    assert client.post(f"/fr/messages/arret/{token[:-2]}/").status_code == 400
    assert Participant.objects.get().messages_stopped_at is None


def test_the_link_of_an_anonymised_participant_no_longer_works(client, confirmed):
    token = tokens.stop_token(participant=confirmed.participant)
    Participant.objects.update(manage_key="new", anonymised_at=timezone.now())

    assert client.get(f"/fr/messages/arret/{token}/").status_code == 410


def test_the_privacy_notice_says_what_these_messages_are(client):
    text = client.get("/en/privacy/").content.decode()
    assert "reminders before the meeting" in text
    assert "a link that stops them" in text


def test_a_reminder_queued_before_the_meeting_was_cancelled_is_not_sent(confirmed, mailoutbox):
    """Staff cancel the meeting while its reminders wait for the worker: they stay unsent,
    and a staff message announcing the cancellation still goes."""
    meeting = confirmed.session.meeting
    reminder, message = (
        outbox.record(
            key=key,
            kind=kind,
            template="outcome",
            participant=confirmed.participant,
            meeting=meeting,
            language="fr",
            registrations=[confirmed],
        )
        for key, kind in [
            ("reminder:late", Delivery.Kind.REMINDER),
            ("staff:late", Delivery.Kind.STAFF_MESSAGE),
        ]
    )
    meeting.status = meeting.Status.CANCELLED
    meeting.save()

    assert outbox.deliver(reminder.pk, may_retry=True) == Delivery.Status.CANCELLED
    assert outbox.deliver(message.pk, may_retry=True) == Delivery.Status.SENT
    assert len(mailoutbox) == 1
