"""Staff side of registrations: who registered, the same state changes as the public flow
(through the services, so with the same e-mails), and participant lists as CSV."""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core import languages
from core.admin import StaffAdmin, registered_admin
from core.translation_admin import side_by_side
from events.models import Meeting, Session

from . import exports, follow_up, online, services, staff_messages
from .models import Delivery, Feedback, Participant, Registration, StaffMessage
from .selectors import sessions_with_counts


class RegistrationInline(admin.TabularInline):
    """A participant's registrations. Read only: a status changes through the actions of the
    registration list, which keep the rules on seats and send the e-mails."""

    model = Registration
    extra = 0
    fields = ["session", "status", "created_at", "confirmed_at", "cancelled_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session")


@admin.register(Participant)
class ParticipantAdmin(StaffAdmin):
    add_title = _("Add a participant")
    change_title = _("Change participant")
    list_display = [
        "last_name",
        "first_name",
        "email",
        "organisation_name",
        "category",
        "country",
        "active_registrations",
    ]
    list_filter = ["category", "language"]
    search_fields = ["last_name", "first_name", "email", "organisation_name"]
    readonly_fields = ["consent_at", "privacy_notice_version", "anonymised_at", "created_at"]
    inlines = [RegistrationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_registration_count=Count(
                    "registrations",
                    filter=Q(registrations__status__in=Registration.ACTIVE_STATUSES),
                )
            )
        )

    @admin.display(description=_("active registrations"), ordering="active_registration_count")
    def active_registrations(self, obj) -> int:
        return obj.active_registration_count

    def delete_model(self, request, obj):
        self.delete_queryset(request, Participant.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        cancel_before_delete(Registration.objects.filter(participant__in=queryset))
        super().delete_queryset(request, queryset)


def cancel_before_delete(registrations) -> None:
    """Cancel what is about to be deleted, so that a seat it held goes to the waiting list
    (whose next person is told) instead of being lost."""
    now = timezone.now()
    for registration in registrations.filter(status__in=Registration.ACTIVE_STATUSES):
        services.registration_cancel(registration=registration, now=now)


class SessionListFilter(admin.RelatedFieldListFilter):
    """Sessions that have registrations, named with their meeting (titles repeat from one
    meeting to the next); only those of the meeting chosen in the meeting filter, if any."""

    def field_choices(self, field, request, model_admin):
        sessions = (
            Session.objects.filter(pk__in=Registration.objects.values("session"))
            .select_related("meeting")
            .order_by("-meeting__start", "start", "order", "pk")
        )
        meeting = request.GET.get("session__meeting__id__exact", "")
        if meeting.isascii() and meeting.isdigit():
            sessions = sessions.filter(meeting_id=meeting)
        return [(session.pk, f"{session.meeting} — {session}") for session in sessions]


HISTORY_FIELDS = ["created_at", "confirmed_at", "waitlisted_at", "cancelled_at", "updated_at"]


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isascii() and value.isdigit()]


