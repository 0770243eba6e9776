"""Admin helpers that show staff which items lack the text of one of the site's languages
(`settings.LANGUAGES`): tabs per language, a column and a filter."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.translator import translator

from . import languages


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


class TranslationStatusAdmin(TabbedTranslationAdmin):
    """Tabbed translated fields, with a column and a filter for missing texts."""

    @admin.display(description=_("missing translation"))
    def translation_status(self, obj) -> str:
        missing = missing_languages(obj)
        return ", ".join(languages.name(code) for code in missing) or "—"

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MissingTranslationFilter]
