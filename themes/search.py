"""Search over meetings, findings, themes and organisations (to be written: issue 4)."""

from django.http import Http404
from django.views import View


class SearchView(View):
    def get(self, request, *args, **kwargs):
        raise Http404
