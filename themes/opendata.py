"""Findings as open data: Atom feed, CSV and JSON (to be written: issue 4)."""

from django.http import Http404
from django.views import View


class _NotYet(View):
    def get(self, request, *args, **kwargs):
        raise Http404


class FindingCsvView(_NotYet):
    pass


class FindingJsonView(_NotYet):
    pass


def FindingFeed():  # noqa: N802
    return _NotYet.as_view()
