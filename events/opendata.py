"""Meetings as open data: iCalendar files, an Atom feed, CSV and JSON, and their citation.

Only public meetings appear (published, and cancelled ones marked as such). Texts follow the
language of the URL; field names and codes are the same in every language so that a script
reads the French and the English files alike.
"""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import time_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.citations import citation
from core.dates import date_range
from core.exports import (
    FEED_SIZE,
    CsvExportView,
    JsonExportView,
    licence,
    paragraphs,
    quoted,
)
from core.places import place

from . import calendar
from .models import Meeting, Session

# What citations and records say about a meeting; organisers need `with_listing()`.


def organisers(event) -> list[str]:
    """Short names of the organisers, lead first."""
    return [organiser.organisation.short_name for organiser in event.organisers_by_role()]


def dates(event) -> str:
    """The meeting's day, or its first and last days, in the active language (core.dates)."""
    return date_range(event.local_start, event.local_end)


def when(event) -> str:
    """The day and times of a one-day meeting, or the days of a longer one."""
    if event.is_multi_day or calendar.spans_whole_days(event):
        return dates(event)
    start, end = event.local_start.time(), event.local_end.time()
    return f"{dates(event)}, {time_format(start)} – {time_format(end)}"


def where(event) -> str:
    """Venue, city (country), in the active language (core.places)."""
    return place(event.venue, event.city, event.country.name)


def event_citation(
    event, *, url: str, language: str | None = None, heading: str | None = None
) -> str:
    """« Title », organisers, city, date. URL — in `language` (the active one by default).

    The one format of core.citations; `heading` replaces the quoted title (a finding's
    citation names the finding first). Organisers need `with_listing()`.
    """
    with translation.override(language or translation.get_language()):
        return citation(
            heading or quoted(event.title),
            organisers=organisers(event),
            city=event.city,
            start=event.local_start,
            end=event.local_end,
            url=url,
            is_example=event.is_example,
        )


def event_record(event, *, url: str) -> dict:
    """One meeting as a flat record of the CSV and JSON exports."""
    return {
        "id": event.pk,
        "url": url,
        "title": event.title,
        "summary": event.summary,
        "start": event.local_start.isoformat(),
        "end": event.local_end.isoformat(),
        "timezone": event.timezone,
        "venue": event.venue,
        "city": event.city,
        "country": event.country.code or "",
        "format": event.format,
        "format_label": event.get_format_display(),
        "status": event.status,
        "status_label": event.get_status_display(),
        "organisers": organisers(event),
        "themes": [theme.name for theme in event.themes.all()],
        "reported_participants": event.reported_participants,
        "reported_participants_is_minimum": event.reported_participants_is_minimum,
        "is_example": event.is_example,
        "citation": event_citation(event, url=url),
        "licence": licence()["name"],
        "licence_url": licence()["url"],
    }


EVENT_FIELDS = [
    "id",
    "url",
    "title",
    "summary",
    "start",
    "end",
    "timezone",
    "venue",
    "city",
    "country",
    "format",
    "format_label",
    "status",
    "status_label",
    "organisers",
    "themes",
    "reported_participants",
    "reported_participants_is_minimum",
    "is_example",
    "citation",
    "licence",
    "licence_url",
]


class MeetingExportMixin:
    filename = gettext_lazy("meetings")
    fields = EVENT_FIELDS

    def get_queryset(self):
        return Meeting.objects.public().with_listing().order_by("start", "pk")

    def get_record(self, event) -> dict:
        return event_record(event, url=self.absolute(event.get_absolute_url()))


class MeetingCsvView(MeetingExportMixin, CsvExportView):
    pass


class MeetingJsonView(MeetingExportMixin, JsonExportView):
    pass


# iCalendar.


def calendar_response(content: bytes, *, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


class UpcomingCalendarView(View):
    """The upcoming meetings, as a calendar to subscribe to."""

    def get(self, request, *args, **kwargs):
        events = Meeting.objects.public().upcoming()
        content = calendar.events_calendar(
            events=events,
            url_of=lambda event: request.build_absolute_uri(event.get_absolute_url()),
            name=_("Meetings on peace, stability and disarmament"),
            description=_("Francophone meeting cycle on peace, stability and disarmament"),
        )
        return calendar_response(
            content, filename=f"{slugify(_('meetings'))}.ics", attachment=False
        )


class MeetingCalendarView(View):
    """One meeting, as a file to add to a calendar."""

    def get(self, request, *args, **kwargs):
        event = get_object_or_404(Meeting.objects.public(), slug=kwargs["slug"])
        content = calendar.event_calendar(
            event=event, url=request.build_absolute_uri(event.get_absolute_url())
        )
        return calendar_response(content, filename=f"{event.slug}.ics", attachment=True)


class SessionCalendarView(View):
    """One session of a meeting; a session of another meeting is not found."""

    def get(self, request, *args, **kwargs):
        session = get_object_or_404(
            Session.objects.select_related("event").filter(
                event__in=Meeting.objects.public(), event__slug=kwargs["slug"]
            ),
            pk=kwargs["pk"],
        )
        event = session.event
        content = calendar.sessions_calendar(
            event=event,
            sessions=[session],
            url=request.build_absolute_uri(event.get_absolute_url()),
        )
        filename = f"{event.slug}-{slugify(_('session'))}-{session.pk}.ics"
        return calendar_response(content, filename=filename, attachment=True)


# Atom.


class MeetingFeed(Feed):
    """The latest meetings of the cycle, newest first."""

    feed_type = Atom1Feed

    def title(self):
        return _("Meetings on peace, stability and disarmament")

    def subtitle(self):
        return _("Francophone meeting cycle on peace, stability and disarmament")

    def link(self):
        return reverse("events:list")

    def feed_url(self):
        return reverse("events:feed")

    def author_name(self):
        return _("International Organisation of La Francophonie")

    def feed_copyright(self):
        return f"{licence()['name']} — {licence()['url']}"

    def items(self):
        return Meeting.objects.public().with_listing().order_by("-start", "-pk")[:FEED_SIZE]

    def item_title(self, event):
        # Atom titles are plain text: the generator escapes them.
        return calendar.labelled(event, event.title)

    def item_description(self, event):
        return paragraphs(when(event), where(event), event.summary)

    def item_author_name(self, event):
        return "; ".join(organisers(event)) or None

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_categories(self, event):
        return [theme.name for theme in event.themes.all()]
