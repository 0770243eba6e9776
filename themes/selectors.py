"""Reads of the theme pages that take more than one queryset method."""

from events.models import Meeting

from .models import Finding, Theme
from .templatetags.findings import group_by_kind

# A theme page shows the latest findings of each kind and the latest meetings; the rest is
# one link away, in the explorer and the meetings list filtered on the theme.
FINDINGS_PER_KIND_ON_THEME_PAGE = 6
MEETINGS_ON_THEME_PAGE = 6


def theme_findings_by_kind(theme: Theme) -> list[dict]:
    """The latest public findings on a theme, grouped by kind, each group with the theme's
    total of that kind (`theme` comes from `Theme.objects.with_counts()`). One query."""
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
