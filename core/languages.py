"""The site's languages, read from `settings.LANGUAGES`: adding one is a settings change
plus its translations (and the migration modeltranslation's new columns need)."""

import locale

from django.conf import settings
from django.utils.translation import to_locale

# Open Graph wants a territory (`fr_FR`); where Python's usual one is not the portal's, say
# which: its English is British, as at the United Nations in Geneva.
OG_TERRITORIES = {"en": "en_GB"}


def codes() -> list[str]:
    """The language codes of the site, the default language first as settings list it."""
    return [code for code, _name in settings.LANGUAGES]


def name(code: str) -> str:
    """The name of a language of the site, in the active language."""
    return str(dict(settings.LANGUAGES)[code])


def localized(*fields: str) -> list[str]:
    """Each translated field in every language: `localized("name")` → name_fr, name_en…"""
    return [f"{field}_{code.replace('-', '_')}" for field in fields for code in codes()]


def og_locale(code: str) -> str:
    """The Open Graph locale of a language: `fr` → `fr_FR`, `en` → `en_GB`, `es` → `es_ES`."""
    if code in OG_TERRITORIES:
        return OG_TERRITORIES[code]
    found = to_locale(code)
    if "_" not in found:
        normalized = locale.normalize(found).split(".")[0]
        if len(normalized.split("_")) == 2 and len(normalized.split("_")[1]) == 2:
            found = normalized
    return found


def choices() -> list[tuple[str, str]]:
    """The site's languages as choices of a field (callable: no migration per language)."""
    return list(settings.LANGUAGES)
