"""Reads of the theme pages that take more than one queryset method."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q

from events.models import Meeting

from .models import PUBLIC_STATUSES, Addressee, Finding, FollowUpStatus, Theme
from .templatetags.findings import group_by_kind

# A theme page shows the latest findings of each kind and the latest meetings; the rest is
# one link away, in the explorer and the meetings list filtered on the theme.
FINDINGS_PER_KIND_ON_THEME_PAGE = 6
MEETINGS_ON_THEME_PAGE = 6


def with_counts(themes: Iterable[Theme]) -> list[Theme]:
    """The themes, each with its public opportunities, risks and recommendations
    (`theme.opportunity`…) and its public meetings (`theme.meeting_count`).

    Two grouped queries for any number of themes. Counted per theme in subqueries, or through
    joins and a GROUP BY, PostgreSQL read every finding again for each theme (the themes page
    took over 30 s at 100,000 findings)."""
    themes = list(themes)
    counts = {
        theme.pk: dict.fromkeys([*Finding.Kind.values, "meeting_count"], 0) for theme in themes
    }
    findings = (
        Finding.themes.through.objects.filter(
            theme__in=counts, finding__meeting__status__in=PUBLIC_STATUSES
        )
        .values_list("theme", "finding__kind")
        .annotate(count=Count("finding"))
        .order_by()
    )
    for theme, kind, count in findings:
        counts[theme][kind] = count
    meetings = (
        Theme.meetings.through.objects.filter(theme__in=counts, meeting__status__in=PUBLIC_STATUSES)
        .values_list("theme")
        .annotate(count=Count("meeting"))
        .order_by()
    )
    for theme, count in meetings:
        counts[theme]["meeting_count"] = count
    for theme in themes:
        for name, count in counts[theme.pk].items():
            setattr(theme, name, count)
    return themes


def theme_findings_by_kind(theme: Theme) -> list[dict]:
    """The latest public findings on a theme, grouped by kind, each group with the theme's
    total of that kind (`theme` comes from `with_counts`). One query."""
    findings = (
        Finding.objects.public()
        .filter(themes=theme)
        .for_cards()
        .latest_per_kind(FINDINGS_PER_KIND_ON_THEME_PAGE)
    )
    groups = group_by_kind(findings)
    for group in groups:
        group["total"] = getattr(theme, group["kind"])
    return groups


def theme_meetings(theme: Theme):
    """The latest public meetings on a theme, newest first."""
    return (
        Meeting.objects.public()
        .filter(themes=theme)
        .with_listing()
        .order_by("-start")[:MEETINGS_ON_THEME_PAGE]
    )


# --- The follow-up of recommendations --------------------------------------------------


def public_recommendations():
    """The recommendations of the meetings the public may see."""
    return Finding.objects.public().filter(kind=Finding.Kind.RECOMMENDATION)


def with_addressees(recommendations):
    """What a recommendation card shows: a finding card's, and whom it is addressed to."""
    return recommendations.for_cards().prefetch_related(
        Prefetch("addressees", queryset=Addressee.objects.select_related("organisation"))
    )


def count_by_status(recommendations) -> dict[str, int]:
    """How many recommendations have each follow-up status, in one query."""
    return recommendations.aggregate(
        **{
            status: Count("pk", filter=Q(follow_up_status=status), distinct=True)
            for status in FollowUpStatus.values
        }
    )


def for_recommendation_page(recommendations):
    """A recommendation's own page: its card and citation, its status updates, and the public
    findings it takes up and that take it up, with their meetings."""
    public_findings = (
        Finding.objects.public()
        .select_related("meeting")
        .order_by("meeting__start", "kind", "order", "pk")
    )
    return with_addressees(recommendations.for_page()).prefetch_related(
        "status_updates",
        Prefetch("takes_up", queryset=public_findings),
        Prefetch("taken_up_by", queryset=public_findings),
    )


@dataclass
class Step:
    """One step of a recommendation's timeline: what happened (`kind`), when, and the
    meeting, finding or status update it was."""

    kind: str  # "takes_up", "made", "status" or "taken_up"
    date: date
    item: object


# Of steps on the same day: the earlier recommendations, the meeting that made this one, its
# status updates, then the findings that took it up.
STEP_ORDER = ["takes_up", "made", "status", "taken_up"]


def recommendation_timeline(recommendation: Finding) -> list[Step]:
    """The chain of a recommendation in date order: what it takes up, the meeting that made
    it, its status changes and the later findings that took it up. Needs the prefetches of
    `for_recommendation_page`."""
    steps = [
        Step("takes_up", finding.meeting.local_start.date(), finding)
        for finding in recommendation.takes_up.all()
    ]
    steps.append(Step("made", recommendation.meeting.local_start.date(), recommendation.meeting))
    steps += [Step("status", update.date, update) for update in recommendation.status_updates.all()]
    steps += [
        Step("taken_up", finding.meeting.local_start.date(), finding)
        for finding in recommendation.taken_up_by.all()
    ]
    # A stable sort: the status updates keep their own order (date, then entry) within a day.
    return sorted(steps, key=lambda step: (step.date, STEP_ORDER.index(step.kind)))
