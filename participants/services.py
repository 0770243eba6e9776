"""Writes of the registration flow. Every one runs in a transaction; those that give or free a
seat lock the session row first, so no number of concurrent requests overbooks a session.

Public views and admin actions call these same functions, and so send the same e-mails.
"""

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from events.models import Meeting, Session

from . import outbox, selectors, tokens
from .models import Delivery, Participant, Registration, new_key

Status = Registration.Status


class RegistrationError(Exception):
    """A staff action that the state of the registration does not allow."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ParticipantDetails:
    first_name: str
    last_name: str
    email: str
    organisation_name: str
    category: str
    country: str
    language: str
    accessibility_needs: str


def _registration_email(
    template: str,
    registrations: list[Registration],
    language: str,
    *,
    write=outbox.record,
    **context,
) -> Delivery:
    """Record the e-mail that tells a person what became of their registrations, with
    `outbox.record` (the caller dispatches it once committed) or `outbox.enqueue`. Each such
    e-mail is a message of its own (a new key)."""
    return write(
        key=f"registration:{template}:{uuid.uuid4().hex}",
        kind=Delivery.Kind.REGISTRATION,
        template=template,
        participant=registrations[0].participant,
        meeting=registrations[0].session.meeting,
        language=language,
        registrations=registrations,
        context=context,
    )


def _after_commit(template: str, registrations: list[Registration], language: str, **context):
    if registrations:
        _registration_email(template, registrations, language, write=outbox.enqueue, **context)


def _sent_now(delivery: Delivery) -> bool:
    """Dispatch a committed e-mail; False only if it is known to have failed (tasks running
    in-process): with a worker, it is queued, and the request does not wait for it."""
    outbox.dispatch([delivery.pk])
    delivery.refresh_from_db(fields=["status"])
    return delivery.status != Delivery.Status.FAILED


def _lock_session(session_id: int) -> Session:
    # The row lock serialises every change of seats of this session (PostgreSQL; on SQLite the
    # immediate transaction holds the whole database).
    return Session.objects.select_for_update().get(pk=session_id)


def _confirmed_count(session: Session) -> int:
    return session.registrations.filter(status=Status.CONFIRMED).count()


def _seat_or_waitlist(*, registration: Registration, session: Session, now: dt.datetime) -> None:
    """Give a seat if one is free, else a place on the waiting list. Session must be locked."""
    if session.capacity is None or _confirmed_count(session) < session.capacity:
        registration.status = Status.CONFIRMED
    else:
        registration.status = Status.WAITLISTED
        registration.waitlisted_at = now


def _promote_waitlisted(*, session: Session, now: dt.datetime) -> list[Registration]:
    """Give the free seats to those who have waited longest. Session must be locked."""
    promoted = []
    free = None if session.capacity is None else session.capacity - _confirmed_count(session)
    waiting = session.registrations.waiting_queue()
    for registration in waiting.select_related("participant", "session__meeting"):
        if free is not None and free <= 0:
            break
        registration.status = Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        promoted.append(registration)
        if free is not None:
            free -= 1
    for registration in promoted:
        _after_commit("promoted", [registration], registration.participant.language)
    return promoted


def participant_get_or_create(*, details: ParticipantDetails, now: dt.datetime) -> Participant:
    """The participant with this address, created from the details if new.

    An existing participant's details are left as they are: the public form must not let
    anyone change another person's data.
    """
    existing = Participant.objects.filter(email__iexact=details.email).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Participant.objects.create(
                **details.__dict__,
                consent_at=now,
                privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
            )
    except IntegrityError:  # the same address, submitted at the same instant
        return Participant.objects.get(email__iexact=details.email)


def _shared_nonce(waiting: list[Registration]) -> str:
    """The confirmation nonce of a person's pending registrations for a meeting.

    They share one, kept from the first request on, so that every link sent stays valid.
    Rows from before that rule may hold several: the most recently sent one is kept.
    """
    sent = [r for r in waiting if r.confirmation_nonce]
    if not sent:
        return secrets.token_urlsafe(16)
    latest = max(sent, key=lambda r: (r.confirmation_sent_at or r.created_at, r.pk))
    return latest.confirmation_nonce


def registration_request(
    *, meeting: Meeting, sessions: list[Session], details: ParticipantDetails, now: dt.datetime
) -> bool:
    """Record a request from the public form and send the e-mail that follows from it.

    New registrations wait for the e-mail confirmation; sessions the person already holds are
    not registered twice. Asking again never invalidates a link sent before: every link of
    the same request confirms the same registrations, until one of them is used.

    The e-mail leaves once the registrations are committed; returns whether it could be sent.
    """
    with transaction.atomic(durable=True):
        participant = participant_get_or_create(details=details, now=now)
        # One person's requests run one after the other, so that they agree on one nonce.
        Participant.objects.select_for_update().filter(pk=participant.pk).exists()
        mine = {
            r.session_id: r
            for r in participant.registrations.active().filter(session__meeting=meeting)
        }
        waiting = [r for r in mine.values() if r.status == Status.PENDING]
        nonce = _shared_nonce(waiting)
        pending, held = [], []
        for session in sessions:
            registration = mine.get(session.pk)
            if registration is None:
                registration = Registration.objects.create(
                    participant=participant,
                    session=session,
                    status=Status.PENDING,
                    confirmation_nonce=nonce,
                )
                waiting.append(registration)
            registration.session = session  # with its meeting, for the e-mail
            (pending if registration.status == Status.PENDING else held).append(registration)

        if pending:
            stale = [r.pk for r in waiting if r.confirmation_nonce != nonce]
            Registration.objects.filter(pk__in=stale).update(confirmation_nonce=nonce)
            Registration.objects.filter(pk__in=[r.pk for r in pending]).update(
                confirmation_sent_at=now
            )
            token = tokens.confirmation_token(
                registration_ids=[r.pk for r in pending],
                nonce=nonce,
                meeting_id=meeting.pk,
                now=now,
            )
            delivery = _registration_email(
                "confirm_request",
                pending,
                details.language,
                token=token,
                held_ids=[r.pk for r in held],
            )
        else:
            delivery = _registration_email("manage_link", held, details.language)
    return _sent_now(delivery)


def registrations_confirm(
    *, registrations: list[Registration], now: dt.datetime
) -> list[Registration]:
    """Confirm the e-mail of pending registrations: each gets a seat, a waiting-list place, or
    waits for staff approval. Returns the registrations as they end up.

    The e-mail that follows lists all the person's registrations for the meeting, with the
    link to manage them."""
    done = []
    with transaction.atomic():
        # Sessions are locked in a fixed order, so that two confirmations never deadlock.
        for registration in sorted(registrations, key=lambda r: r.session_id):
            session = _lock_session(registration.session_id)
            locked = (
                Registration.objects.select_for_update(of=("self",))
                .select_related("participant", "session__meeting")
                .get(pk=registration.pk)
            )
            if locked.status != Status.PENDING:
                continue  # the link was used meanwhile
            locked.confirmed_at = now
            if locked.session.meeting.needs_approval:
                locked.status = Status.AWAITING_APPROVAL
            else:
                _seat_or_waitlist(registration=locked, session=session, now=now)
            locked.save()
            done.append(locked)
        if done:
            person, meeting = done[0].participant, done[0].session.meeting
            listed = selectors.meeting_registrations(participant=person, meeting=meeting)
            _after_commit("outcome", listed, person.language)
    return done


def registration_cancel(*, registration: Registration, now: dt.datetime) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the waiting list. Returns those promoted."""
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        locked = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("participant", "session__meeting")
            .get(pk=registration.pk)
        )
        if not locked.is_active:
            return []
        was_confirmed = locked.status == Status.CONFIRMED
        locked.status = Status.CANCELLED
        locked.cancelled_at = now
        locked.save()
        _after_commit("cancelled", [locked], locked.participant.language)
        return _promote_waitlisted(session=session, now=now) if was_confirmed else []


