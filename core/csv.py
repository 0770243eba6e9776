"""The one CSV writer of the portal: open data for everyone, participant lists for staff.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@` (and, in some, `|` or `%`) as
a formula, which can leak the other cells or start a program (CSV injection). Every cell is
written by defusedcsv, which puts an apostrophe before such a text (the spreadsheet then
shows it as text, without the apostrophe) and leaves numbers, negative ones included, as
they are. defusedcsv does not look at a text starting with a tab or a carriage return, which
some spreadsheets drop before reading the rest as a formula: those are neutralised here too.
"""

import csv

from defusedcsv import csv as defusedcsv
from django.http import HttpResponse

# Where a cell starts that defusedcsv lets through but a spreadsheet may still evaluate.
LEADING_BLANKS = ("\t", "\r")


def neutralised(value):
    """The cell as defusedcsv writes it, with the leading tab or carriage return escaped too."""
    if isinstance(value, str) and value.startswith(LEADING_BLANKS):
        return "'" + value
    return value


class _Writer:
    """A csv writer whose every cell goes through `neutralised`, then defusedcsv."""

    def __init__(self, file, dialect="excel", **options):
        self._writer = defusedcsv.writer(file, dialect, **options)

    def writerow(self, row):
        return self._writer.writerow([neutralised(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, dialect="excel", **options) -> _Writer:
    """Like `csv.writer`, with every text cell neutralised."""
    return _Writer(file, dialect, **options)


class DictWriter(csv.DictWriter):
    """Like `csv.DictWriter`, with every text cell (the header's too) neutralised."""

    def __init__(
        self, file, fieldnames, restval="", extrasaction="raise", dialect="excel", **options
    ):
        super().__init__(file, fieldnames, restval, extrasaction, dialect, **options)
        self.writer = writer(file, dialect, **options)


def csv_response(filename: str) -> HttpResponse:
    """An empty CSV download, UTF-8 with a byte order mark so that spreadsheets open it with
    its accents intact. `filename` must be ASCII (a slug), as it goes in a header."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response
