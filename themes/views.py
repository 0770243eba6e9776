from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from core.views import FilteredListMixin

from . import selectors
from .chart import KIND_PLURALS, STATUSES, build_chart
from .filters import FindingFilter, RecommendationFilter
from .models import Finding, FollowUpStatus, Theme
from .selectors import theme_findings_by_kind, theme_meetings, with_counts


def explorer_url(**filters) -> str:
    return f"{reverse('themes:explorer')}?{urlencode(filters)}"


class ThemeListView(ListView):
    """Every theme, with what the cycle found on it and how many meetings dealt with it."""

    template_name = "themes/theme_list.html"
    paginate_by = 20
    queryset = Theme.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = context["theme_list"] = with_counts(context["object_list"])
        return context


class ThemeDetailView(DetailView):
    """What the cycle found on one theme, grouped by kind, and its meetings."""

    template_name = "themes/theme_detail.html"
    queryset = Theme.objects.all()

    def get_object(self, queryset=None):
        [theme] = with_counts([super().get_object(queryset)])
        return theme

    def get_context_data(self, **kwargs):
        theme = self.object
        groups = theme_findings_by_kind(theme)
        for group in groups:
            group["explorer_url"] = explorer_url(theme=theme.slug, kind=group["kind"])
        return super().get_context_data(
            groups=groups,
            explorer_url=explorer_url(theme=theme.slug),
            meetings=theme_meetings(theme),
            meetings_url=f"{reverse('events:list')}?{urlencode({'theme': theme.slug})}",
            **kwargs,
        )


class FindingExplorerView(FilteredListMixin, FilterView):
    """Every published finding of the cycle, filtered, counted by kind and charted by theme."""

    filterset_class = FindingFilter
    template_name = "themes/finding_explorer.html"
    paginate_by = 20

    def get_queryset(self):
        return Finding.objects.public().for_cards().newest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.filterset.errors:
            counts = self.object_list.count_by_kind()
            context["kind_counts"] = [
                {"kind": kind, "label": KIND_PLURALS[kind], "count": counts[kind]}
                for kind in Finding.Kind.values
            ]
            context["chart"] = build_chart(Theme.objects.with_counts_among(self.object_list))
        return context


class FindingDetailView(DetailView):
    """One finding's permanent page: its source, how to cite it, and related findings."""

    template_name = "themes/finding_detail.html"

    def get_queryset(self):
        return Finding.objects.public().for_page()

    def get(self, request, *args, **kwargs):
        # One page per finding: a recommendation's is its follow-up page (`get_absolute_url`),
        # and its address as a finding leads there, as a finding's address as a recommendation
        # leads back should its kind change.
        self.object = self.get_object()
        if request.path != self.object.get_absolute_url():
            return HttpResponsePermanentRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        finding = self.object
        return super().get_context_data(
            related_findings=Finding.objects.public().related_to(finding).for_cards()[:4],
            **kwargs,
        )


class RecommendationListView(FilteredListMixin, FilterView):
    """Every public recommendation, newest meeting first: filtered, counted by status and
    charted by theme and status."""

    filterset_class = RecommendationFilter
    template_name = "themes/recommendation_list.html"
    paginate_by = 20

    def get_queryset(self):
        return selectors.with_addressees(selectors.public_recommendations()).newest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(open_data_licence=settings.OPEN_DATA_LICENCE, **kwargs)
        if not self.filterset.errors:
            counts = selectors.count_by_status(self.filterset.without_status)
            context["status_counts"] = [
                {"status": status, "label": label, "count": counts[status]}
                for status, label in FollowUpStatus.choices
            ]
            context["status_total"] = sum(counts.values())
            context["chart"] = build_chart(
                Theme.objects.with_counts_among(self.object_list, by="follow_up_status"), STATUSES
            )
        return context


class RecommendationDetailView(FindingDetailView):
    """A recommendation's permanent page: its finding page, with its status, addressees and
    the timeline of its follow-up."""

    template_name = "themes/recommendation_detail.html"

    def get_queryset(self):
        return selectors.for_recommendation_page(Finding.objects.public())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            timeline=selectors.recommendation_timeline(self.object), **kwargs
        )
