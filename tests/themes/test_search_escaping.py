"""Escaping in search, on both paths: the quick start's word match (run here on either
database) and PostgreSQL's full text, with odd queries that do find a row, so that the
highlighting runs on them."""

import re

import pytest

from search import selectors as search
from tests.factories import FindingFactory

pytestmark = pytest.mark.django_db

# Full-text search needs PostgreSQL: skipped on SQLite (tests/conftest.py), run in CI.
on_postgresql = pytest.mark.postgresql


@pytest.fixture
def word_match(monkeypatch):
    """The quick start's search (SQLite's), whatever the database under the test."""
    monkeypatch.setattr(search, "full_text", search.simple_match)


@pytest.fixture
def literal_findings():
    return {
        "percent": FindingFactory(title_fr="Un accord sûr à 100% près", text_fr=""),
        "underscore": FindingFactory(title_fr="Le fichier mesures_2025", text_fr=""),
        "backslash": FindingFactory(title_fr="Le chemin C:\\partage", text_fr=""),
        "plain": FindingFactory(title_fr="Un accord sûr à 1000 près", text_fr=""),
    }


def finding_titles(response) -> list[str]:
    (findings,) = [r for r in response.context["results"] if r.kind.key == "findings"]
    return [item.title for item in findings.items]


def marks(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("100%", ["Un accord sûr à 100% près"]),
        ("%", ["Un accord sûr à 100% près"]),
        ("mesures_2025", ["Le fichier mesures_2025"]),
        ("_", ["Le fichier mesures_2025"]),
        ("C:\\partage", ["Le chemin C:\\partage"]),
        ("\\", ["Le chemin C:\\partage"]),
        ("%_%", []),
        ("1_00", []),
    ],
)
def test_word_match_reads_like_wildcards_and_backslash_literally(
    client, word_match, literal_findings, query, expected
):
    response = client.get("/fr/recherche/", {"q": query})

    assert response.status_code == 200
    assert finding_titles(response) == expected


def test_word_match_marks_the_words_and_escapes_the_rest(client, word_match):
    FindingFactory(
        title_fr="Les <b>armes</b> & la sécurité",
        text_fr="Le texte <script>alert(1)</script> parle de la sécurité des États.",
    )

    response = client.get("/fr/recherche/", {"q": "sécurité <script>"})

    assert "Les &lt;b&gt;armes&lt;/b&gt; &amp; la <mark>sécurité</mark>" in response.text
    assert "<mark>&lt;script&gt;</mark>alert(1)" in response.text
    assert "<script>alert(1)" not in response.text


@on_postgresql
@pytest.mark.parametrize(
    "query",
    [
        '"sécurité" <>',
        "<sécurité>",
        "sécurité & -",
        '"sécurité',
        "sécurité)",
        "sécurité\\ '",
        "sécurité %_ --",
    ],
)
def test_odd_query_that_finds_a_row_marks_only_the_word_and_escapes_the_text(client, query):
    FindingFactory(
        title_fr="Les <b>armes</b> & la sécurité",
        text_fr="Le texte <script>alert(1)</script> parle de la sécurité des États.",
    )

    response = client.get("/fr/recherche/", {"q": query})

    (findings,) = [r for r in response.context["results"] if r.kind.key == "findings"]
    (item,) = findings.items
    assert marks(item.title_html) == ["sécurité"]
    assert marks(item.excerpt_html) == ["sécurité"]
    assert "Les &lt;b&gt;armes&lt;/b&gt; &amp; la <mark>sécurité</mark>" in response.text
    without_marks = re.sub(r"</?mark>", "", item.title_html + item.excerpt_html)
    assert "<" not in without_marks
    assert "<script>" not in response.text.split("<main", 1)[1].split("</main>", 1)[0]
