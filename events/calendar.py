"""iCalendar (.ics) files for meetings and sessions.

Times are written in the meeting's own time zone (TZID and a VTIMEZONE), so that a
calendar shows the local time of the venue and converts it for people elsewhere.
"""

import datetime as dt
import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone, vDuration
from icalendar import Event as CalendarEvent

from core.places import place

# How often a subscribed calendar should fetch the feed again.
REFRESH_INTERVAL = dt.timedelta(hours=12)
# A meeting recorded up to this local time (or later) ends with its day.
LAST_MINUTE = dt.time(23, 59)


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//OIF//Cycle portal//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def uid(kind: str, pk: int) -> str:
    """A stable identifier, the same in every file and e-mail, so that calendars update it."""
    domain = urlsplit(settings.SITE_URL).hostname or "cycle-portal"
    return f"{kind}-{pk}@{domain}"


def _location(meeting) -> str:
    return place(meeting.venue, meeting.city, meeting.country.name)


def _language_of(obj, field: str) -> str:
    """The language the text of a translated field is actually in (it may be the fallback)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    if getattr(obj, f"{field}_{current}", None):
        return current
    for code, _name in settings.LANGUAGES:
        if getattr(obj, f"{field}_{code}", None):
            return code
    return current


def labelled(meeting, title: str) -> str:
    """A title with what no reader may miss: the meeting is cancelled, or a fictional example."""
    if meeting.is_example:
        title = _("%(title)s (fictional example)") % {"title": title}
    if meeting.is_cancelled:
        title = _("Cancelled: %(title)s") % {"title": title}
    return title


def _add_local(entry: CalendarEvent, name: str, value, *, zone: str) -> None:
    """A date, or a time written as the venue's wall clock with its zone's TZID.

    Always the zone's name: icalendar would write the times of a zone that keeps UTC's
    offset (Africa/Dakar) as UTC times, and the file would no longer say where they are.
    """
    if isinstance(value, dt.datetime):
        entry.add(name, value.replace(tzinfo=None), parameters={"TZID": zone})
    else:
        entry.add(name, value)


def _entry(meeting, *, kind: str, pk: int, title: str, start, end, url: str) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", uid(kind, pk))
    entry.add("dtstamp", timezone.now())
    if meeting.updated_at:
        entry.add("last-modified", meeting.updated_at)
    entry.add("summary", labelled(meeting, title))
    _add_local(entry, "dtstart", start, zone=meeting.timezone)
    _add_local(entry, "dtend", end, zone=meeting.timezone)
    entry.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    if url:
        entry.add("url", url)
    return entry


def spans_whole_days(meeting) -> bool:
    """Whether the meeting's hours are unknown: it is recorded from midnight to midnight."""
    return meeting.local_start.time() == dt.time.min and meeting.local_end.time() >= LAST_MINUTE


def meeting_entry(meeting, *, url: str = "") -> CalendarEvent:
    """The whole meeting, from its first to its last day, in its time zone.

    Without hours, it is an all-day entry, whose end is by definition the day after.
    """
    if spans_whole_days(meeting):
        start = meeting.local_start.date()
        end = meeting.local_end.date() + dt.timedelta(days=1)
    else:
        start, end = meeting.local_start, meeting.local_end
    entry = _entry(
        meeting, kind="event", pk=meeting.pk, title=meeting.title, start=start, end=end, url=url
    )
    if _location(meeting):
        entry.add("location", _location(meeting))
    if meeting.summary:
        entry.add(
            "description",
            meeting.summary,
            parameters={"language": _language_of(meeting, "summary")},
        )
    return entry


def session_entry(session, *, meeting, url: str = "") -> CalendarEvent:
    """One session of a meeting, in the meeting's time zone."""
    entry = _entry(
        meeting,
        kind="session",
        pk=session.pk,
        title=f"{session.title} — {meeting.title}",
        start=session.local_start,
        end=session.local_end,
        url=url,
    )
    if session.room or _location(meeting):
        entry.add("location", ", ".join(p for p in [session.room, _location(meeting)] if p))
    source, field = (session, "description") if session.description else (meeting, "summary")
    text = getattr(source, field)
    if text:
        entry.add("description", text, parameters={"language": _language_of(source, field)})
    return entry


@functools.lru_cache(maxsize=32)
def _timezone(tzid: str) -> Timezone | None:
    """A zone's VTIMEZONE, derived once per process: icalendar computes it from the zone's
    transitions (about 20 ms), which every e-mail with an .ics would otherwise pay again."""
    try:
        return Timezone.from_tzid(tzid)
    except ValueError:  # a zone icalendar does not know: the file goes without its VTIMEZONE
        return None


def _finish(calendar: Calendar) -> bytes:
    """The file, with the VTIMEZONE of each zone it names, before the entries (as
    `Calendar.add_missing_timezones` places them)."""
    for tzid in sorted(calendar.get_missing_tzids()):
        if (zone := _timezone(tzid)) is not None:
            calendar.subcomponents.insert(len(calendar.timezones), zone)
    return calendar.to_ical()


def sessions_calendar(*, meeting, sessions, url: str = "") -> bytes:
    """One entry per session, in the meeting's time zone (the local time of the venue)."""
    calendar = _calendar()
    for session in sessions:
        calendar.add_component(session_entry(session, meeting=meeting, url=url))
    return _finish(calendar)


def event_calendar(*, meeting, url: str = "") -> bytes:
    """A file with the one meeting."""
    calendar = _calendar()
    calendar.add_component(meeting_entry(meeting, url=url))
    return _finish(calendar)


def meetings_calendar(*, meetings, url_of, name: str, description: str = "") -> bytes:
    """A calendar to subscribe to: one entry per meeting; `url_of(meeting)` gives its page."""
    calendar = _calendar()
    calendar.calendar_name = name
    if description:
        calendar.description = description
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    # Outlook's name for the same thing.
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL).to_ical().decode())
    for meeting in meetings:
        calendar.add_component(meeting_entry(meeting, url=url_of(meeting)))
    return _finish(calendar)