@admin.register(Registration)
class RegistrationAdmin(StaffAdmin):
    add_title = _("Add a registration")
    change_title = _("Change registration")
    # Few columns, readable at 1280 px beside the filters: the e-mail address under the
    # name, the meeting beside its session, the date in the date hierarchy above the list.
    list_display = [
        "participant_name",
        "session_of_meeting",
        "status",
        "email_failed",
    ]
    list_filter = [
        ("session__meeting", admin.RelatedOnlyFieldListFilter),
        ("session", SessionListFilter),
        "status",
        "email_failed",
    ]
    list_select_related = ["participant", "session__meeting"]
    search_fields = ["participant__first_name", "participant__last_name", "participant__email"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["participant", "session"]
    fieldsets = [
        (
            None,
            {
                "fields": ["participant", "session", "status", "email_failed"],
                "description": _(
                    "The status changes through the actions of the registration list, which "
                    "keep the rules on seats and send the participant the matching e-mail."
                ),
            },
        ),
        (_("History"), {"fields": HISTORY_FIELDS}),
    ]
    readonly_fields = ["status", *HISTORY_FIELDS]
    actions = ["approve", "reject", "cancel", "promote", "resend_email", "export_participants"]

    def delete_model(self, request, obj):
        self.delete_queryset(request, Registration.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        cancel_before_delete(queryset)
        super().delete_queryset(request, queryset)

    def get_readonly_fields(self, request, obj=None):
        # Moving a registration to another session or person would bypass the seat count.
        readonly = super().get_readonly_fields(request, obj)
        return readonly if obj is None else ["participant", "session", *readonly]

    @admin.display(description=_("participant"), ordering="participant__last_name")
    def participant_name(self, obj) -> str:
        # The e-mail address under the name: one column instead of two.
        return format_html("{}<br><small>{}</small>", obj.participant, obj.participant.email)

    @admin.display(description=_("session"), ordering="session__meeting__start")
    def session_of_meeting(self, obj) -> str:
        return f"{obj.session} ({obj.session.meeting.card_title})"

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("export/", export, name="participants_registration_export"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The participants of the sessions and meetings in the query string (`?session=1`,
        `?meeting=2`, repeatable): where the export actions of sessions and meetings lead."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        sessions = _ids(request.GET.getlist("session"))
        meetings = _ids(request.GET.getlist("meeting"))
        registrations = Registration.objects.filter(
            Q(session__in=sessions) | Q(session__meeting__in=meetings),
            status__in=exports.EXPORTED_STATUSES,
        )
        return exports.participants_csv(registrations=registrations, now=timezone.now())

    def _each(self, request, queryset, service) -> list:
        """Apply a service to each registration in turn (each in its own transaction); warn
        about those it refuses. Returns what it returned for the others."""
        now = timezone.now()
        results = []
        for registration in queryset:
            try:
                results.append(service(registration=registration, now=now))
            except services.RegistrationError as error:
                self._warn(request, registration, str(error))
        return results

    def _warn(self, request, registration: Registration, reason: str) -> None:
        message = gettext("%(registration)s: %(reason)s")
        self.message_user(
            request, message % {"registration": registration, "reason": reason}, messages.WARNING
        )

    def _report(self, request, message: str, count: int) -> None:
        if count:
            self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def _report_promoted(self, request, promoted_lists: list[list[Registration]]) -> None:
        count = sum(len(promoted) for promoted in promoted_lists)
        message = ngettext(
            "%(count)d person on the waiting list got the freed seat.",
            "%(count)d people on the waiting list got the freed seats.",
            count,
        )
        self._report(request, message, count)

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve(self, request, queryset):
        done = len(self._each(request, queryset, services.registration_approve))
        message = ngettext(
            "%(count)d registration approved.", "%(count)d registrations approved.", done
        )
        self._report(request, message, done)

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request, queryset):
        promoted_lists = self._each(request, queryset, services.registration_reject)
        done = len(promoted_lists)
        message = ngettext(
            "%(count)d registration rejected.", "%(count)d registrations rejected.", done
        )
        self._report(request, message, done)
        self._report_promoted(request, promoted_lists)

    @admin.action(description=_("Cancel"), permissions=["change"])
    def cancel(self, request, queryset):
        # The service lets an inactive registration be: say so rather than count it as done.
        active = []
        for registration in queryset:
            if registration.is_active:
                active.append(registration)
            else:
                self._warn(request, registration, gettext("It is no longer active."))
        promoted_lists = self._each(request, active, services.registration_cancel)
        done = len(promoted_lists)
        message = ngettext(
            "%(count)d registration cancelled.", "%(count)d registrations cancelled.", done
        )
        self._report(request, message, done)
        self._report_promoted(request, promoted_lists)

    @admin.action(description=_("Promote from the waiting list"), permissions=["change"])
    def promote(self, request, queryset):
        done = len(self._each(request, queryset, services.registration_promote))
        message = ngettext(
            "%(count)d registration promoted.", "%(count)d registrations promoted.", done
        )
        self._report(request, message, done)

    @admin.action(description=_("Resend the e-mail"), permissions=["change"])
    def resend_email(self, request, queryset):
        results = self._each(request, queryset, services.registration_resend_email)
        sent = results.count(True)
        failed = len(results) - sent
        message = ngettext("%(count)d e-mail sent again.", "%(count)d e-mails sent again.", sent)
        self._report(request, message, sent)
        if failed:
            message = ngettext(
                "%(count)d e-mail could not be sent; its registration is marked as such.",
                "%(count)d e-mails could not be sent; their registrations are marked as such.",
                failed,
            )
            self.message_user(request, message % {"count": failed}, messages.ERROR)

    @admin.action(description=_("Export participants (CSV)"), permissions=["view"])
    def export_participants(self, request, queryset):
        return exports.participants_csv(registrations=queryset, now=timezone.now())


# What this app adds to the meetings' and sessions' admin pages, as the apps below registered
# them: the export of their participants, and each session's seats taken and waiting list.


class ParticipantExportMixin:
    """The action exporting the participants of the selected meetings or sessions."""

    export_parameter = ""  # "meeting" or "session": what the export filters on

    def has_export_participants_permission(self, request) -> bool:
        return request.user.has_perm("participants.view_registration")

    @admin.action(description=_("Export participants (CSV)"), permissions=["export_participants"])
    def export_participants(self, request, queryset):
        ids = list(queryset.order_by().values_list("pk", flat=True))
        url = reverse(f"{self.admin_site.name}:participants_registration_export")
        return HttpResponseRedirect(f"{url}?{urlencode({self.export_parameter: ids}, doseq=True)}")


# The box under an online link: ticked when the link or its passcode changes, the confirmed
# participants it opens a session for get it by e-mail (participants/online.py).
ONLINE_FIELDS = {"online_url", "online_passcode"}
NOTIFY_ONLINE = "notify_online"


def notify_online_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Tell the confirmed participants about the new link"),
        required=False,
        help_text=_(
            "When the online link or its passcode changes, each confirmed participant it "
            "concerns gets an e-mail in their language with the new one. Saving again sends "
            "nothing more."
        ),
    )


class OnlineNotifyMixin:
    """The box after the passcode, on the page of an existing meeting or session, and what
    ticking it does on saving: `online_sessions` says which sessions' links changed."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets  # nobody registered yet, or a page only to read
        result = []
        for name, options in fieldsets:
            fields = list(options["fields"])
            if "online_passcode" in fields:
                fields.insert(fields.index("online_passcode") + 1, NOTIFY_ONLINE)
            result.append((name, {**options, "fields": fields}))
        return result

    def online_sessions(self, form, formsets) -> list[Session] | None:
        raise NotImplementedError

    def tell_new_link(self, request, form, formsets, meeting: Meeting) -> None:
        sessions = self.online_sessions(form, formsets)
        if sessions is None:
            if form.cleaned_data.get(NOTIFY_ONLINE):
                self.message_user(
                    request,
                    gettext("The online link did not change: no e-mail was sent."),
                    messages.WARNING,
                )
            return
        if not form.cleaned_data.get(NOTIFY_ONLINE):
            if meeting.status == Meeting.Status.PUBLISHED and meeting.end >= timezone.now():
                self.message_user(
                    request,
                    gettext(
                        "The online link changed, and the confirmed participants were not "
                        "told. To tell them, tick “Tell the confirmed participants about the "
                        "new link” and save again."
                    ),
                    messages.WARNING,
                )
            return
        count = online.online_access_notify(meeting=meeting, sessions=sessions, now=timezone.now())
        if count:
            message = ngettext(
                "The new link goes to %(count)d confirmed participant by e-mail.",
                "The new link goes to %(count)d confirmed participants by e-mail.",
                count,
            )
            self.message_user(request, message % {"count": count}, messages.SUCCESS)
        else:
            self.message_user(
                request,
                gettext(
                    "No e-mail was sent: no confirmed participant of an upcoming, published "
                    "meeting uses this link, or each has been given it already."
                ),
                messages.WARNING,
            )


RegisteredMeetingAdmin = registered_admin(Meeting)


class MeetingOnlineForm(RegisteredMeetingAdmin.form):
    notify_online = notify_online_field()


@admin.register(Meeting)
class MeetingAdmin(OnlineNotifyMixin, ParticipantExportMixin, RegisteredMeetingAdmin):
    export_parameter = "meeting"
    actions = [*RegisteredMeetingAdmin.actions, "export_participants"]
    form = MeetingOnlineForm

    def online_sessions(self, form, formsets) -> list[Session] | None:
        """The sessions whose link changed: those the meeting's link opens if it changed, and
        those of the programme whose own link changed; None if no link changed."""
        changed: dict[int, Session] = {}
        if ONLINE_FIELDS & set(form.changed_data):
            changed |= {s.pk: s for s in online.sessions_using_meeting_link(form.instance)}
        for formset in formsets:
            if formset.model is not Session:
                continue
            for session_form in formset.forms:
                if session_form in formset.deleted_forms or not session_form.instance.pk:
                    continue
                if ONLINE_FIELDS & set(session_form.changed_data):
                    changed[session_form.instance.pk] = session_form.instance
        if not changed and not ONLINE_FIELDS & set(form.changed_data):
            return None
        return list(changed.values())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            self.tell_new_link(request, form, formsets, form.instance)


RegisteredSessionAdmin = registered_admin(Session)


class SessionOnlineForm(RegisteredSessionAdmin.form):
    notify_online = notify_online_field()


@admin.register(Session)
class SessionAdmin(OnlineNotifyMixin, ParticipantExportMixin, RegisteredSessionAdmin):
    export_parameter = "session"
    actions = [*RegisteredSessionAdmin.actions, "export_participants"]
    form = SessionOnlineForm
    list_display = [
        *RegisteredSessionAdmin.list_display[:5],
        "seats",
        "waitlisted",
        *RegisteredSessionAdmin.list_display[5:],
    ]

    def get_queryset(self, request):
        return sessions_with_counts(super().get_queryset(request))

    @admin.display(description=_("confirmed / capacity"), ordering="confirmed_count")
    def seats(self, obj) -> str:
        return f"{obj.confirmed_count} / {'—' if obj.capacity is None else obj.capacity}"

    @admin.display(description=_("waitlisted"), ordering="waitlisted_count")
    def waitlisted(self, obj) -> int:
        return obj.waitlisted_count

    def online_sessions(self, form, formsets) -> list[Session] | None:
        return [form.instance] if ONLINE_FIELDS & set(form.changed_data) else None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            self.tell_new_link(request, form, formsets, form.instance.meeting)


# Feedback: the answers to the form after a meeting, for staff only. Read only, never names
# the person who answered; a CSV export and a summary chart per meeting.


@admin.register(Feedback)
class FeedbackAdmin(StaffAdmin):
    list_display = ["meeting", "usefulness", "attend_again", "submitted_at", "language"]
    list_filter = [
        ("meeting", admin.RelatedOnlyFieldListFilter),
        "usefulness",
        "attend_again",
        "language",
    ]
    list_select_related = ["meeting"]
    date_hierarchy = "submitted_at"
    # Never the participant: the answers are read without knowing whose they are.
    fields = [
        "meeting",
        "usefulness",
        "improvements",
        "next_topics",
        "attend_again",
        "language",
        "submitted_at",
    ]
    readonly_fields = fields
    actions = ["export_answers"]
    change_list_template = "admin/participants/feedback/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("export/", view(self.export_view), name="participants_feedback_export"),
            path("summary/", view(self.summary_view), name="participants_feedback_summary"),
            path(
                "summary/<int:meeting_id>/",
                view(self.summary_view),
                name="participants_feedback_meeting_summary",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        meeting = request.GET.get("meeting__id__exact", "")
        extra = {
            "summary_meeting": int(meeting) if meeting.isascii() and meeting.isdigit() else None
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    @admin.action(description=_("Export the answers (CSV)"), permissions=["view"])
    def export_answers(self, request, queryset):
        return follow_up.feedback_csv(answers=queryset, now=timezone.now())

    def export_view(self, request):
        """The answers of the list as filtered (the list's query string), as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except admin.options.IncorrectLookupParameters:
            return HttpResponseBadRequest(
                gettext("These filters are not valid: go back to the list and choose again."),
                content_type="text/plain; charset=utf-8",
            )
        return follow_up.feedback_csv(answers=changelist.get_queryset(request), now=timezone.now())

    def summary_view(self, request, meeting_id=None):
        """A meeting's answers at a glance: counts, average, a bar chart and the same numbers
        in a table. Without a meeting, the meetings that have answers."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Feedback summary"),
        }
        if meeting_id is None:
            context["meetings"] = (
                Meeting.objects.annotate(answers=Count("feedback"))
                .filter(answers__gt=0)
                .order_by("-start")
            )
            return TemplateResponse(
                request, "admin/participants/feedback/summary_list.html", context
            )
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if meeting is None:
            raise Http404
        context["meeting"] = meeting
        context["summary"] = follow_up.feedback_summary(meeting)
        context["title"] = gettext("Feedback summary: %(meeting)s") % {"meeting": meeting}
        return TemplateResponse(request, "admin/participants/feedback/summary.html", context)


# Messages to participants


class SessionOfMeetingField(forms.ModelChoiceField):
    """Sessions named with their meeting (titles repeat from one meeting to the next), the
    latest meetings first."""

    def __init__(self, **kwargs):
        sessions = Session.objects.select_related("meeting").order_by(
            "-meeting__start", "meeting_id", "start", "order", "pk"
        )
        super().__init__(sessions, **kwargs)

    def label_from_instance(self, obj) -> str:
        return f"{obj.meeting.card_title} — {obj}"


class StaffMessageForm(forms.ModelForm):
    """Who gets the message and what it says, in every language of the site."""

    session = SessionOfMeetingField(
        label=StaffMessage._meta.get_field("session").verbose_name,
        help_text=StaffMessage._meta.get_field("session").help_text,
        required=False,
    )
    statuses = forms.MultipleChoiceField(
        label=StaffMessage._meta.get_field("statuses").verbose_name,
        help_text=StaffMessage._meta.get_field("statuses").help_text,
        choices=[(status.value, status.label) for status in StaffMessage.AUDIENCES],
        initial=[Registration.Status.CONFIRMED],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one status to write to.")},
    )

    class Meta:
        model = StaffMessage
        fields = ["meeting", "session", "statuses", *languages.localized("subject", "body")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every language, not only the default one: each participant reads their own.
        for code in languages.codes():
            for name in ("subject", "body"):
                field = self.fields.get(f"{name}_{code.replace('-', '_')}")
                if field is None:
                    continue  # read only
                field.required = True
                field.error_messages["required"] = gettext(
                    "Required: each participant receives the message in their language "
                    "(here: %(language)s)."
                ) % {"language": languages.name(code)}

    def clean(self):
        cleaned_data = super().clean()
        meeting, session = cleaned_data.get("meeting"), cleaned_data.get("session")
        if meeting and session and session.meeting_id != meeting.pk:
            self.add_error(
                "session",
                forms.ValidationError(
                    _(
                        "This session belongs to another meeting. Choose a session of "
                        "“%(meeting)s”, or none to write to the whole meeting."
                    ),
                    code="session_of_another_meeting",
                    params={"meeting": meeting},
                ),
            )
        return cleaned_data


def _audience(message: StaffMessage) -> str:
    labels = dict(Registration.Status.choices)
    return ", ".join(str(labels.get(status, status)) for status in message.statuses)


@admin.register(StaffMessage)
class StaffMessageAdmin(StaffAdmin, TranslationAdmin):
    """Write to the participants of a meeting or session, check the e-mail in each language,
    send it once, then see what became of it."""

    add_title = _("Write a message to participants")
    change_title = _("Change the message to participants")
    form = StaffMessageForm
    change_form_template = "admin/participants/staffmessage/change_form.html"
    list_display = ["subject", "meeting", "session", "audience", "sent_at", "recipient_count"]
    list_filter = [("meeting", admin.RelatedOnlyFieldListFilter), "sent_at"]
    list_select_related = ["meeting", "session"]
    search_fields = languages.localized("subject")
    autocomplete_fields = ["meeting"]
    sending_fields = ["created_by", "created_at", "sent_by", "sent_at", "recipient_count"]
    # "audience" stands for the statuses once the message is read only.
    readonly_fields = [*sending_fields, "deliveries", "audience"]

    def get_fieldsets(self, request, obj=None):
        editable = obj is None or self.has_change_permission(request, obj)
        fieldsets = [
            (None, {"fields": ["meeting", "session", "statuses" if editable else "audience"]}),
            (
                _("Message"),
                {
                    "fields": side_by_side(self.model, languages.localized("subject", "body")),
                    "description": _(
                        "Each participant receives it in their language; those whose "
                        "registration is confirmed also get the online link, if there is one."
                    ),
                },
            ),
        ]
        if obj is not None:
            fieldsets.append((_("Sending"), {"fields": [*self.sending_fields, "deliveries"]}))
        return fieldsets

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting", "session")

    def has_change_permission(self, request, obj=None) -> bool:
        # A message sent is a record: what went out, as it went out.
        return super().has_change_permission(request, obj) and not (obj and obj.sent_at)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.sent_at)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("recipients"))
    def audience(self, obj) -> str:
        return _audience(obj)

    @admin.display(description=_("e-mails"))
    def deliveries(self, obj) -> str:
        """What became of each recipient's e-mail, counted by status (one query), and the
        link to the list of them."""
        if not obj.sent_at:
            return "—"
        counts = dict(obj.deliveries.order_by().values_list("status").annotate(count=Count("pk")))
        summary = ", ".join(
            gettext("%(status)s: %(count)d") % {"status": label, "count": counts[value]}
            for value, label in Delivery.Status.choices
            if value in counts
        )
        url = reverse(f"{self.admin_site.name}:participants_delivery_changelist")
        return format_html(
            '{} — <a href="{}?{}">{}</a>',
            summary or "—",
            url,
            urlencode({"staff_message__id__exact": obj.pk}),
            gettext("See each e-mail"),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="participants_staffmessage_preview",
            ),
            path(
                "<path:object_id>/send/",
                self.admin_site.admin_view(self.send_view),
                name="participants_staffmessage_send",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        preview_url = reverse(
            f"{self.admin_site.name}:participants_staffmessage_preview", args=[object_id]
        )
        return super().change_view(
            request, object_id, form_url, {"preview_url": preview_url, **(extra_context or {})}
        )

    def _message_or_404(self, request, object_id) -> StaffMessage:
        message = self.get_object(request, object_id)
        if message is None:
            raise Http404(gettext("This message does not exist (any more)."))
        if not self.has_view_permission(request, message):
            raise PermissionDenied
        return message

    def preview_view(self, request, object_id):
        """The e-mail in each language as a recipient reading it gets it, how many read each,
        and the button that sends it."""
        message = self._message_or_404(request, object_id)
        counts = staff_messages.recipients_by_language(message)
        previews = []
        for code in languages.codes():
            email, sample = staff_messages.preview(message, code)
            html = email.alternatives[0][0]
            body = re.search(r"<body[^>]*>(.*)</body>", html, re.DOTALL)
            previews.append(
                {
                    "language": languages.name(code),
                    "code": code,
                    "count": counts.get(code, 0),
                    "recipient": sample,
                    "subject": email.subject,
                    # Our own template's output, the staff's text escaped in it.
                    "html": mark_safe(body.group(1) if body else html),  # noqa: S308
                    "text": email.body,
                    "attachments": [name for name, _content, _type in email.attachments],
                }
            )
        total = sum(counts.values())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Preview: %(subject)s") % {"subject": message},
            "message": message,
            "audience": _audience(message),
            "previews": previews,
            "total": total,
            "can_send": (
                not message.sent_at
                and total > 0
                and request.user.has_perm("participants.send_staffmessage")
            ),
            "send_url": reverse(
                f"{self.admin_site.name}:participants_staffmessage_send", args=[message.pk]
            ),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/participants/staffmessage/preview.html", context)

    def send_view(self, request, object_id):
        """Send the message (POST, from the preview's button): registration managers only."""
        message = self._message_or_404(request, object_id)
        if not request.user.has_perm("participants.send_staffmessage"):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            count = staff_messages.staff_message_send(
                message=message, user=request.user, now=timezone.now()
            )
        except staff_messages.StaffMessageError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            text = ngettext(
                "The message is on its way to %(count)d participant.",
                "The message is on its way to %(count)d participants.",
                count,
            )
            self.message_user(request, text % {"count": count}, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:participants_staffmessage_change", args=[message.pk])
        )


@admin.register(Delivery)
class DeliveryAdmin(StaffAdmin):
    """Every e-mail sent to participants, or waiting to be: read only, the outbox's record."""

    list_display = [
        "kind",
        "template",
        "participant",
        "meeting",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = [
        "kind",
        "status",
        ("meeting", admin.RelatedOnlyFieldListFilter),
        ("staff_message", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["participant", "meeting"]
    search_fields = ["participant__last_name", "participant__first_name", "participant__email"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "template",
        "participant",
        "meeting",
        "staff_message",
        "language",
        "status",
        "attempts",
        "attempted_at",
        "last_error",
        "created_at",
        "sent_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
