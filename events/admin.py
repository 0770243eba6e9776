from django.conf import settings
from django.contrib import admin, messages
from django.db import models, transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from core import languages
from core.admin import NextOrderFormSet
from core.dates import time_of_day
from core.languages import localized
from core.translation_admin import TranslationInline, TranslationStatusAdmin

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
LOCAL_TIMES = {
    models.DateTimeField: {"form_class": LocalDateTimeField},
    models.URLField: {"assume_scheme": "https"},
}


# What only confirmed participants are told, in their e-mails and on their registration page.
PRIVATE_FIELDSET = _("For confirmed participants (private)")
PRIVATE_DESCRIPTION = _(
    "Only confirmed participants get these, in their e-mails and on the page where they "
    "manage their registration. They are never shown on the public site, its feeds or "
    "its exports."
)


def local_datetime(value, tz, *, with_zone: bool = False) -> str:
    """A date and time as the venue reads it, optionally followed by the zone's name."""
    text = date_format(value.astimezone(tz), "DATETIME_FORMAT")
    return f"{text} ({tz.key})" if with_zone else text


@admin.register(Cycle)
class CycleAdmin(TranslationStatusAdmin):
    add_title = _("Add a meeting cycle")
    change_title = _("Change meeting cycle")
    list_display = ["name", "slug", "translation_status"]
    search_fields = localized("name")
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StrategicProject)
class StrategicProjectAdmin(TranslationStatusAdmin):
    add_title = _("Add a strategic project")
    change_title = _("Change strategic project")
    list_display = ["name", "slug", "translation_status"]
    search_fields = localized("name")
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(TranslationStatusAdmin):
    add_title = _("Add an organisation")
    change_title = _("Change organisation")
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
    add_title = _("Add a speaker")
    change_title = _("Change speaker")
    list_display = ["name", "position", "affiliation", "translation_status"]
    list_select_related = ["affiliation"]
    search_fields = ["name", *localized("position")]
    autocomplete_fields = ["affiliation"]


class MeetingOrganiserInline(admin.TabularInline):
    model = MeetingOrganiser
    add_title = _("Add an organiser")
    formset = NextOrderFormSet
    extra = 0
    autocomplete_fields = ["organisation"]


class SessionNextOrderFormSet(NextOrderFormSet, SessionInlineFormSet):
    """The meeting's sessions, new ones numbered after the others."""


