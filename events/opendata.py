"""Meetings as open data: calendars, Atom feed, CSV and JSON (to be written: issue 4)."""

from django.http import Http404
from django.views import View


class _NotYet(View):
    def get(self, request, *args, **kwargs):
        raise Http404


class UpcomingCalendarView(_NotYet):
    pass


class EventCalendarView(_NotYet):
    pass


class SessionCalendarView(_NotYet):
    pass


class EventCsvView(_NotYet):
    pass


class EventJsonView(_NotYet):
    pass


def EventFeed():  # noqa: N802
    return _NotYet.as_view()
