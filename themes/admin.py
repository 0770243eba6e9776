from django.contrib import admin

from core.languages import localized
from core.translation_admin import TranslationStatusAdmin

from .models import Finding, Theme


@admin.register(Theme)
class ThemeAdmin(TranslationStatusAdmin):
    list_display = ["name", "slug", "order", "translation_status"]
    list_editable = ["order"]
    search_fields = localized("name")
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Finding)
class FindingAdmin(TranslationStatusAdmin):
    list_display = [
        "title",
        "kind",
        "sector",
        "event",
        "chatham_house",
        "featured",
        "translation_status",
    ]
    list_filter = ["kind", "sector", "themes", "chatham_house", "featured", "event"]
    list_select_related = ["event"]
    search_fields = localized("title", "text")
    autocomplete_fields = ["event", "session", "themes", "speaker", "organisation"]
    date_hierarchy = "event__start"
