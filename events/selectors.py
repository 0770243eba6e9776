"""Reads of the home page: what it looks up, without changing anything."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from .models import Meeting


@dataclass(frozen=True)
class KeyFigures:
    """The cycle in figures: what its real meetings, already held, amount to."""

    meetings: int
    participants: int
    # True when the participants are a floor: a report said "more than" its number, or a
    # meeting held gave none. The page then says « plus de N » / "over N", never a bare sum.
    participants_is_minimum: bool
    countries: int
    findings_by_kind: dict[str, int]


def meetings_held(now=None) -> QuerySet[Meeting]:
    """Real meetings that took place: published (not a draft, not cancelled), over, and not a
    fictional example."""
    return Meeting.objects.filter(
        status=Meeting.Status.PUBLISHED, is_example=False, end__lt=now or timezone.now()
    )


def key_figures(now=None) -> KeyFigures:
    """The home page's key figures, in two queries whatever the number of meetings."""
    held = meetings_held(now)
    totals = held.aggregate(
        meetings=Count("pk"),
        participants=Sum("reported_participants"),
        floors=Count(
            "pk",
            filter=Q(reported_participants_is_minimum=True) | Q(reported_participants=None),
        ),
        countries=Count("country", distinct=True, filter=~Q(country="")),
    )
    # Findings are counted through their reverse relation: events does not import themes.
    rows = (
        held.filter(findings__isnull=False)
        .order_by()
        .values("findings__kind")
        .annotate(count=Count("findings"))
    )
    return KeyFigures(
        meetings=totals["meetings"],
        participants=totals["participants"] or 0,
        participants_is_minimum=bool(totals["floors"]) and bool(totals["participants"]),
        countries=totals["countries"],
        findings_by_kind={row["findings__kind"]: row["count"] for row in rows},
    )


def upcoming_meetings(limit: int = 3, now=None) -> list[Meeting]:
    """The next public meetings, soonest first, with what their cards show."""
    return list(Meeting.objects.public().upcoming(now).with_listing()[:limit])


def recent_meetings(limit: int = 3, now=None) -> list[Meeting]:
    """The latest public meetings already over, newest first, with what their cards show."""
    return list(Meeting.objects.public().past(now).with_listing()[:limit])
