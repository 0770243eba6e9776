from django.contrib import admin

from cycle_portal.translation_admin import TranslationStatusAdmin

from .models import Finding, Theme


@admin.register(Theme)
class ThemeAdmin(TranslationStatusAdmin):
    list_display = ["name", "slug", "order", "translation_status"]
    list_editable = ["order"]
    search_fields = ["name_fr", "name_en"]
    prepopulated_fields = {"slug": ["name_fr"]}


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
    search_fields = ["title_fr", "title_en", "text_fr", "text_en"]
    autocomplete_fields = ["event", "session", "themes", "speaker", "organisation"]
    date_hierarchy = "event__start"
