"""The answers to the feedback form after a meeting, for staff only: read only, never naming
who answered; a CSV export and a summary chart per meeting."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import (
    Http404,
    HttpResponseBadRequest,
)
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import StaffAdmin
from events.models import Meeting

from .. import follow_up
from ..models import Feedback


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
