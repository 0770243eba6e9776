"""Behaviours only a concurrency test, or no test at all, used to run: the waiting list
without threads, revoked manage links, resending a pending registration, deleting a
participant who holds a seat, and form errors tied to their fields."""

import datetime as dt
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from participants import services, tokens
from participants.models import Participant, Registration
from tests.factories import ParticipantFactory, RegistrationFactory, SessionFactory
from tests.participants.conftest import form_data, link_in

pytestmark = pytest.mark.django_db

Status = Registration.Status


def full_session_with_queue(*, capacity: int, waiting: int):
    """A full session and its waiting list, the oldest first."""
    session = SessionFactory(capacity=capacity)
    seated = RegistrationFactory.create_batch(capacity, session=session, status=Status.CONFIRMED)
    start = timezone.now() - dt.timedelta(days=1)
    queue = [
        RegistrationFactory(
            session=session,
            status=Status.WAITLISTED,
            waitlisted_at=start + dt.timedelta(minutes=minute),
        )
        for minute in range(waiting)
    ]
    return session, seated, queue


def statuses(registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def seated_count(session) -> int:
    return session.registrations.filter(status=Status.CONFIRMED).count()


# The waiting list, single-threaded: every database catches an over-promotion.


def test_cancelling_one_seat_promotes_exactly_the_oldest_waitlisted(
    django_capture_on_commit_callbacks,
):
    session, seated, queue = full_session_with_queue(capacity=2, waiting=3)

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(registration=seated[0], now=timezone.now())

    assert [r.pk for r in promoted] == [queue[0].pk]
    assert statuses(queue) == [Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]
    assert seated_count(session) == session.capacity


def test_staff_promoting_the_whole_queue_never_exceeds_capacity(
    staff_client, django_capture_on_commit_callbacks
):
    session, seated, queue = full_session_with_queue(capacity=2, waiting=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=seated[0], now=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:participants_registration_changelist"),
            {"action": "promote", ACTION_CHECKBOX_NAME: [r.pk for r in queue]},
        )

    assert seated_count(session) == session.capacity
    assert statuses(queue[1:]) == [Status.WAITLISTED, Status.WAITLISTED]


def test_staff_promotion_then_a_cancellation_refills_only_the_freed_seat(
    django_capture_on_commit_callbacks,
):
    session, seated, queue = full_session_with_queue(capacity=2, waiting=3)
    Registration.objects.filter(pk=seated[0].pk).update(status=Status.CANCELLED)
    services.registration_promote(registration=queue[2], now=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(registration=seated[1], now=timezone.now())

    assert len(promoted) == 1
    assert seated_count(session) == session.capacity


# Revoked manage links


def test_manage_link_of_an_anonymised_participant_says_it_is_no_longer_valid(client, session):
    participant = ParticipantFactory()
    RegistrationFactory(participant=participant, session=session, status=Status.CONFIRMED)
    path = tokens.manage_path(participant=participant, meeting=session.meeting)
    Participant.objects.filter(pk=participant.pk).update(anonymised_at=timezone.now())

    response = client.get(path)

    assert response.status_code == 410
    assert "Ce lien n’est plus valable." in response.text
    assert "Obtenir un nouveau lien" in response.text


def test_manage_link_whose_key_was_renewed_says_it_is_no_longer_valid(client, session):
    participant = ParticipantFactory()
    RegistrationFactory(participant=participant, session=session, status=Status.CONFIRMED)
    path = tokens.manage_path(participant=participant, meeting=session.meeting)
    Participant.objects.filter(pk=participant.pk).update(manage_key="renewed")

    response = client.get(path)

    assert response.status_code == 410
    assert "Ce lien n’est plus valable." in response.text
    assert participant.email not in response.text


# Staff actions never run before


def test_resending_a_pending_registration_sends_a_confirmation_link_that_works(
    staff_client, mailoutbox, django_capture_on_commit_callbacks, session
):
    registration = RegistrationFactory(session=session, status=Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:participants_registration_changelist"),
            {"action": "resend_email", ACTION_CHECKBOX_NAME: [registration.pk]},
            follow=True,
        )
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(link_in(mailoutbox[0], "confirmer"))

    assert "1 e-mail renvoyé." in response.text
    assert mailoutbox[0].to == [registration.participant.email]
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_deleting_a_participant_who_holds_a_seat_gives_it_to_the_oldest_waitlisted(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    session, seated, queue = full_session_with_queue(capacity=1, waiting=2)
    holder = seated[0].participant

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:participants_participant_delete", args=[holder.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not Participant.objects.filter(pk=holder.pk).exists()
    assert statuses(queue) == [Status.CONFIRMED, Status.WAITLISTED]
    assert [queue[0].participant.email] in [m.to for m in mailoutbox]


# Form errors and screen readers (Django ties them since 5.0; no override of ours needed)


def test_form_errors_are_tied_to_their_fields_for_screen_readers(client, session):
    data = form_data(session, email="not-an-address", accessibility_needs="x" * 2001)

    response = client.post("/fr/inscription/atelier/", data)

    email = re.search(r"<input[^>]*name=\"email\"[^>]*>", response.text).group(0)
    needs = re.search(r"<textarea[^>]*name=\"accessibility_needs\"[^>]*>", response.text).group(0)
    assert 'aria-describedby="id_email_error"' in email
    assert 'aria-invalid="true"' in email
    assert "id_accessibility_needs_error" in needs
    assert "id_accessibility_needs_helptext" in needs
    assert 'id="id_email_error"' in response.text
