"""Findings shown on other apps' pages (the meeting page, the home page), and their citation."""

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

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


def citation(finding: Finding, url: str) -> str:
    """How to cite a finding, in the current language: its meeting, organisers, place and date.

    It names the meeting's organisers, who organised it, and never a speaker or an attributed
    organisation: the same text serves every finding, under the Chatham House rule or not.
    Needs the prefetch of `Finding.objects.for_page()`.
    """
    event = finding.event
    parts = [
        _("“%(title)s”, finding of the meeting “%(meeting)s”")
        % {"title": finding.title, "meeting": event.title}
    ]
    organisers = [link.organisation.short_name for link in event.organisers_by_role()]
    if organisers:
        parts.append(", ".join(organisers))
    if event.city:
        parts.append(event.city)
    dates = date_format(event.local_start.date())
    if event.is_multi_day:
        dates = f"{dates} – {date_format(event.local_end.date())}"
    parts.append(dates)
    text = f"{', '.join(parts)}. {url}"
    if event.is_example:
        text = f"[{_('Fictional example')}] {text}"
    return text


@register.simple_tag(takes_context=True)
def finding_citation(context, finding: Finding) -> str:
    request = context["request"]
    return citation(finding, request.build_absolute_uri(finding.get_absolute_url()))


@register.inclusion_tag("themes/includes/event_findings.html")
def event_findings(event, heading_level: int = 2):
    """A meeting's opportunities, risks and recommendations, grouped by kind."""
    findings = Finding.objects.filter(event=event).for_cards().order_by("kind", "order", "pk")
    return {
        "groups": group_by_kind(findings),
        "heading": f"h{heading_level}",
        "subheading": f"h{heading_level + 1}",
        "card_heading": f"h{heading_level + 2}",
        "event": event,
    }


@register.inclusion_tag("themes/includes/featured_findings.html")
def featured_findings(limit: int = 3):
    findings = Finding.objects.public().filter(featured=True).for_cards().order_by("-event__start")
    return {"findings": findings[:limit]}
