"""What this app adds to the meetings' and sessions' admin pages, as the apps below registered
them: the export of their participants, each session's seats, and the notice of a changed
online link."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import registered_admin
from events.models import Meeting, Session

from .. import online
from ..selectors import sessions_with_counts


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
