"""What every export shares: the licence, feed size, quoting, and the CSV and JSON
export views that meetings and findings build on."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.html import format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View

from core import csv
from core.csv import csv_response

FEED_SIZE = 50


def licence() -> dict[str, str]:
    """The licence the open data is published under."""
    return {
        "name": getattr(settings, "OPEN_DATA_LICENCE", "CC BY 4.0"),
        "url": getattr(
            settings, "OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
        ),
    }


def paragraphs(*texts: str) -> str:
    """Texts as escaped HTML paragraphs, for the summaries of feed entries."""
    return format_html_join("", "<p>{}</p>", ((text,) for text in texts if text))


def quoted(text: str) -> str:
    return _("“%(text)s”") % {"text": text}


class ExportView(View):
    """One record per item, in the URL's language; subclasses render them as CSV or JSON.

    A concrete export gives `filename`, `fields`, `get_queryset(**filters)` and
    `get_record(obj)`, and optionally a `filter_form_class` whose errors answer 400.
    """

    filename = ""
    fields: list[str] = []
    filter_form_class = None

    def get(self, request, *args, **kwargs):
        filters = {}
        if self.filter_form_class is not None:
            form = self.filter_form_class(request.GET)
            if not form.is_valid():
                return self.render_errors(form.errors)
            filters = {name: value for name, value in form.cleaned_data.items() if value}
        records = [self.get_record(obj) for obj in self.get_queryset(**filters)]
        response = self.render(records)
        # Public data without cookies: any web application may read it.
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def get_queryset(self, **filters):
        raise NotImplementedError

    def get_record(self, obj) -> dict:
        raise NotImplementedError

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def get_filename(self, extension: str) -> str:
        # Slugs are ASCII, safe in a header.
        return f"{slugify(str(self.filename))}-{timezone.localdate():%Y-%m-%d}.{extension}"

    def render(self, records: list[dict]) -> HttpResponse:
        raise NotImplementedError

    def render_errors(self, errors) -> HttpResponse:
        raise NotImplementedError


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


class CsvExportView(ExportView):
    """RFC 4180 CSV: commas, CRLF, a header of field names; UTF-8 with a byte order mark so
    that spreadsheets open it with its accents intact; formulas neutralised (core.csv)."""

    def render(self, records: list[dict]) -> HttpResponse:
        response = csv_response(self.get_filename("csv"))
        writer = csv.DictWriter(response, fieldnames=self.fields)
        writer.writeheader()
        writer.writerows({key: csv_value(value) for key, value in r.items()} for r in records)
        return response

    def render_errors(self, errors) -> HttpResponse:
        lines = [f"{field}: {text}" for field, texts in errors.items() for text in texts]
        return HttpResponse(
            "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8", status=400
        )


class JsonExportView(ExportView):
    def render(self, records: list[dict]) -> HttpResponse:
        return JsonResponse(
            {
                "licence": licence(),
                "language": translation.get_language(),
                "generated": timezone.now().isoformat(timespec="seconds"),
                "count": len(records),
                "results": records,
            },
            json_dumps_params={"ensure_ascii": False},
        )

    def render_errors(self, errors) -> HttpResponse:
        return JsonResponse({"errors": errors.get_json_data()}, status=400)
