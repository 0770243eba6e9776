from django.conf import settings
from django.db.models import Count, Sum
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from .filters import EventFilter
from .models import Event


class PublicEventMixin:
    """Meetings the public may see, with what their cards show."""

    def get_queryset(self):
        return Event.objects.public().with_listing()


class HomeView(TemplateView):
    template_name = "events/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = Event.objects.public()
        context["upcoming_events"] = events.upcoming().with_listing()[:3]
        context["recent_events"] = events.past().with_listing()[:3]
        context["figures"] = events.filter(is_example=False).aggregate(
            meetings=Count("pk"), participants=Sum("reported_participants")
        )
        return context


class EventListView(PublicEventMixin, FilterView):
    filterset_class = EventFilter
    template_name = "events/event_list.html"
    paginate_by = settings.EVENTS_PER_PAGE

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            # A bad filter value is the visitor's mistake: say so, with the form's messages.
            response.status_code = 400
        return response


class EventDetailView(PublicEventMixin, DetailView):
    template_name = "events/event_detail.html"

    def get_queryset(self):
        return Event.objects.public().with_programme()


class OrganisationDetailView(DetailView):
    pass