def registration_approve(*, registration: Registration, now: dt.datetime) -> Registration:
    """Staff approve a registration awaiting approval: it gets a seat or the waiting list."""
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        locked = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
        if locked.status != Status.AWAITING_APPROVAL:
            raise RegistrationError(
                _("Only a registration awaiting approval can be approved."), "not_awaiting"
            )
        _seat_or_waitlist(registration=locked, session=session, now=now)
        locked.save()
        _after_commit("outcome", [locked], locked.participant.language)
        return locked


def registration_reject(*, registration: Registration, now: dt.datetime) -> list[Registration]:
    """Staff refuse a registration; a seat it held goes to the waiting list."""
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        locked = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
        if not locked.is_active:
            raise RegistrationError(_("Only an active registration can be rejected."), "not_active")
        was_confirmed = locked.status == Status.CONFIRMED
        locked.status = Status.REJECTED
        locked.cancelled_at = now
        locked.save()
        _after_commit("rejected", [locked], locked.participant.language)
        return _promote_waitlisted(session=session, now=now) if was_confirmed else []


def registration_promote(*, registration: Registration, now: dt.datetime) -> Registration:
    """Staff move someone from the waiting list to a free seat (never beyond capacity)."""
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        locked = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
        if locked.status != Status.WAITLISTED:
            raise RegistrationError(
                _("Only a waitlisted registration can be promoted."), "not_waiting"
            )
        if session.capacity is not None and _confirmed_count(session) >= session.capacity:
            raise RegistrationError(_("The session is full."), "session_full")
        locked.status = Status.CONFIRMED
        locked.save()
        _after_commit("promoted", [locked], locked.participant.language)
        return locked


