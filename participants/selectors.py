"""Reads of the registration pages that take more than one queryset method."""

from django.db.models import Count, Q, QuerySet

from events.models import Meeting, Session

from .models import Participant, Registration


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
