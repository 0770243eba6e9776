"""Reads of the theme pages that take more than one queryset method."""

from collections.abc import Iterable

from django.db.models import Count

from events.models import Meeting

from .models import PUBLIC_STATUSES, Finding, Theme
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
