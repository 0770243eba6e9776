"""Findings shown on other apps' pages (the meeting page, the home page)."""

from django import template

from themes.models import Finding

register = template.Library()


def group_by_kind(findings) -> list[dict]:
    groups = {kind: [] for kind in Finding.Kind.values}
    for finding in findings:
        groups[finding.kind].append(finding)
    return [
        {"kind": kind, "label": Finding.Kind(kind).label, "findings": items}
        for kind, items in groups.items()
        if items
    ]


@register.inclusion_tag("themes/includes/event_findings.html")
def event_findings(event, heading_level: int = 2):
    """A meeting's opportunities, risks and recommendations, grouped by kind."""
    findings = Finding.objects.filter(event=event).for_cards().order_by("kind", "order", "pk")
    return {
        "groups": group_by_kind(findings),
        "heading": f"h{heading_level}",
        "subheading": f"h{heading_level + 1}",
        "card_heading": f"h{heading_level + 2}",
    }


@register.inclusion_tag("themes/includes/featured_findings.html")
def featured_findings(limit: int = 3):
    findings = Finding.objects.public().filter(featured=True).for_cards().order_by("-event__start")
    return {"findings": findings[:limit]}
