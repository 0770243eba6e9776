"""Template helpers shared by every page: language links and query strings."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context, language_code: str) -> str:
    """The current page, query string included, in another language."""
    request = context["request"]
    return translate_url(request.get_full_path(), language_code)


@register.simple_tag(takes_context=True)
def query_with(context, **params) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag
def lang_of(obj, field: str) -> str:
    """` lang="xx"` when a translated field shows its fallback in the other language.

    Screen readers then read the passage with the right voice: `<h1{% lang_of event "title" %}>`.
    """
    current = get_language()
    if getattr(obj, f"{field}_{current}", None):
        return ""
    for code, _name in settings.LANGUAGES:
        if code != current and getattr(obj, f"{field}_{code}", None):
            return format_html(' lang="{}"', code)
    return ""
