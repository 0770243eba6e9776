"""Admin helpers for translated fields (`settings.LANGUAGES`): every language shown at once,
side by side, and a column and a filter for the items that lack the text of one language."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from modeltranslation.translator import translator

from . import languages
from .admin import StaffAdmin


def translated_fields(model) -> list[str]:
    return list(translator.get_options_for_model(model).all_fields)


def _filled(field: str) -> Q:
    return Q(**{f"{field}__isnull": False}) & ~Q(**{field: ""})


def missing_translation_q(model, language: str) -> Q:
    """Rows where some text is written in another language but not in this one."""
    others = [code for code in languages.codes() if code != language]
    query = Q(pk__in=[])
    for field in translated_fields(model):
        written = Q.create([_filled(f"{field}_{other}") for other in others], connector=Q.OR)
        query |= ~_filled(f"{field}_{language}") & written
    return query


def missing_languages(obj) -> list[str]:
    """The languages in which some text of this item is written elsewhere but not there."""
    fields = translated_fields(type(obj))
    missing = []
    for language in languages.codes():
        others = [code for code in languages.codes() if code != language]
        for field in fields:
            written = any(getattr(obj, f"{field}_{other}", "") for other in others)
            if written and not getattr(obj, f"{field}_{language}", ""):
                missing.append(language)
                break
    return missing


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [
            (code, gettext("Text missing: %(language)s") % {"language": languages.name(code)})
            for code in languages.codes()
        ]

    def queryset(self, request, queryset):
        if self.value() in languages.codes():
            return queryset.filter(missing_translation_q(queryset.model, self.value()))
        return queryset


def side_by_side(model, fields) -> list:
    """The fields of a fieldset with each translated field's languages on one row:
    [title_fr, title_en, city_fr…] → [(title_fr, title_en), …]. Staff type both languages
    in view of each other, with no tab to switch."""
    original = {
        name: field for field in translated_fields(model) for name in languages.localized(field)
    }
    rows: list = []
    for name in fields:
        field = original.get(name) if isinstance(name, str) else None
        if field and rows and isinstance(rows[-1], tuple) and original.get(rows[-1][0]) == field:
            rows[-1] = (*rows[-1], name)
        elif field:
            rows.append((name,))
        else:
            rows.append(name)
    return [row[0] if isinstance(row, tuple) and len(row) == 1 else row for row in rows]


class SideBySideTranslations:
    """Shows a translated field's languages side by side (see `side_by_side`)."""

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": side_by_side(self.model, options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]


class TranslationInline(SideBySideTranslations, TranslationStackedInline):
    """A stacked inline of a translated model, its languages side by side."""


class TranslationStatusAdmin(SideBySideTranslations, StaffAdmin, TranslationAdmin):
    """Translated fields side by side, with a column and a filter for missing texts."""

    @admin.display(description=_("missing translation"))
    def translation_status(self, obj) -> str:
        missing = missing_languages(obj)
        return ", ".join(languages.name(code) for code in missing) or "—"

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MissingTranslationFilter]
