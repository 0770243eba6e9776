"""Messages from staff to participants (written, previewed, sent once) and the record of every
e-mail the portal sent (the outbox)."""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core import languages
from core.admin import StaffAdmin
from core.translation_admin import side_by_side
from events.models import Session

from .. import outbox, staff_messages
from ..models import Delivery, Registration, StaffMessage


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
        label=capfirst(StaffMessage._meta.get_field("session").verbose_name),
        help_text=StaffMessage._meta.get_field("session").help_text,
        required=False,
    )
    statuses = forms.MultipleChoiceField(
        label=capfirst(StaffMessage._meta.get_field("statuses").verbose_name),
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

    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_send_again_permission(self, request) -> bool:
        """Whoever may send messages to participants may send a failed e-mail again."""
        return request.user.has_perm("participants.send_staffmessage")

    @admin.action(description=_("Send the failed e-mails again"), permissions=["send_again"])
    def send_again(self, request, queryset):
        count = len(outbox.requeue(queryset))
        if count:
            message = ngettext(
                "%(count)d failed e-mail is queued again.",
                "%(count)d failed e-mails are queued again.",
                count,
            )
            self.message_user(request, message % {"count": count}, messages.SUCCESS)
        else:
            self.message_user(
                request,
                _("None of the chosen e-mails had failed: nothing to send again."),
                messages.WARNING,
            )
