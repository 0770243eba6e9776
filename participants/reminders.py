"""Reminders before a meeting: each confirmed participant gets one in each of the meeting's
reminder windows (7 and 1 days before by default, `Meeting.reminder_days`).

A window opens `d` days before the start and closes when the next, smaller one opens: the
reminder due is the smallest `d` whose window has opened. Someone who registers late gets the
reminder of the window they are in, once, and never a larger one after a smaller one (a
"7 days" after the "1 day", were the meeting put off).

Each reminder is an outbox row (participants/outbox.py) keyed by meeting, window and person,
so that running the job twice, or two at once, records it once; the worker then sends each
row once. The job reads and writes in a fixed number of queries, whatever the number of
participants and meetings.
"""

import datetime as dt
from collections import defaultdict

from events.models import Meeting

from . import outbox
from .models import Delivery, Registration

# The most days before a meeting that `Meeting.reminder_days` accepts (validate_reminder_days).
LONGEST_WINDOW = dt.timedelta(days=60)


def reminder_key(*, meeting_id: int, days: int, participant_id: int) -> str:
    return f"reminder:{meeting_id}:{days}:{participant_id}"


def reminder_due(meeting: Meeting, *, now: dt.datetime) -> int | None:
    """The days of the window `now` is in before the meeting starts, or None (no window open
    yet, or the meeting has started)."""
    if now >= meeting.start:
        return None
    opened = [d for d in meeting.reminder_days_list if now >= meeting.start - dt.timedelta(days=d)]
    return min(opened, default=None)


def meetings_due(*, now: dt.datetime) -> dict[int, tuple[Meeting, int]]:
    """The published meetings in one of their reminder windows, with the window's days."""
    candidates = (
        Meeting.objects.filter(
            status=Meeting.Status.PUBLISHED,
            start__gt=now,
            start__lte=now + LONGEST_WINDOW,
        )
        .exclude(reminder_days="")
        .only("pk", "start", "reminder_days")
    )
    due = {}
    for meeting in candidates:
        days = reminder_due(meeting, now=now)
        if days is not None:
            due[meeting.pk] = (meeting, days)
    return due


def reminders_send(*, now: dt.datetime) -> int:
    """Record the reminders due at `now` and send them once recorded. Returns how many."""
    due = meetings_due(now=now)
    if not due:
        return 0
    registrations = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            session__meeting__in=due.keys(),
            participant__anonymised_at__isnull=True,
            participant__messages_stopped_at__isnull=True,
        )
        .select_related("participant", "session")
        .order_by("session__start", "session__order", "session_id")
    )
    wanted: dict[tuple[int, int], list[Registration]] = defaultdict(list)
    for registration in registrations:
        meeting_id = registration.session.meeting_id
        wanted[(meeting_id, registration.participant_id)].append(registration)
    if not wanted:
        return 0

    # What a person already got for a meeting, in this window or a later (smaller) one.
    def keys_up_to(meeting_id: int, participant_id: int) -> list[str]:
        meeting, days = due[meeting_id]
        return [
            reminder_key(meeting_id=meeting_id, days=d, participant_id=participant_id)
            for d in meeting.reminder_days_list
            if d <= days
        ]

    recorded = set(
        Delivery.objects.filter(key__in=[key for pair in wanted for key in keys_up_to(*pair)])
        .order_by()
        .values_list("key", flat=True)
    )
    rows = []
    for (meeting_id, participant_id), confirmed in wanted.items():
        if recorded.intersection(keys_up_to(meeting_id, participant_id)):
            continue
        meeting, days = due[meeting_id]
        participant = confirmed[0].participant
        rows.append(
            Delivery(
                key=reminder_key(meeting_id=meeting_id, days=days, participant_id=participant_id),
                kind=Delivery.Kind.REMINDER,
                template="reminder",
                participant=participant,
                meeting=meeting,
                language=participant.language,
                registration_ids=[r.pk for r in confirmed],
                context={"days": days},
            )
        )
    return len(outbox.enqueue_many(rows))
