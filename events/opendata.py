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


def organisers(meeting) -> list[str]:
    """Short names of the organisers, lead first."""
    return [organiser.organisation.short_name for organiser in meeting.organisers_by_role()]


def dates(meeting) -> str:
    """The meeting's day, or its first and last days, in the active language (core.dates)."""
    return date_range(meeting.local_start, meeting.local_end)


def when(meeting) -> str:
    """The day and times of a one-day meeting, or the days of a longer one."""
    if meeting.is_multi_day or calendar.spans_whole_days(meeting):
        return dates(meeting)
    start, end = meeting.local_start.time(), meeting.local_end.time()
    return f"{dates(meeting)}, {time_format(start)} – {time_format(end)}"


def where(meeting) -> str:
    """Venue, city (country), in the active language (core.places)."""
    return place(meeting.venue, meeting.city, meeting.country.name)


def event_citation(
    meeting, *, url: str, language: str | None = None, heading: str | None = None
) -> str:
    """« Title », organisers, city, date. URL — in `language` (the active one by default).

    The one format of core.citations; `heading` replaces the quoted title (a finding's
    citation names the finding first). Organisers need `with_listing()`.
    """
    with translation.override(language or translation.get_language()):
        return citation(
            heading or quoted(meeting.title),
            organisers=organisers(meeting),
            city=meeting.city,
            start=meeting.local_start,
            end=meeting.local_end,
            url=url,
            is_example=meeting.is_example,
        )


def event_record(meeting, *, url: str) -> dict:
    """One meeting as a flat record of the CSV and JSON exports."""
    return {
        "id": meeting.pk,
        "url": url,
        "title": meeting.title,
        "summary": meeting.summary,
        "start": meeting.local_start.isoformat(),
        "end": meeting.local_end.isoformat(),
        "timezone": meeting.timezone,
        "venue": meeting.venue,
        "city": meeting.city,
        "country": meeting.country.code or "",
        "format": meeting.format,
        "format_label": meeting.get_format_display(),
        "status": meeting.status,
        "status_label": meeting.get_status_display(),
        "organisers": organisers(meeting),
        "themes": [theme.name for theme in meeting.themes.all()],
        "reported_participants": meeting.reported_participants,
        "reported_participants_is_minimum": meeting.reported_participants_is_minimum,
        "is_example": meeting.is_example,
        "citation": event_citation(meeting, url=url),
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

    def get_record(self, meeting) -> dict:
        return event_record(meeting, url=self.absolute(meeting.get_absolute_url()))


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
        meetings = Meeting.objects.public().upcoming()
        content = calendar.meetings_calendar(
            meetings=meetings,
            url_of=lambda meeting: request.build_absolute_uri(meeting.get_absolute_url()),
            name=_("Meetings on peace, stability and disarmament"),
            description=_("Francophone meeting cycle on peace, stability and disarmament"),
        )
        return calendar_response(
            content, filename=f"{slugify(_('meetings'))}.ics", attachment=False
        )


class MeetingCalendarView(View):
    """One meeting, as a file to add to a calendar."""

    def get(self, request, *args, **kwargs):
        meeting = get_object_or_404(Meeting.objects.public(), slug=kwargs["slug"])
        content = calendar.event_calendar(
            meeting=meeting, url=request.build_absolute_uri(meeting.get_absolute_url())
        )
        return calendar_response(content, filename=f"{meeting.slug}.ics", attachment=True)


class SessionCalendarView(View):
    """One session of a meeting; a session of another meeting is not found."""

    def get(self, request, *args, **kwargs):
        session = get_object_or_404(
            Session.objects.select_related("meeting").filter(
                meeting__in=Meeting.objects.public(), meeting__slug=kwargs["slug"]
            ),
            pk=kwargs["pk"],
        )
        meeting = session.meeting
        content = calendar.sessions_calendar(
            meeting=meeting,
            sessions=[session],
            url=request.build_absolute_uri(meeting.get_absolute_url()),
        )
        filename = f"{meeting.slug}-{slugify(_('session'))}-{session.pk}.ics"
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

    def item_title(self, meeting):
        # Atom titles are plain text: the generator escapes them.
        return calendar.labelled(meeting, meeting.title)

    def item_description(self, meeting):
        return paragraphs(when(meeting), where(meeting), meeting.summary)

    def item_author_name(self, meeting):
        return "; ".join(organisers(meeting)) or None

    def item_pubdate(self, meeting):
        return meeting.created_at

    def item_updateddate(self, meeting):
        return meeting.updated_at

    def item_categories(self, meeting):
        return [theme.name for theme in meeting.themes.all()]
