"""Participants and their registrations: who registered, the same state changes as the public
flow (through the services, so with the same e-mails)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import StaffAdmin
from events.models import Session

from .. import exports, services
from ..models import Participant, Registration


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
