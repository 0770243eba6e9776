from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.utils.translation import gettext_lazy as _

from core.admin import NextOrderFormSet, registered_admin
from core.languages import localized
from core.translation_admin import TranslationInline, TranslationStatusAdmin
from events.forms import MeetingAdminForm
from events.models import Meeting

from .models import Finding, Theme


@admin.register(Theme)
class ThemeAdmin(TranslationStatusAdmin):
    add_title = _("Add a theme")
    change_title = _("Change theme")
    list_display = ["name", "slug", "order", "translation_status"]
    list_editable = ["order"]
    search_fields = localized("name")
    prepopulated_fields = {"slug": ["name"]}
    # A meeting's themes are chosen on the meeting's page (MeetingAdmin below).
    exclude = ["meetings"]


@admin.register(Finding)
class FindingAdmin(TranslationStatusAdmin):
    add_title = _("Add a finding")
    change_title = _("Change finding")
    list_display = [
        "title",
        "kind",
        "sector",
        "meeting",
        "chatham_house",
        "featured",
        "translation_status",
    ]
    list_filter = ["kind", "sector", "themes", "chatham_house", "featured", "meeting"]
    list_select_related = ["meeting"]
    search_fields = localized("title", "text")
    autocomplete_fields = ["meeting", "session", "themes", "speaker", "organisation"]
    date_hierarchy = "meeting__start"


# The meeting's page, as the apps below registered it, plus what this app adds to a meeting:
# its themes (the relation is Theme.meetings, so the form carries the field) and its findings.


class MeetingThemesForm(MeetingAdminForm):
    themes = forms.ModelMultipleChoiceField(
        Theme.objects.all(),
        required=False,
        label=_("themes"),
        widget=FilteredSelectMultiple(_("themes"), is_stacked=False),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("themes", list(self.instance.themes.all()))

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.themes.set(self.cleaned_data["themes"])


class FindingOrderFormSet(NextOrderFormSet):
    """New findings numbered after the others of their kind."""

    order_group = ("kind",)


class FindingInline(TranslationInline):
    """The meeting's findings, edited with it."""

    model = Finding
    add_title = _("Add a finding")
    formset = FindingOrderFormSet
    extra = 0
    fields = ["kind", "sector", "title", "text", "themes", "chatham_house", "featured", "order"]
    autocomplete_fields = ["themes"]
    show_change_link = True


def with_themes(fieldsets):
    """The meeting's fieldsets with its themes after its strategic projects."""
    result = []
    for name, options in fieldsets:
        fields = list(options["fields"])
        if "strategic_projects" in fields:
            fields.insert(fields.index("strategic_projects") + 1, "themes")
        result.append((name, {**options, "fields": fields}))
    return result


RegisteredMeetingAdmin = registered_admin(Meeting)


@admin.register(Meeting)
class MeetingAdmin(RegisteredMeetingAdmin):
    form = MeetingThemesForm
    list_filter = [*RegisteredMeetingAdmin.list_filter, "themes"]
    fieldsets = with_themes(RegisteredMeetingAdmin.fieldsets)
    inlines = [*RegisteredMeetingAdmin.inlines, FindingInline]

    def copy_related(self, original, copy):
        super().copy_related(original, copy)
        copy.themes.set(original.themes.all())