class SessionInline(TranslationInline):
    model = Session
    add_title = _("Add a session")
    form = SessionAdminForm
    formset = SessionNextOrderFormSet
    formfield_overrides = LOCAL_TIMES
    extra = 0
    # A stacked inline, so the session's own link costs one row, not width. Its help text
    # says that it is private and that, left empty, the meeting's link applies.
    fields = [
        "title",
        "start",
        "end",
        "room",
        "capacity",
        "registration_open",
        "order",
        ("online_url", "online_passcode"),
    ]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(TranslationStatusAdmin):
    add_title = _("Add a meeting")
    change_title = _("Change meeting")
    form = MeetingAdminForm
    formfield_overrides = LOCAL_TIMES
    # Few, short columns: readable at 1280 px with the filters beside them.
    list_display = ["title", "local_day", "city", "status", "translation_status"]
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
            {
                "fields": [
                    "timezone",
                    "start",
                    "end",
                    "format",
                    "interpretation_languages",
                    "venue",
                    "city",
                    "country",
                ]
            },
        ),
        (_("Content"), {"fields": ["summary", "description", "strategic_projects"]}),
        (
            _("Participation"),
            {
                "fields": [
                    "registration_mode",
                    "reported_participants",
                    "reported_participants_is_minimum",
                    "reminder_days",
                ]
            },
        ),
        (
            PRIVATE_FIELDSET,
            {
                "description": PRIVATE_DESCRIPTION,
                "fields": ["practical_information", "online_url", "online_passcode"],
            },
        ),
    ]

    actions = ["duplicate"]

    @admin.display(description=_("start"), ordering="start")
    def local_day(self, obj) -> str:
        """« 10/03/2026 9 h 30 », the venue's time, with its zone when not the site's."""
        text = f"{date_format(obj.local_start, 'SHORT_DATE_FORMAT')} {time_of_day(obj.local_start)}"
        return text if obj.timezone == settings.TIME_ZONE else f"{text} ({obj.timezone})"

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # A single cycle is the one every new meeting belongs to.
        cycles = list(Cycle.objects.values_list("pk", flat=True)[:2])
        if len(cycles) == 1:
            initial.setdefault("cycle", cycles[0])
        return initial

    def copy_related(self, original: Meeting, copy: Meeting) -> None:
        """What a copy of a meeting takes from it besides its own fields: its strategic
        projects, organisers, and sessions with their speakers. The apps above extend this
        (themes copies the themes); registrations and findings stay with the original."""
        copy.strategic_projects.set(original.strategic_projects.all())
        for link in original.meeting_organisers.all():
            link.pk = None
            link.meeting = copy
            link.save()
        for session in original.sessions.prefetch_related("session_speakers"):
            speakers = list(session.session_speakers.all())
            session.pk = None
            session.meeting = copy
            session.save()
            for speaker in speakers:
                speaker.pk = None
                speaker.session = session
                speaker.save()

    @admin.action(description=_("Duplicate (as a draft)"), permissions=["add"])
    def duplicate(self, request, queryset):
        copies = [duplicate_meeting(meeting, self.copy_related) for meeting in queryset]
        message = ngettext(
            "%(count)d meeting copied as a draft, with its sessions and organisers: %(titles)s.",
            "%(count)d meetings copied as drafts, with their sessions and organisers: %(titles)s.",
            len(copies),
        )
        titles = "; ".join(copy.title for copy in copies)
        self.message_user(
            request, message % {"count": len(copies), "titles": titles}, messages.SUCCESS
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "timezone" in form.changed_data:
            obj.keep_sessions_local_times(previous_timezone=form.initial["timezone"])


def free_slug(slug: str, max_length: int) -> str:
    """The slug with a "copy" suffix (in the site's language), numbered until unused."""
    with translation.override(settings.LANGUAGE_CODE):
        suffix = slugify(pgettext("suffix of a copy's slug", "copy"))
    number = 1
    while True:
        ending = f"-{suffix}" if number == 1 else f"-{suffix}-{number}"
        candidate = slug[: max_length - len(ending)] + ending
        if not Meeting.objects.filter(slug=candidate).exists():
            return candidate
        number += 1


@transaction.atomic
def duplicate_meeting(original: Meeting, copy_related) -> Meeting:
    """A draft copy of a meeting, "Copy of" its title in each language, with a free slug."""
    copy = Meeting.objects.get(pk=original.pk)
    copy.pk = None
    copy.slug = free_slug(original.slug, Meeting._meta.get_field("slug").max_length)
    copy.status = Meeting.Status.DRAFT
    max_length = Meeting._meta.get_field("title").max_length
    for code in languages.codes():
        name = f"title_{code.replace('-', '_')}"
        title = getattr(original, name)
        if title:
            with translation.override(code):
                setattr(copy, name, (gettext("Copy of %(title)s") % {"title": title})[:max_length])
    copy.save()
    copy_related(original, copy)
    return copy


class SessionSpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    add_title = _("Add a speaker")
    extra = 0
    autocomplete_fields = ["speaker"]


@admin.register(Session)
class SessionAdmin(TranslationStatusAdmin):
    add_title = _("Add a session")
    change_title = _("Change session")
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
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "meeting",
                    "title",
                    "description",
                    "start",
                    "end",
                    "room",
                    "capacity",
                    "registration_open",
                    "order",
                ]
            },
        ),
        (
            PRIVATE_FIELDSET,
            {"description": PRIVATE_DESCRIPTION, "fields": ["online_url", "online_passcode"]},
        ),
    ]

    @admin.display(description=_("start"), ordering="start")
    def local_start(self, obj) -> str:
        return local_datetime(obj.start, obj.meeting.tzinfo, with_zone=True)

    @admin.display(description=_("end"), ordering="end")
    def local_end(self, obj) -> str:
        return local_datetime(obj.end, obj.meeting.tzinfo)

    def view_on_site(self, obj):
        return obj.meeting.get_absolute_url()
