"""Findings as open data: an Atom feed, CSV and JSON (their citation: themes.citations);
recommendations with their follow-up (status, history, addressees, the findings that took
them up) as CSV and JSON, and an Atom feed of their status changes.

Only findings of public meetings appear. Nothing says who made a finding: the speaker and
organisation attributions are never exported, so the Chatham House rule always holds; nor who
recorded a status change (`StatusUpdate.created_by`, for staff only).
"""

import datetime as dt

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
from .filters import RecommendationFilter
from .models import Addressee, Finding, StatusUpdate, Theme
from .selectors import public_recommendations

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


# Recommendations: their follow-up as open data, and an Atom feed of their status changes.
# What they say comes from the public notes; who recorded a change (`created_by`) is for
# staff only and never appears here.


def linked_findings():
    """The public findings a recommendation's chain links to, with their meeting."""
    return Finding.objects.public().select_related("meeting").order_by("meeting__start", "pk")


def open_recommendations():
    """Public recommendations with their follow-up, in a fixed number of queries."""
    return (
        open_findings()
        .filter(kind=Finding.Kind.RECOMMENDATION)
        .prefetch_related(
            Prefetch("addressees", queryset=Addressee.objects.select_related("organisation")),
            # Only what is public of an update: never who recorded it.
            Prefetch(
                "status_updates",
                queryset=StatusUpdate.objects.order_by("date", "pk").defer("created_by"),
            ),
            Prefetch("taken_up_by", queryset=linked_findings()),
            Prefetch("takes_up", queryset=linked_findings()),
        )
    )


def history_record(update) -> dict:
    return {
        "date": update.date.isoformat(),
        "status": update.status,
        "status_label": update.get_status_display(),
        "note": update.note,
        "source": update.source,
        "source_url": update.source_url,
    }


def history_line(update: dict) -> str:
    """One status change in a CSV cell: date — status — note (— source, link)."""
    source = ", ".join(part for part in (update["source"], update["source_url"]) if part)
    return " — ".join(
        part for part in (update["date"], update["status_label"], update["note"], source) if part
    )


def addressee_record(addressee, absolute) -> dict:
    if addressee.organisation_id:
        organisation = addressee.organisation
        return {
            "kind": "organisation",
            "label": organisation.name,
            "url": absolute(reverse("events:organisation", kwargs={"slug": organisation.slug})),
        }
    return {"kind": addressee.actor_kind, "label": addressee.get_actor_kind_display(), "url": ""}


def linked_record(finding, absolute) -> dict:
    """A finding of the chain: what it is, and its meeting."""
    return {
        "id": finding.pk,
        "url": absolute(finding.get_absolute_url()),
        "kind": finding.kind,
        "kind_label": finding.get_kind_display(),
        "title": finding.title,
        "meeting": {
            "id": finding.meeting_id,
            "title": finding.meeting.title,
            "url": absolute(finding.meeting.get_absolute_url()),
            "date": finding.meeting.local_start.date().isoformat(),
            "is_example": finding.meeting.is_example,
        },
    }


def linked_line(finding: dict) -> str:
    """A finding of the chain in a CSV cell: title (meeting, date) URL."""
    meeting = finding["meeting"]
    return f"{finding['title']} ({meeting['title']}, {meeting['date']}) {finding['url']}"


def recommendation_record(recommendation, absolute) -> dict:
    """One recommendation with its follow-up, as the JSON export gives it; `absolute` makes
    a path a full URL."""
    meeting = recommendation.meeting
    url = absolute(recommendation.get_absolute_url())
    return {
        "id": recommendation.pk,
        "url": url,
        "title": recommendation.title,
        "text": recommendation.text,
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "url": absolute(meeting.get_absolute_url()),
            "start": meeting.local_start.date().isoformat(),
            "end": meeting.local_end.date().isoformat(),
            "dates": dates(meeting),
        },
        "is_example": meeting.is_example,
        "themes": [theme.name for theme in recommendation.themes.all()],
        "status": recommendation.follow_up_status,
        "status_label": recommendation.get_follow_up_status_display(),
        "status_date": (
            recommendation.follow_up_date.isoformat() if recommendation.follow_up_date else None
        ),
        "history": [history_record(update) for update in recommendation.status_updates.all()],
        "addressees": [
            addressee_record(addressee, absolute) for addressee in recommendation.addressees.all()
        ],
        "taken_up_by": [linked_record(f, absolute) for f in recommendation.taken_up_by.all()],
        "takes_up": [linked_record(f, absolute) for f in recommendation.takes_up.all()],
        "citation": finding_citation(recommendation, url=url),
        "licence": licence()["name"],
        "licence_url": licence()["url"],
    }