EMAIL_FOR_STATUS = {
    Status.PENDING: "confirm_request",
    Status.AWAITING_APPROVAL: "outcome",
    Status.CONFIRMED: "outcome",
    Status.WAITLISTED: "outcome",
    Status.CANCELLED: "cancelled",
    Status.REJECTED: "rejected",
}


def registration_resend_email(*, registration: Registration, now: dt.datetime) -> bool:
    """Send again the e-mail that matches the registration's status (staff action)."""
    registration = Registration.objects.select_related("participant", "session__meeting").get(
        pk=registration.pk
    )
    context = {}
    if registration.status == Status.PENDING:
        # A freshly signed link (the old one may have expired), with the same nonce: a link
        # sent before keeps working.
        nonce = registration.confirmation_nonce or secrets.token_urlsafe(16)
        Registration.objects.filter(pk=registration.pk).update(
            confirmation_nonce=nonce, confirmation_sent_at=now
        )
        context["token"] = tokens.confirmation_token(
            registration_ids=[registration.pk],
            nonce=nonce,
            meeting_id=registration.session.meeting_id,
            now=now,
        )
    delivery = _registration_email(
        EMAIL_FOR_STATUS[registration.status],
        [registration],
        registration.participant.language,
        **context,
    )
    return _sent_now(delivery)


def messages_stop(*, participant: Participant, now: dt.datetime) -> None:
    """No more reminders, staff messages or follow-ups for this person (those already queued
    are not sent either); the answers to their own requests still go."""
    Participant.objects.filter(pk=participant.pk, messages_stopped_at__isnull=True).update(
        messages_stopped_at=now
    )


# --- Data retention ----------------------------------------------------------------------
# Personal data is kept only as long as needed. What statistics count survives: category,
# country and language of each participant, and every registration with its status.

ANONYMISED_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "organisation_name",
    "accessibility_needs",
    "anonymised_at",
    "manage_key",
]


def participants_anonymise(*, participants: QuerySet[Participant], now: dt.datetime) -> int:
    """Erase the names, e-mail address and free text of these participants and revoke their
    manage links; their registrations stay, so every count of them stays. Returns how many.
    Their admin history is cleaned by `retention.admin_history_anonymise`."""
    with transaction.atomic():
        people = list(participants.filter(anonymised_at__isnull=True).select_for_update())
        for person in people:
            person.first_name = person.last_name = ""
            # Unique as the constraint on the lower-cased address requires; .invalid is reserved
            # and never delivers (RFC 2606).
            person.email = f"anonymised-{person.pk}@anonymised.invalid"
            person.organisation_name = person.accessibility_needs = ""
            person.anonymised_at = now
            person.manage_key = new_key()  # every manage link sent so far stops working
        Participant.objects.bulk_update(people, ANONYMISED_FIELDS, batch_size=500)
    return len(people)


def pending_registrations_purge(*, now: dt.datetime) -> int:
    """Delete the registrations whose confirmation link expired unused, and the participants
    who had nothing else. Returns the number of registrations deleted."""
    label = Registration._meta.label
    with transaction.atomic():
        # The participants first: their registrations go with them, all of them expired ones.
        _, with_participants = selectors.participants_to_purge(now=now).delete()
        _, alone = selectors.expired_pending_registrations(now=now).delete()
    return with_participants.get(label, 0) + alone.get(label, 0)
