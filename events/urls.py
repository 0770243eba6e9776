from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import cards, opendata, views

app_name = "events"

urlpatterns = [
    path(_("meetings/"), views.MeetingListView.as_view(), name="list"),
    path(_("meetings/calendar.ics"), opendata.UpcomingCalendarView.as_view(), name="calendar"),
    path(_("meetings/feed/"), opendata.MeetingFeed(), name="feed"),
    path(_("meetings/export.csv"), opendata.MeetingCsvView.as_view(), name="export_csv"),
    path(_("meetings/export.json"), opendata.MeetingJsonView.as_view(), name="export_json"),
    path(_("meetings/<slug:slug>/"), views.MeetingDetailView.as_view(), name="detail"),
    path(_("meetings/<slug:slug>/card.png"), cards.MeetingCardView.as_view(), name="card"),
    path(
        _("meetings/<slug:slug>/calendar.ics"),
        opendata.MeetingCalendarView.as_view(),
        name="event_calendar",
    ),
    path(
        _("meetings/<slug:slug>/sessions/<int:pk>/calendar.ics"),
        opendata.SessionCalendarView.as_view(),
        name="session_calendar",
    ),
    path(_("about/"), views.AboutView.as_view(), name="about"),
    path(_("accessibility/"), views.AccessibilityView.as_view(), name="accessibility"),
    path(
        _("organisations/<slug:slug>/"),
        views.OrganisationDetailView.as_view(),
        name="organisation",
    ),
]