RECOMMENDATION_FIELDS = [
    "id",
    "url",
    "title",
    "text",
    "meeting_id",
    "meeting_title",
    "meeting_url",
    "meeting_start",
    "meeting_end",
    "is_example",
    "themes",
    "status",
    "status_label",
    "status_date",
    "history",
    "addressees",
    "addressee_kinds",
    "taken_up_by",
    "takes_up",
    "citation",
    "licence",
    "licence_url",
]


def recommendation_row(record: dict) -> dict:
    """The JSON record as one CSV row: the meeting in columns of its own, each list in one
    cell (one line per status change or linked finding; addressees separated by `; `)."""
    meeting = record["meeting"]
    return {
        **{field: record[field] for field in ("id", "url", "title", "text", "is_example")},
        "meeting_id": meeting["id"],
        "meeting_title": meeting["title"],
        "meeting_url": meeting["url"],
        "meeting_start": meeting["start"],
        "meeting_end": meeting["end"],
        **{field: record[field] for field in ("themes", "status", "status_label", "status_date")},
        "history": "\n".join(history_line(update) for update in record["history"]),
        "addressees": [addressee["label"] for addressee in record["addressees"]],
        "addressee_kinds": [addressee["kind"] for addressee in record["addressees"]],
        "taken_up_by": "\n".join(linked_line(f) for f in record["taken_up_by"]),
        "takes_up": "\n".join(linked_line(f) for f in record["takes_up"]),
        **{field: record[field] for field in ("citation", "licence", "licence_url")},
    }


class RecommendationExportMixin:
    """The recommendations of the follow-up page, with its filters (`?status=implemented`,
    `addressee`, `theme`, `meeting`, `year`): an unknown value answers 400."""

    filename = gettext_lazy("recommendations")
    fields = RECOMMENDATION_FIELDS

    def get(self, request, *args, **kwargs):
        self.filterset = RecommendationFilter(request.GET, queryset=open_recommendations())
        if not self.filterset.is_valid():
            return self.render_errors(self.filterset.form.errors)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filterset.qs.order_by("meeting__start", "meeting_id", "order", "pk")

    def get_record(self, recommendation) -> dict:
        return recommendation_record(recommendation, self.absolute)


class RecommendationCsvView(RecommendationExportMixin, CsvExportView):
    def get_record(self, recommendation) -> dict:
        return recommendation_row(super().get_record(recommendation))


class RecommendationJsonView(RecommendationExportMixin, JsonExportView):
    pass


def noon_utc(day: dt.date) -> dt.datetime:
    """A day as a moment: its noon in UTC, the same day in every time zone of the cycle."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


class RecommendationStatusFeed(Feed):
    """Each status change of a public recommendation, the newest first."""

    feed_type = Atom1Feed

    def title(self):
        return _("Recommendation follow-up: changes of status")

    def subtitle(self):
        return _("Francophone meeting cycle on peace, stability and disarmament")

    def link(self):
        return reverse("themes:recommendations")

    def feed_url(self):
        return reverse("themes:recommendation_feed")

    def author_name(self):
        return _("International Organisation of La Francophonie")

    def feed_copyright(self):
        return f"{licence()['name']} — {licence()['url']}"

    def items(self):
        return (
            StatusUpdate.objects.filter(recommendation__in=public_recommendations())
            .select_related("recommendation__meeting")
            .prefetch_related("recommendation__themes")
            .defer("created_by")
            .order_by("-date", "-pk")[:FEED_SIZE]
        )

    def item_title(self, update):
        title = _("%(title)s: %(status)s") % {
            "title": update.recommendation.title,
            "status": update.get_status_display(),
        }
        if update.recommendation.meeting.is_example:
            title = _("%(title)s (fictional example)") % {"title": title}
        return title

    def item_description(self, update):
        meeting = update.recommendation.meeting
        source = ", ".join(part for part in (update.source, update.source_url) if part)
        origin = _("Recommendation of the meeting %(meeting)s, %(dates)s") % {
            "meeting": quoted(meeting.title),
            "dates": dates(meeting),
        }
        return paragraphs(
            update.note, _("Source: %(source)s") % {"source": source} if source else "", origin
        )

    def item_link(self, update):
        # Also the entry's id: one per status change.
        return f"{update.recommendation.get_absolute_url()}#{update_anchor(update)}"

    def item_pubdate(self, update):
        return noon_utc(update.date)

    def item_updateddate(self, update):
        return noon_utc(update.date)

    def item_categories(self, update):
        return [update.get_status_display()] + [
            theme.name for theme in update.recommendation.themes.all()
        ]


def update_anchor(update) -> str:
    """The id of a status change on its recommendation's page (its timeline)."""
    return f"update-{update.pk}"
