"""Template helpers shared by every page: language links, canonical address, JSON-LD, and the
portal's one way of writing dates and places (core.dates, core.places)."""

import datetime
import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import translate_url
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import dates, languages, places

register = template.Library()


@register.simple_tag
def date_range(start, end, html: bool = False) -> str:
    """A meeting's days from its local times:
    `{% date_range meeting.local_start meeting.local_end %}`; `html=True` puts each day in a
    <time> element."""
    return dates.date_range_html(start, end) if html else dates.date_range(start, end)


@register.simple_tag
def time_range(start, end, zone=None, with_day: bool = True, html: bool = False) -> str:
    """A session's hours in its meeting's zone:
    `{% time_range session.start session.end meeting.tzinfo with_day=False html=True %}`."""
    if zone is not None:
        start, end = timezone.localtime(start, zone), timezone.localtime(end, zone)
    if html:
        return dates.time_range_html(start, end, with_day=with_day)
    return dates.time_range(start, end, with_day=with_day)


@register.simple_tag
def place(venue: str = "", city: str = "", country: str = "") -> str:
    """Where a meeting takes place:
    `{% place meeting.venue meeting.city meeting.country.name %}`."""
    return places.place(venue, city, country)


@register.simple_tag(takes_context=True)
def translated_url(context, language_code: str, absolute: bool = False) -> str:
    """The current page, query string included, in another language."""
    request = context["request"]
    url = translate_url(request.get_full_path(), language_code)
    return request.build_absolute_uri(url) if absolute else url


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's own address: its path, and its page number, without filters or tracking."""
    request = context["request"]
    page = request.GET.get("page", "")
    suffix = f"?page={page}" if page.isdigit() and page != "1" else ""
    return request.build_absolute_uri(request.path) + suffix


@register.simple_tag
def json_ld(data: dict) -> str:
    """A schema.org block; the JSON is escaped so it cannot close its script element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    payload = payload.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.simple_tag
def lang_of(obj, field: str) -> str:
    """` lang="xx"` when a translated field shows its fallback in the other language.

    Screen readers then read the passage with the right voice: `<h1{% lang_of meeting "title" %}>`.
    """
    current = get_language()
    if getattr(obj, f"{field}_{current}", None):
        return ""
    for code, _name in settings.LANGUAGES:
        if code != current and getattr(obj, f"{field}_{code}", None):
            return format_html(' lang="{}"', code)
    return ""


@register.simple_tag
def default_language() -> str:
    """The site's default language (settings.LANGUAGE_CODE): the x-default of alternates."""
    return settings.LANGUAGE_CODE


@register.simple_tag
def og_locale(code: str) -> str:
    """The Open Graph locale of a language: `fr_FR`, `en_GB`."""
    return languages.og_locale(code)


@register.simple_tag
def contact_email() -> str:
    """The address visitors may write to (settings.CONTACT_EMAIL), or "" when none is set:
    `{% contact_email as contact %}{% if contact %}…{% endif %}`."""
    return settings.CONTACT_EMAIL


@register.filter
def iso_date(value: str):
    """A date written as "2026-11-28" in a setting, as a date for the `date` filter:
    `{{ version|iso_date|date:"j F Y" }}`; the text unchanged if it is not one."""
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
