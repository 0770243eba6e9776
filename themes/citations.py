"""How a finding is cited, on its page and in the exports: the format of core.citations.

It names the meeting's organisers, who organised it, and never a speaker or an attributed
organisation: the same text serves every finding, under the Chatham House rule or not.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from events.opendata import event_citation


def finding_citation(finding, *, url: str, language: str | None = None) -> str:
    """« Title », finding of the meeting « Meeting », organisers, city, dates. URL

    In `language` (the active one by default). Organisers need the prefetch of
    `Finding.objects.for_page()`, `open_findings()` or the meeting's `with_listing()`.
    """
    language = language or translation.get_language()
    with translation.override(language):
        heading = _("“%(title)s”, finding of the meeting “%(meeting)s”") % {
            "title": finding.title,
            "meeting": finding.meeting.title,
        }
    return event_citation(finding.meeting, url=url, language=language, heading=heading)
