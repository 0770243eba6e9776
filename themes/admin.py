from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db import models
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import NextOrderFormSet, StaffAdmin, registered_admin
from core.languages import localized
from core.translation_admin import TranslationInline, TranslationStatusAdmin
from events.forms import MeetingAdminForm
from events.models import Meeting

from .models import Addressee, Finding, Recommendation, StatusUpdate, Theme


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


def earlier_recommendation_errors(recommendations, findings) -> list[str]:
    """Why these findings cannot take up these recommendations: only a recommendation of an
    earlier meeting can be taken up."""
    errors = []
    for recommendation in recommendations:
        if recommendation.kind != Finding.Kind.RECOMMENDATION:
            errors.append(_("“%(title)s” is not a recommendation.") % {"title": recommendation})
            continue
        for finding in findings:
            if finding.meeting.start <= recommendation.meeting.start:
                errors.append(
                    _(
                        "“%(finding)s” cannot take up “%(title)s”: only a recommendation of an "
                        "earlier meeting can be taken up."
                    )
                    % {"finding": finding, "title": recommendation}
                )
    return errors


class FindingAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        meeting = cleaned.get("meeting")
        taken_up = cleaned.get("takes_up")
        if meeting and taken_up:
            finding = Finding(meeting=meeting)
            for error in earlier_recommendation_errors(taken_up, [finding]):
                self.add_error("takes_up", error)
        return cleaned


class RecommendationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} ({obj.meeting.card_title})"


class TakeUpForm(forms.Form):
    recommendation = RecommendationChoiceField(
        Recommendation.objects.select_related("meeting").order_by("-meeting__start", "order"),
        label=_("recommendation taken up"),
    )

    def __init__(self, *args, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = findings

    def clean_recommendation(self):
        recommendation = self.cleaned_data["recommendation"]
        errors = earlier_recommendation_errors([recommendation], self.findings)
        if errors:
            raise forms.ValidationError(errors)
        return recommendation


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
    autocomplete_fields = ["meeting", "session", "themes", "speaker", "organisation", "takes_up"]
    date_hierarchy = "meeting__start"
    form = FindingAdminForm
    actions = ["take_up"]

    def get_search_results(self, request, queryset, search_term):
        """In the "takes up" field's search, only recommendations."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("field_name") == "takes_up":
            queryset = queryset.filter(kind=Finding.Kind.RECOMMENDATION)
        return queryset, duplicates

    @admin.action(description=_("Link to an earlier recommendation they take up…"))
    def take_up(self, request, queryset):
        findings = list(queryset.select_related("meeting"))
        form = TakeUpForm(request.POST if "apply" in request.POST else None, findings=findings)
        if form.is_valid():
            recommendation = form.cleaned_data["recommendation"]
            for finding in findings:
                finding.takes_up.add(recommendation)
            message = ngettext(
                "%(count)d finding now takes up “%(title)s”.",
                "%(count)d findings now take up “%(title)s”.",
                len(findings),
            )
            self.message_user(
                request,
                message % {"count": len(findings), "title": recommendation.title},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Link to an earlier recommendation"),
            "opts": self.model._meta,
            "form": form,
            "findings": findings,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/themes/finding/take_up.html", context)


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
    readonly_fields = [*RegisteredMeetingAdmin.readonly_fields, "theme_names"]
    inlines = [*RegisteredMeetingAdmin.inlines, FindingInline]

    def copy_related(self, original, copy):
        super().copy_related(original, copy)
        copy.themes.set(original.themes.all())

    def get_fieldsets(self, request, obj=None):
        """Staff who may only view the meeting see its themes as text: `themes` is a field of
        the form, not of the model, so the admin cannot show it read-only by itself."""
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "theme_names" if field == "themes" else field for field in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description=_("themes"))
    def theme_names(self, obj) -> str:
        return ", ".join(theme.name for theme in obj.themes.all()) or "—"


# --- Follow-up of recommendations ------------------------------------------------------------


class AddresseeInline(admin.TabularInline):
    model = Addressee
    add_title = _("Add an addressee")
    extra = 0
    fields = ["actor_kind", "organisation", "order"]
    autocomplete_fields = ["organisation"]


class StatusUpdateInline(TranslationInline):
    """A recommendation's dated status changes; adding one changes its current status."""

    model = StatusUpdate
    add_title = _("Add a status update")
    extra = 0
    fields = ["date", "status", "note", "source_url", "source", "recorded_by"]
    readonly_fields = ["recorded_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("recorded by"))
    def recorded_by(self, obj) -> str:
        if obj.pk is None:
            return "—"
        when = date_format(timezone.localtime(obj.created_at), "SHORT_DATETIME_FORMAT")
        return f"{obj.created_by or '—'}, {when}"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class StaleFilter(admin.SimpleListFilter):
    """The yearly review: recommendations with no status update for 12 months (counted from
    their meeting when they have none)."""

    title = _("follow-up")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("stale", _("No update for 12 months"))]

    def queryset(self, request, queryset):
        if self.value() != "stale":
            return queryset
        return queryset.filter(
            Q(follow_up_date__lt=stale_since(timezone.localdate()))
            | Q(
                follow_up_date__isnull=True,
                meeting__end__date__lt=stale_since(timezone.localdate()),
            )
        )


def stale_since(today):
    """The day twelve months before `today` (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


@admin.register(Recommendation)
class RecommendationAdmin(StaffAdmin):
    """Staff follow up each recommendation: whom it addresses and what became of it. Its
    text is edited with its meeting's findings."""

    change_title = _("Follow up a recommendation")
    # The meeting by its short title: the full one pushed the status out of sight at 1280 px.
    list_display = ["title", "meeting_name", "follow_up_status", "follow_up_date"]
    list_filter = [StaleFilter, "follow_up_status", "meeting", "themes"]
    list_select_related = ["meeting"]
    search_fields = localized("title", "text")
    date_hierarchy = "meeting__start"
    fields = ["title", "meeting", "follow_up_status", "follow_up_date", "taken_up_by_list"]
    readonly_fields = fields
    inlines = [AddresseeInline, StatusUpdateInline]

    def has_add_permission(self, request):
        return False  # a recommendation is added as a finding of its meeting

    @admin.display(description=_("meeting"), ordering="meeting__start")
    def meeting_name(self, obj) -> str:
        return obj.meeting.card_title

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("taken up by"))
    def taken_up_by_list(self, obj) -> str:
        later = obj.taken_up_by.select_related("meeting").order_by("meeting__start", "pk")
        return (
            "; ".join(f"{finding.title} ({finding.meeting.card_title})" for finding in later) or "—"
        )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, StatusUpdate) and instance.pk is None:
                instance.created_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()
