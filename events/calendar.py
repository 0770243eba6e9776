"""iCalendar (.ics) files for meetings and sessions."""

from django.utils import timezone, translation
from icalendar import Calendar
from icalendar import Event as CalendarEvent


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//OIF//Cycle portal//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


def _location(event) -> str:
    return ", ".join(part for part in [event.venue, event.city, event.country.name] if part)


def sessions_calendar(*, event, sessions, url: str = "") -> bytes:
    """One entry per session, in the meeting's time zone (the local time of the venue)."""
    calendar = _calendar()
    language = translation.get_language() or "fr"
    for session in sessions:
        entry = CalendarEvent()
        entry.add("uid", f"session-{session.pk}@cycle-portal")
        entry.add("summary", f"{session.title} — {event.title}")
        entry.add("dtstart", session.local_start)
        entry.add("dtend", session.local_end)
        entry.add("dtstamp", timezone.now())
        if session.room or _location(event):
            entry.add("location", ", ".join(p for p in [session.room, _location(event)] if p))
        if url:
            entry.add("url", url)
        entry.add("description", event.summary or "", parameters={"language": language})
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
