from django.http import Http404
from django.views import View
from django.views.generic import DetailView

from .models import Finding


class FindingDetailView(DetailView):
    template_name = "themes/finding_detail.html"

    def get_queryset(self):
        return Finding.objects.public().for_cards()


class _NotYet(View):
    def get(self, request, *args, **kwargs):
        raise Http404


class ThemeListView(_NotYet):
    pass


class ThemeDetailView(_NotYet):
    pass


class FindingExplorerView(_NotYet):
    pass
