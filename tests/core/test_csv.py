"""The one CSV writer: every text cell a spreadsheet would evaluate is written as text."""

import csv as stdlib_csv
import io

import pytest

from core import csv

# A spreadsheet evaluates a cell starting with one of these (the tab and the carriage return
# are dropped by some before the rest is read).
FORMULAS = [
    "=1+1",
    '=HYPERLINK("https://example.org";"click")',
    "+33 1 23 45 67 89",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\tcmd",
    "|calc",
    "%0A=1+1",
]
ORDINARY = ["Genève", "OIF; UNIDIR", "L’IA et la paix", "a=b", "-2", "-1.5", "12", "", "e-mail"]


def written(cells, **options) -> list[str]:
    """The cells as a spreadsheet reads them back from the file."""
    file = io.StringIO()
    csv.writer(file, **options).writerow(cells)
    file.seek(0)
    return next(stdlib_csv.reader(file, **options))


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_is_written_as_text(value):
    (cell,) = written([value])

    assert cell.startswith("'")


def test_formula_keeps_its_text_after_the_apostrophe():
    assert written(["=1+1", "\tcmd", "\r=1"]) == ["'=1+1", "'\tcmd", "'\r=1"]


@pytest.mark.parametrize("value", ORDINARY)
def test_ordinary_values_and_negative_numbers_are_unchanged(value):
    assert written([value]) == [value]


def test_numbers_and_empty_cells_are_unchanged():
    assert written([3, -4, 1.5, None], delimiter=";") == ["3", "-4", "1.5", ""]


def test_dict_writer_neutralises_the_header_and_the_values():
    file = io.StringIO()
    writer = csv.DictWriter(file, fieldnames=["name", "=title"])

    writer.writeheader()
    writer.writerow({"name": "@home", "=title": "\tx"})

    assert file.getvalue() == "name,'=title\r\n'@home,'\tx\r\n"


def test_csv_response_is_a_utf8_download_with_a_byte_order_mark():
    response = csv.csv_response("meetings-2025-04-15.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="meetings-2025-04-15.csv"'
    assert response.content == "\ufeff".encode()
