"""The search page: the form and the view; what it finds comes from `selectors`."""

from django import forms
from django.conf import settings
from django.core.paginator import InvalidPage
from django.db import connection
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import selectors
from .selectors import CONFIGS, KINDS, MAX_QUERY_LENGTH, SearchRejected, search


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Words to search for"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput,
        error_messages={
            "max_length": _("Your search is too long: use at most %(limit_value)d characters.")
        },
    )


class SearchView(TemplateView):
    template_name = "search/search.html"

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET, auto_id="search-%s")
        text = form.cleaned_data["q"] if form.is_valid() else ""
        kind = request.GET.get("kind") if request.GET.get("kind") in KINDS else None
        language = get_language() if get_language() in CONFIGS else settings.LANGUAGE_CODE
        results = []
        unreadable = False
        if text:
            try:
                results = search(
                    text, language=language, kind=kind, page=request.GET.get("page") or 1
                )
            except InvalidPage as error:
                raise Http404 from error
            except SearchRejected:
                unreadable = True
        context = self.get_context_data(
            form=form,
            query=text,
            kind=kind,
            results=results,
            # Counts stop at COUNT_CAP: past it, the total is "more than" the capped sum.
            total=sum(min(found.count, selectors.COUNT_CAP) for found in results),
            total_is_minimum=any(found.count > selectors.COUNT_CAP for found in results),
            unreadable=unreadable,
            full_text=connection.vendor == "postgresql",
        )
        # A search too long, or one the database cannot read, is the visitor's to change: the
        # page says how, with a 400.
        return self.render_to_response(
            context, status=400 if unreadable or not form.is_valid() else 200
        )
