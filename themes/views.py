from django.views.generic import DetailView

from .models import Finding


class FindingDetailView(DetailView):
    template_name = "themes/finding_detail.html"

    def get_queryset(self):
        return Finding.objects.public().for_cards()
