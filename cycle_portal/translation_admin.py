"""Admin helpers that show staff which items lack their French or English text."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.translator import translator

LANGUAGE_NAMES = {"fr": _("French"), "en": _("English")}


def translated_fields(model) -> list[str]:
    return list(translator.get_options_for_model(model).all_fields)


def _filled(field: str) -> Q:
    return Q(**{f"{field}__isnull": False}) & ~Q(**{field: ""})


def missing_translation_q(model, language: str) -> Q:
    """Rows where some text is written in the other language but not in this one."""
    other = "en" if language == "fr" else "fr"
    query = Q(pk__in=[])
    for field in translated_fields(model):
        query |= ~_filled(f"{field}_{language}") & _filled(f"{field}_{other}")
    return query


def missing_languages(obj) -> list[str]:
    missing = []
    for language, other in (("fr", "en"), ("en", "fr")):
        for field in translated_fields(type(obj)):
            if getattr(obj, f"{field}_{other}", "") and not getattr(obj, f"{field}_{language}", ""):
                missing.append(language)
                break
    return missing


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [
            ("en", _("English text missing")),
            ("fr", _("French text missing")),
        ]

    def queryset(self, request, queryset):
        if self.value() in LANGUAGE_NAMES:
            return queryset.filter(missing_translation_q(queryset.model, self.value()))
        return queryset


class TranslationStatusAdmin(TabbedTranslationAdmin):
    """Tabbed translated fields, with a column and a filter for missing texts."""

    @admin.display(description=_("missing translation"))
    def translation_status(self, obj) -> str:
        missing = missing_languages(obj)
        return ", ".join(str(LANGUAGE_NAMES[code]) for code in missing) or "—"

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MissingTranslationFilter]
