"""How the portal writes days and hours: one module for every page, export, feed and e-mail.

Give local times (a meeting's or a session's `local_start` and `local_end`): the days and
hours are those of the venue. Everything is written in the active language.

- Days: « 15 avril 2025 », « 27-28 janvier 2027 », « 30 janvier – 2 février 2027 »,
  « 30 décembre 2026 – 2 janvier 2027 »; "27–28 January 2027" in English.
- Hours: « 9 h », « 14 h 30 » in French, "09:00" in English (the language's TIME_FORMAT, with
  French's whole hours written without their minutes).
"""

import datetime as dt

from django.utils.formats import date_format, get_format, time_format
from django.utils.html import format_html
from django.utils.translation import get_language

# French writes « 27-28 janvier »; English "27–28 January" (an en dash, as its style guides).
DAYS_SEPARATOR = {"fr": "-"}
# « 9 h », not « 9 h 00 »: the format of a whole hour, where the language has one.
WHOLE_HOUR_FORMAT = {"fr": "G\u00a0\\h"}


def _language() -> str:
    return (get_language() or "").split("-")[0]


def _days(start: dt.date, end: dt.date) -> tuple[str, str, str]:
    """The two ends of a span of days, each as short as the other lets it be, and what joins
    them. The year and the month are written once when both days share them."""
    full = get_format("DATE_FORMAT")
    last = date_format(end, full)
    if start == end:
        return "", "", last
    # Formats "j F Y" (both languages of the portal): "j F" without the year, "j" alone.
    if start.year == end.year and full.endswith(" Y"):
        if start.month == end.month and full.startswith("j "):
            return date_format(start, "j"), DAYS_SEPARATOR.get(_language(), "–"), last
        return date_format(start, full.removesuffix(" Y")), " – ", last
    return date_format(start, full), " – ", last


def date_range(start: dt.datetime, end: dt.datetime) -> str:
    """« 15 avril 2025 », « 27-28 janvier 2027 », « 30 janvier – 2 février 2027 »."""
    first, separator, last = _days(start.date(), end.date())
    return f"{first}{separator}{last}"


def date_range_html(start: dt.datetime, end: dt.datetime) -> str:
    """The same text as `date_range`, each day in a <time> element that machines can read."""
    first, separator, last = _days(start.date(), end.date())
    last_html = format_html('<time datetime="{}">{}</time>', end.date().isoformat(), last)
    if not first:
        return last_html
    first_html = format_html('<time datetime="{}">{}</time>', start.date().isoformat(), first)
    return format_html("{}{}{}", first_html, separator, last_html)


def time_of_day(moment: dt.datetime | dt.time) -> str:
    """« 9 h », « 14 h 30 »; "09:00" in English."""
    whole_hour = WHOLE_HOUR_FORMAT.get(_language())
    if whole_hour and moment.minute == 0:
        return time_format(moment, whole_hour)
    return time_format(moment)


def time_range(start: dt.datetime, end: dt.datetime, *, with_day: bool = True) -> str:
    """A session's hours: « 15 avril 2025, 9 h – 12 h 30 »; without the day when the page
    already gives it. Over midnight the end's day is written too."""
    hours = f"{time_of_day(start)} – {time_of_day(end)}"
    if start.date() != end.date():
        hours = f"{time_of_day(start)} – {date_format(end.date())}, {time_of_day(end)}"
    return f"{date_format(start.date())}, {hours}" if with_day else hours


def time_range_html(start: dt.datetime, end: dt.datetime, *, with_day: bool = True) -> str:
    """The same text as `time_range`, each end in a <time> element with the full instant."""
    text_start, text_end = time_of_day(start), time_of_day(end)
    if start.date() != end.date():
        text_end = f"{date_format(end.date())}, {text_end}"
    if with_day:
        text_start = f"{date_format(start.date())}, {text_start}"
    return format_html(
        '<time datetime="{}">{}</time> – <time datetime="{}">{}</time>',
        start.isoformat(),
        text_start,
        end.isoformat(),
        text_end,
    )
