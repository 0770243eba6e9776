"""Reads of the registration flow and of data retention: what the pages, services and
commands look up without changing anything."""

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from events.models import Meeting, Session

from . import tokens
from .models import Participant, Registration

Status = Registration.Status


def registrations_to_manage(*, participant: Participant, meeting: Meeting) -> list[Registration]:
    """What a person's manage page lists: one row per session, in the order of the programme,
    with the place in the queue of a waitlisted registration. One query.

    A session cancelled and registered again has several rows: the active one is shown, or
    else the latest."""
    rows = (
        participant.registrations.filter(session__meeting=meeting)
        .with_waitlist_position()
        .select_related("session__meeting")
        .order_by("session__start", "session__order", "session_id", "-created_at", "-pk")
    )
    shown: dict[int, Registration] = {}
    for registration in rows:
        current = shown.get(registration.session_id)
        if current is None or (registration.is_active and not current.is_active):
            shown[registration.session_id] = registration
    return list(shown.values())


def sessions_with_counts(sessions: QuerySet[Session] | None = None) -> QuerySet[Session]:
    """Sessions with their confirmed and waitlisted registrations, counted in the same query:
    `confirmed_count` (the seats taken) and `waitlisted_count`."""
    sessions = Session.objects.all() if sessions is None else sessions
    statuses = Registration.Status
    return sessions.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=statuses.CONFIRMED)),
        waitlisted_count=Count(
            "registrations", filter=Q(registrations__status=statuses.WAITLISTED)
        ),
    )


def registrations_for_confirmation(link: tokens.ConfirmationLink) -> list[Registration]:
    """The registrations a confirmation link names, whatever their status now: those still
    pending are the ones it confirms. None if the link does not match them (never issued,
    or issued before nonces were kept) or if their participant was anonymised."""
    return list(
        Registration.objects.filter(
            pk__in=link.registration_ids,
            confirmation_nonce=link.nonce,
            session__meeting_id=link.meeting_id,
            participant__anonymised_at__isnull=True,
        )
        .exclude(confirmation_nonce="")
        .select_related("participant", "session__meeting")
        .order_by("session__start", "session__order")
    )


def meeting_registrations(*, participant: Participant, meeting: Meeting) -> list[Registration]:
    """A person's active registrations for a meeting, in the order of the programme."""
    return list(
        participant.registrations.active()
        .filter(session__meeting=meeting)
        .select_related("participant", "session__meeting")
        .order_by("session__start", "session__order")
    )


def expired_pending_registrations(*, now: dt.datetime):
    """Pending registrations whose last confirmation link has expired unused."""
    limit = now - dt.timedelta(hours=settings.REGISTRATION_LINK_MAX_AGE_HOURS)
    return Registration.objects.annotate(
        link_sent=Coalesce("confirmation_sent_at", "created_at")
    ).filter(status=Status.PENDING, link_sent__lt=limit)


def participants_to_anonymise(*, now: dt.datetime, days: int) -> QuerySet[Participant]:
    """Participants not yet anonymised whose every registration is for a meeting that ended
    more than `days` days ago: someone also registered for a later meeting keeps their data
    until that one is old enough too. Also those without any registration (every one deleted,
    or none ever made) created more than `days` days ago: nothing else dates their last use."""
    ended_before = now - dt.timedelta(days=days)
    later = Registration.objects.filter(session__meeting__end__gte=ended_before)
    registered = Participant.objects.filter(pk__in=Registration.objects.values("participant"))
    created_before = Participant.objects.filter(created_at__lt=ended_before)
    return (
        (registered | created_before)
        .filter(anonymised_at__isnull=True)
        .exclude(pk__in=later.values("participant"))
    )


def participants_to_purge(*, now: dt.datetime) -> QuerySet[Participant]:
    """Participants who only ever had registrations whose confirmation link expired unused."""
    expired = expired_pending_registrations(now=now)
    created_before = now - dt.timedelta(hours=settings.REGISTRATION_LINK_MAX_AGE_HOURS)
    kept = Registration.objects.exclude(pk__in=expired.values("pk"))
    return Participant.objects.filter(
        created_at__lt=created_before, pk__in=expired.values("participant")
    ).exclude(pk__in=kept.values("participant"))
