"""Findings as open data: an Atom feed, CSV and JSON (their citation: themes.citations).

Only findings of public meetings appear. Nothing says who made a finding: the speaker and
organisation attributions are never exported, so the Chatham House rule always holds.
"""

from django import forms
from django.contrib.syndication.views import Feed
from django.db.models import Case, Prefetch, Value, When
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import (
    FEED_SIZE,
    CsvExportView,
    JsonExportView,
    licence,
    paragraphs,
    quoted,
)
from events.models import MeetingOrganiser
from events.opendata import dates, where

from .citations import finding_citation
from .models import Finding, Theme

# Opportunities, risks, recommendations: the order of the meeting page.
KIND_RANK = Case(
    *[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(Finding.Kind.values)]
)


def open_findings():
    """Public findings with what their records show, in a fixed number of queries."""
    return (
        Finding.objects.public()
        .select_related("meeting", "session")
        .prefetch_related(
            "themes",
            Prefetch(
                "meeting__meeting_organisers",
                queryset=MeetingOrganiser.objects.select_related("organisation"),
            ),
        )
    )


def finding_record(finding, *, url: str, meeting_url: str) -> dict:
    """One finding as a flat record of the CSV and JSON exports."""
    meeting = finding.meeting
    return {
        "id": finding.pk,
        "url": url,
        "kind": finding.kind,
        "kind_label": finding.get_kind_display(),
        "sector": finding.sector,
        "sector_label": finding.get_sector_display(),
        "title": finding.title,
        "text": finding.text,
        "themes": [theme.name for theme in finding.themes.all()],
        "meeting_id": meeting.pk,
        "meeting_title": meeting.title,
        "meeting_url": meeting_url,
        "meeting_date": meeting.local_start.date().isoformat(),
        "session_title": finding.session.title if finding.session else "",
        "is_example": meeting.is_example,
        "citation": finding_citation(finding, url=url),
        "licence": licence()["name"],
        "licence_url": licence()["url"],
    }


FINDING_FIELDS = [
    "id",
    "url",
    "kind",
    "kind_label",
    "sector",
    "sector_label",
    "title",
    "text",
    "themes",
    "meeting_id",
    "meeting_title",
    "meeting_url",
    "meeting_date",
    "session_title",
    "is_example",
    "citation",
    "licence",
    "licence_url",
]


class FindingExportFilters(forms.Form):
    theme = forms.ModelChoiceField(Theme.objects.all(), to_field_name="slug", required=False)
    kind = forms.ChoiceField(choices=Finding.Kind.choices, required=False)


class FindingExportMixin:
    filename = gettext_lazy("findings")
    fields = FINDING_FIELDS
    filter_form_class = FindingExportFilters

    def get_queryset(self, theme=None, kind=None):
        findings = open_findings().order_by(
            "meeting__start", "meeting_id", KIND_RANK, "order", "pk"
        )
        if theme:
            findings = findings.filter(themes=theme)
        if kind:
            findings = findings.filter(kind=kind)
        return findings

    def get_record(self, finding) -> dict:
        return finding_record(
            finding,
            url=self.absolute(finding.get_absolute_url()),
            meeting_url=self.absolute(finding.meeting.get_absolute_url()),
        )


class FindingCsvView(FindingExportMixin, CsvExportView):
    pass


class FindingJsonView(FindingExportMixin, JsonExportView):
    pass


class FindingFeed(Feed):
    """The findings of the latest meetings, newest meeting first."""

    feed_type = Atom1Feed

    def title(self):
        return _("Findings of the meetings on peace, stability and disarmament")

    def subtitle(self):
        return _("Francophone meeting cycle on peace, stability and disarmament")

    def link(self):
        return reverse("themes:explorer")

    def feed_url(self):
        return reverse("themes:feed")

    def author_name(self):
        return _("International Organisation of La Francophonie")

    def feed_copyright(self):
        return f"{licence()['name']} — {licence()['url']}"

    def items(self):
        return (
            Finding.objects.public()
            .select_related("meeting")
            .prefetch_related("themes")
            .order_by("-meeting__start", "-meeting_id", KIND_RANK, "order", "pk")[:FEED_SIZE]
        )

    def item_title(self, finding):
        title = _("%(kind)s: %(title)s") % {
            "kind": finding.get_kind_display(),
            "title": finding.title,
        }
        if finding.meeting.is_example:
            title = _("%(title)s (fictional example)") % {"title": title}
        return title

    def item_description(self, finding):
        meeting = finding.meeting
        source = ", ".join(p for p in [quoted(meeting.title), dates(meeting), where(meeting)] if p)
        return paragraphs(finding.text, source)

    def item_updateddate(self, finding):
        return finding.meeting.updated_at

    def item_categories(self, finding):
        return [finding.get_kind_display()] + [theme.name for theme in finding.themes.all()]
