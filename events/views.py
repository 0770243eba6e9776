from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from core.views import FilteredListMixin

from . import selectors
from .filters import MeetingListFilter
from .models import Cycle, Meeting, Organisation, StrategicProject


class PublicMeetingMixin:
    """Meetings the public may see, with what their cards show."""

    def get_queryset(self):
        return Meeting.objects.public().with_listing()


class HomeView(TemplateView):
    """The cycle's purpose, its next meetings, latest findings and key figures."""

    template_name = "events/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            upcoming_meetings=selectors.upcoming_meetings(),
            recent_meetings=selectors.recent_meetings(),
            figures=selectors.key_figures(),
            **kwargs,
        )


class MeetingListView(PublicMeetingMixin, FilteredListMixin, FilterView):
    filterset_class = MeetingListFilter
    template_name = "events/meeting_list.html"
    paginate_by = settings.EVENTS_PER_PAGE

    def get_context_data(self, **kwargs):
        return super().get_context_data(open_data_licence=settings.OPEN_DATA_LICENCE, **kwargs)


def event_json_ld(meeting: Meeting, url: str) -> dict:
    """schema.org Event data of a meeting page."""
    attendance = {
        Meeting.Format.IN_PERSON: "OfflineEventAttendanceMode",
        Meeting.Format.ONLINE: "OnlineEventAttendanceMode",
        Meeting.Format.HYBRID: "MixedEventAttendanceMode",
    }[meeting.format]
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting.title,
        "description": meeting.summary,
        "url": url,
        "startDate": meeting.local_start.isoformat(),
        "endDate": meeting.local_end.isoformat(),
        "eventStatus": "https://schema.org/"
        + ("EventCancelled" if meeting.is_cancelled else "EventScheduled"),
        "eventAttendanceMode": f"https://schema.org/{attendance}",
        "location": {
            "@type": "Place",
            "name": meeting.venue or meeting.city,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": meeting.city,
                "addressCountry": meeting.country.code or None,
            },
        },
        "organizer": [
            {"@type": "Organization", "name": link.organisation.name}
            for link in meeting.organisers_by_role()
        ],
    }


class MeetingDetailView(PublicMeetingMixin, DetailView):
    template_name = "events/meeting_detail.html"

    def get_queryset(self):
        return Meeting.objects.public().with_programme()

    def get_context_data(self, **kwargs):
        meeting = self.object
        return super().get_context_data(
            related_meetings=Meeting.objects.public().related_to(meeting).with_listing()[:3],
            json_ld=event_json_ld(
                meeting, self.request.build_absolute_uri(meeting.get_absolute_url())
            ),
            **kwargs,
        )


class OrganisationDetailView(ListView):
    """An organising body and the public meetings it organised."""

    template_name = "events/organisation_detail.html"
    paginate_by = settings.EVENTS_PER_PAGE

    def get_queryset(self):
        self.organisation = get_object_or_404(Organisation, slug=self.kwargs["slug"])
        return (
            Meeting.objects.public()
            .filter(organisations=self.organisation)
            .with_listing()
            .order_by("-start")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)


class AboutView(TemplateView):
    """The cycle: what it is, its strategic projects and the bodies that organise it."""

    template_name = "events/about.html"

    def get_context_data(self, **kwargs):
        organisers = (
            Organisation.objects.filter(
                meeting_roles__meeting__in=Meeting.objects.public().filter(is_example=False)
            )
            .distinct()
            .order_by("name")
        )
        return super().get_context_data(
            cycles=Cycle.objects.all(),
            strategic_projects=StrategicProject.objects.all(),
            organisers=organisers,
            **kwargs,
        )


class AccessibilityView(TemplateView):
    template_name = "events/accessibility.html"
