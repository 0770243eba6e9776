from django.contrib import admin
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from core.languages import localized
from core.translation_admin import TranslationStatusAdmin

from .forms import LocalDateTimeField, MeetingAdminForm, SessionAdminForm, SessionInlineFormSet
from .models import (
    Cycle,
    Meeting,
    MeetingOrganiser,
    Organisation,
    Session,
    SessionSpeaker,
    Speaker,
    StrategicProject,
)

# Times are typed and shown in the meeting's zone; the form gives each field that zone.
LOCAL_TIMES = {models.DateTimeField: {"form_class": LocalDateTimeField}}


def local_datetime(value, tz, *, with_zone: bool = False) -> str:
    """A date and time as the venue reads it, optionally followed by the zone's name."""
    text = date_format(value.astimezone(tz), "DATETIME_FORMAT")
    return f"{text} ({tz.key})" if with_zone else text


@admin.register(Cycle)
class CycleAdmin(TranslationStatusAdmin):
    list_display = ["name", "slug", "translation_status"]
    search_fields = localized("name")
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StrategicProject)
class StrategicProjectAdmin(TranslationStatusAdmin):
    list_display = ["name", "slug", "translation_status"]
    search_fields = localized("name")
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(TranslationStatusAdmin):
    list_display = [
        "name",
        "acronym",
        "kind",
        "country",
        "francophonie_status",
        "translation_status",
    ]
    list_filter = ["kind", "francophonie_status"]
    search_fields = localized("name", "acronym")
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Speaker)
class SpeakerAdmin(TranslationStatusAdmin):
    list_display = ["name", "position", "affiliation", "translation_status"]
    list_select_related = ["affiliation"]
    search_fields = ["name", *localized("position")]
    autocomplete_fields = ["affiliation"]


class MeetingOrganiserInline(admin.TabularInline):
    model = MeetingOrganiser
    extra = 0
    autocomplete_fields = ["organisation"]


class SessionInline(TranslationStackedInline):
    model = Session
    form = SessionAdminForm
    formset = SessionInlineFormSet
    formfield_overrides = LOCAL_TIMES
    extra = 0
    fields = ["title", "start", "end", "room", "capacity", "registration_open", "order"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(TranslationStatusAdmin):
    form = MeetingAdminForm
    formfield_overrides = LOCAL_TIMES
    list_display = [
        "title",
        "local_start",
        "city",
        "status",
        "registration_mode",
        "is_example",
        "translation_status",
    ]
    list_filter = ["status", "registration_mode", "format", "cycle", "is_example"]
    list_select_related = ["cycle"]
    search_fields = localized("title", "city", "summary")
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["strategic_projects"]
    # The apps above extend this page (core.admin.registered_admin): themes adds the themes
    # and findings, participants the export of the participants.
    inlines = [MeetingOrganiserInline, SessionInline]
    fieldsets = [
        (None, {"fields": ["cycle", "title", "slug", "status", "is_example"]}),
        (
            _("When and where"),
            {"fields": ["timezone", "start", "end", "format", "venue", "city", "country"]},
        ),
        (_("Content"), {"fields": ["summary", "description", "strategic_projects"]}),
        (
            _("Participation"),
            {
                "fields": [
                    "registration_mode",
                    "reported_participants",
                    "reported_participants_is_minimum",
                ]
            },
        ),
    ]

    @admin.display(description=_("start"), ordering="start")
    def local_start(self, obj) -> str:
        return local_datetime(obj.start, obj.tzinfo, with_zone=True)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "timezone" in form.changed_data:
            obj.keep_sessions_local_times(previous_timezone=form.initial["timezone"])


class SessionSpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    extra = 0
    autocomplete_fields = ["speaker"]


@admin.register(Session)
class SessionAdmin(TranslationStatusAdmin):
    form = SessionAdminForm
    formfield_overrides = LOCAL_TIMES
    list_display = [
        "title",
        "meeting",
        "local_start",
        "local_end",
        "room",
        "registration_open",
        "translation_status",
    ]
    list_filter = ["registration_open", "meeting"]
    list_select_related = ["meeting"]
    search_fields = localized("title", "meeting__title")
    date_hierarchy = "start"
    autocomplete_fields = ["meeting"]
    inlines = [SessionSpeakerInline]

    @admin.display(description=_("start"), ordering="start")
    def local_start(self, obj) -> str:
        return local_datetime(obj.start, obj.meeting.tzinfo, with_zone=True)

    @admin.display(description=_("end"), ordering="end")
    def local_end(self, obj) -> str:
        return local_datetime(obj.end, obj.meeting.tzinfo)

    def view_on_site(self, obj):
        return obj.meeting.get_absolute_url()
