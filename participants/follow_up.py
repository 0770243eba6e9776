"""After a meeting: the follow-up e-mail with the feedback form, the answers, their summary.

Each confirmed participant of a meeting gets one follow-up e-mail, a day after the meeting
ends (not later than two weeks after, so that a meeting published late sends nothing stale).
It links to the meeting's page and findings, and to a feedback form of four questions that
opens through a signed link, with no account, and takes one answer per person. Staff see the
answers in the admin only: nothing of them is public.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst

from core import csv
from core.csv import csv_response
from events.models import Meeting

from . import outbox
from .models import Delivery, Feedback, Participant, Registration

# How long after a meeting's end its follow-up goes, and after how long it no longer does.
FOLLOW_UP_DELAY = dt.timedelta(days=1)
FOLLOW_UP_WINDOW = dt.timedelta(days=14)
# The feedback form opens at the meeting's end and closes this many days later.
FEEDBACK_DAYS_AFTER_MEETING = 60


def follow_up_key(*, meeting, participant) -> str:
    return f"follow_up:{meeting.pk}:{participant.pk}"


def follow_ups_due(*, now: dt.datetime) -> QuerySet[Registration]:
    """The confirmed registrations of people still to receive their meeting's follow-up."""
    already = Delivery.objects.filter(
        kind=Delivery.Kind.FOLLOW_UP,
        meeting=OuterRef("session__meeting"),
        participant=OuterRef("participant"),
    )
    return (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            session__meeting__status=Meeting.Status.PUBLISHED,
            session__meeting__end__lte=now - FOLLOW_UP_DELAY,
            session__meeting__end__gte=now - FOLLOW_UP_WINDOW,
            participant__anonymised_at__isnull=True,
            participant__messages_stopped_at__isnull=True,
        )
        .exclude(Exists(already))
        .select_related("participant", "session__meeting")
        .order_by("session__meeting_id", "participant_id", "session__start", "session_id")
    )


def follow_ups_send(*, now: dt.datetime) -> int:
    """Queue the follow-up e-mails due at `now`, one per person and meeting whatever how
    often this runs. Returns how many were queued. A fixed number of queries whatever the
    number of people: the outbox rows are written together (`outbox.enqueue_many`) and sent
    once the transaction commits."""
    people: dict[tuple[int, int], list[Registration]] = {}
    for registration in follow_ups_due(now=now):
        key = (registration.session.meeting_id, registration.participant_id)
        people.setdefault(key, []).append(registration)
    if not people:
        return 0
    rows = []
    for registrations in people.values():
        participant = registrations[0].participant
        meeting = registrations[0].session.meeting
        rows.append(
            Delivery(
                key=follow_up_key(meeting=meeting, participant=participant),
                kind=Delivery.Kind.FOLLOW_UP,
                template="follow_up",
                participant=participant,
                meeting=meeting,
                language=participant.language,
                registration_ids=[r.pk for r in registrations],
                context={},
            )
        )
    return len(outbox.enqueue_many(rows))


# The feedback form


class FeedbackRefused(Exception):
    """Why a feedback link does not open the form: `reason` names the page to show."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def feedback_closes(meeting: Meeting) -> dt.datetime:
    return meeting.end + dt.timedelta(days=FEEDBACK_DAYS_AFTER_MEETING)


def feedback_check(*, meeting: Meeting, participant: Participant, now: dt.datetime) -> None:
    """Raise FeedbackRefused unless this person may answer the form of this meeting now:
    "not_ended", "expired", "not_participant" or "answered"."""
    if now < meeting.end:
        raise FeedbackRefused("not_ended")
    if now > feedback_closes(meeting):
        raise FeedbackRefused("expired")
    took_part = Registration.objects.filter(
        participant=participant,
        session__meeting=meeting,
        status=Registration.Status.CONFIRMED,
    ).exists()
    if not took_part:
        raise FeedbackRefused("not_participant")
    if Feedback.objects.filter(meeting=meeting, participant=participant).exists():
        raise FeedbackRefused("answered")


def feedback_record(
    *, meeting: Meeting, participant: Participant, answers: dict, language: str, now: dt.datetime
) -> Feedback:
    """Record a person's answers, once: FeedbackRefused("answered") for a second time, even
    when two submissions race (the unique constraint decides)."""
    feedback_check(meeting=meeting, participant=participant, now=now)
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                meeting=meeting,
                participant=participant,
                usefulness=answers["usefulness"],
                improvements=answers.get("improvements", "").strip(),
                next_topics=answers.get("next_topics", "").strip(),
                attend_again=answers["attend_again"],
                language=language,
            )
    except IntegrityError as error:
        raise FeedbackRefused("answered") from error


# What staff see


@dataclass
class FeedbackSummary:
    """The counts of a meeting's answers, and the bars that draw them."""

    answers: int
    usefulness: list[tuple[int, int]]  # (score, count) for 1…5
    attend_again: list[tuple[str, str, int]]  # (value, label, count)
    average: float | None
    chart: dict = field(default_factory=dict)


