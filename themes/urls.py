from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import cards, opendata, views

app_name = "themes"

urlpatterns = [
    path(_("themes/"), views.ThemeListView.as_view(), name="list"),
    path(_("themes/<slug:slug>/"), views.ThemeDetailView.as_view(), name="detail"),
    path(_("findings/"), views.FindingExplorerView.as_view(), name="explorer"),
    path(_("findings/feed/"), opendata.FindingFeed(), name="feed"),
    path(_("findings/export.csv"), opendata.FindingCsvView.as_view(), name="export_csv"),
    path(_("findings/export.json"), opendata.FindingJsonView.as_view(), name="export_json"),
    path(_("findings/<int:pk>/"), views.FindingDetailView.as_view(), name="finding"),
    path(_("findings/<int:pk>/card.png"), cards.FindingCardView.as_view(), name="finding_card"),
    # Open data of the recommendations' follow-up: before the recommendations' <int:pk> pages.
    path(
        _("recommendations/feed/"),
        opendata.RecommendationStatusFeed(),
        name="recommendation_feed",
    ),
    path(
        _("recommendations/export.csv"),
        opendata.RecommendationCsvView.as_view(),
        name="recommendation_export_csv",
    ),
    path(
        _("recommendations/export.json"),
        opendata.RecommendationJsonView.as_view(),
        name="recommendation_export_json",
    ),
    path(_("recommendations/"), views.RecommendationListView.as_view(), name="recommendations"),
    path(
        _("recommendations/<int:pk>/"),
        views.RecommendationDetailView.as_view(),
        name="recommendation",
    ),
]
