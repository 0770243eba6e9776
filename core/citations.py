"""How the portal cites a meeting or a finding: one format for the pages and the exports.

« Heading », organisers, city, dates. URL — organisers separated by commas, lead first; the
citation of a fictional example starts with « [Fictional example] » wherever it is shown, so
that a copied citation or an exported row never passes the example for a real meeting.
"""

import datetime as dt

from django.utils.translation import gettext as _

from core.dates import date_range


def citation(
    heading: str,
    *,
    organisers: list[str],
    city: str,
    start: dt.datetime,
    end: dt.datetime,
    url: str,
    is_example: bool = False,
) -> str:
    """The citation in the active language; `start` and `end` are the meeting's local times."""
    parts = [heading, ", ".join(organisers), city, date_range(start, end)]
    text = f"{', '.join(part for part in parts if part)}. {url}"
    if is_example:
        text = f"[{_('Fictional example')}] {text}"
    return text
