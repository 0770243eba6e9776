"""Findings shown on other apps' pages (the meeting page, the home page), and their citation
(themes.citations)."""

from django import template

from themes import citations
from themes.chart import KIND_PLURALS
from themes.models import Finding

register = template.Library()


def group_by_kind(findings) -> list[dict]:
    groups = {kind: [] for kind in Finding.Kind.values}
    for finding in findings:
        groups[finding.kind].append(finding)
    return [
        {
            "kind": kind,
            "label": Finding.Kind(kind).label,
            "plural": KIND_PLURALS[kind],
            "findings": items,
        }
        for kind, items in groups.items()
        if items
    ]


@register.simple_tag(takes_context=True)
def finding_citation(context, finding: Finding) -> str:
    request = context["request"]
    url = request.build_absolute_uri(finding.get_absolute_url())
    return citations.finding_citation(finding, url=url)


def findings_of(meeting) -> list[dict]:
    findings = Finding.objects.filter(meeting=meeting).for_cards().order_by("kind", "order", "pk")
    return group_by_kind(findings)


@register.simple_tag
def meeting_finding_groups(meeting) -> list[dict]:
    """A meeting's findings grouped by kind, read once for its counts and its sections:
    `{% meeting_finding_groups meeting as groups %}`, then
    `{% meeting_findings meeting groups=groups %}`."""
    return findings_of(meeting)


@register.inclusion_tag("themes/includes/meeting_findings.html")
def meeting_findings(meeting, heading_level: int = 2, groups=None):
    """A meeting's opportunities, risks and recommendations, grouped by kind."""
    return {
        "groups": findings_of(meeting) if groups is None else groups,
        "heading": f"h{heading_level}",
        "subheading": f"h{heading_level + 1}",
        "card_heading": f"h{heading_level + 2}",
        "meeting": meeting,
    }


@register.inclusion_tag("themes/includes/featured_findings.html")
def featured_findings(limit: int = 3):
    findings = Finding.objects.public().filter(featured=True).for_cards()
    findings = findings.order_by("-meeting__start")
    return {"findings": findings[:limit]}