# The chart's geometry, in SVG user units.
BAR_HEIGHT = 22
ROW_GAP = 10
LABEL_WIDTH = 150
BAR_SPACE = 300
COUNT_SPACE = 50


def _bars(rows: list[tuple[str, int]], *, top: int) -> tuple[list[dict], int]:
    """Horizontal bars for (label, count) rows, the longest full width; and where they end."""
    largest = max((count for _label, count in rows), default=0) or 1
    bars = []
    y = top
    for label, count in rows:
        width = round(BAR_SPACE * count / largest)
        bars.append(
            {
                "label": label,
                "count": count,
                "y": y,
                "text_y": y + BAR_HEIGHT - 6,
                "width": width,
                "count_x": LABEL_WIDTH + width + 6,
            }
        )
        y += BAR_HEIGHT + ROW_GAP
    return bars, y


def feedback_summary(meeting: Meeting) -> FeedbackSummary:
    """A meeting's answers counted in one query whatever their number."""
    rows = Feedback.objects.filter(meeting=meeting).values_list("usefulness", "attend_again")
    usefulness: Counter[int] = Counter()
    again: Counter[str] = Counter()
    for score, attend in rows:
        usefulness[score] += 1
        again[attend] += 1
    answers = sum(usefulness.values())
    total = sum(score * count for score, count in usefulness.items())
    summary = FeedbackSummary(
        answers=answers,
        usefulness=[(score, usefulness[score]) for score in range(1, 6)],
        attend_again=[(value, label, again[value]) for value, label in Feedback.Again.choices],
        average=round(total / answers, 1) if answers else None,
    )
    top = 0
    usefulness_bars, end = _bars([(str(s), c) for s, c in summary.usefulness], top=top)
    again_bars, again_end = _bars([(str(lb), c) for _v, lb, c in summary.attend_again], top=0)
    summary.chart = {
        "width": LABEL_WIDTH + BAR_SPACE + COUNT_SPACE,
        "bar_height": BAR_HEIGHT,
        "bar_x": LABEL_WIDTH,
        "usefulness": usefulness_bars,
        "usefulness_height": end - ROW_GAP,
        "attend_again": again_bars,
        "attend_again_height": again_end - ROW_GAP,
    }
    return summary


def feedback_header() -> list[str]:
    """Column titles in the active language: the fields' own labels. No name, no address."""
    field = Feedback._meta.get_field
    return [
        capfirst(str(field(name).verbose_name))
        for name in [
            "meeting",
            "submitted_at",
            "language",
            "usefulness",
            "attend_again",
            "improvements",
            "next_topics",
        ]
    ]


def feedback_csv(*, answers: QuerySet[Feedback], now: dt.datetime) -> HttpResponse:
    """The answers as a CSV download, one row each, in one query whatever their number.
    Nothing in it names the person who answered. UTF-8 with a byte order mark and
    semicolons, like the participant lists (participants/exports.py)."""
    rows = list(
        answers.select_related("meeting").order_by("meeting__start", "meeting_id", "submitted_at")
    )
    # Named after the meeting when there is one (slugs are ASCII, safe in a header).
    slugs = {answer.meeting.slug for answer in rows}
    meeting = f"-{slugs.pop()}" if len(slugs) == 1 else ""
    response = csv_response(f"feedback{meeting}-{timezone.localdate(now):%Y%m%d}.csv")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(feedback_header())
    writer.writerows(
        [
            answer.meeting.title,
            # The meeting's local time, as in every CSV of the portal.
            timezone.localtime(answer.submitted_at, answer.meeting.tzinfo).strftime(
                "%Y-%m-%d %H:%M"
            ),
            answer.get_language_display(),
            answer.usefulness,
            answer.get_attend_again_display(),
            answer.improvements,
            answer.next_topics,
        ]
        for answer in rows
    )
    return response
