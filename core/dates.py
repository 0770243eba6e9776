"""How the portal writes a span of days: one function for every page, export, feed and e-mail."""

import datetime as dt

from django.utils.formats import date_format
from django.utils.html import format_html


def date_range(start: dt.datetime, end: dt.datetime) -> str:
    """« 15 avril 2025 », or « 15 avril 2025 – 16 avril 2025 » over several days.

    Give local times (a meeting's `local_start` and `local_end`): the days are those of the
    venue. Written in the active language.
    """
    first = date_format(start.date())
    if start.date() == end.date():
        return first
    return f"{first} – {date_format(end.date())}"


def date_range_html(start: dt.datetime, end: dt.datetime) -> str:
    """The same text as `date_range`, each day in a <time> element that machines can read."""
    first = format_html('<time datetime="{}">{}</time>', start.isoformat(), date_format(start))
    if start.date() == end.date():
        return first
    last = format_html('<time datetime="{}">{}</time>', end.isoformat(), date_format(end))
    return format_html("{} – {}", first, last)
