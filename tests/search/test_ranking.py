"""Full-text ranking on the stored vectors (search/migrations/0002_stored_vectors.py): a match
in the title first, then the newest; counts stop at a cap; phrases match adjacent words."""

import datetime as dt

import pytest

from search import selectors as search
from tests.factories import FindingFactory, MeetingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def titles(response, kind: str = "findings") -> list[str]:
    (results,) = [r for r in response.context["results"] if r.kind.key == kind]
    return [item.title for item in results.items]


def meeting(days: int):
    start = dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC) + dt.timedelta(days=days)
    return MeetingFactory(start=start, end=start + dt.timedelta(hours=8))


def test_title_matches_come_first_then_the_newest_across_pages(client):
    for number in range(3):  # in the title, in the oldest meetings
        FindingFactory(meeting=meeting(number), title_fr=f"Piraterie {number}", text_fr="Rien.")
    for number in range(22):  # in the text only, in newer meetings
        FindingFactory(
            meeting=meeting(100 + number), title_fr=f"Constat {number}", text_fr="La piraterie."
        )

    first = client.get("/fr/recherche/", {"q": "piraterie", "kind": "findings"})
    second = client.get("/fr/recherche/", {"q": "piraterie", "kind": "findings", "page": 2})

    assert titles(first)[:4] == ["Piraterie 2", "Piraterie 1", "Piraterie 0", "Constat 21"]
    assert titles(second) == ["Constat 4", "Constat 3", "Constat 2", "Constat 1", "Constat 0"]


def test_untranslated_title_match_ranks_first_in_the_other_language(client):
    FindingFactory(meeting=meeting(9), title_en="Sea lanes", text_en="Piracy at sea.")
    FindingFactory(meeting=meeting(1), title_fr="La piraterie", title_en="", text_en="")

    response = client.get("/en/search/", {"q": "piracy piraterie"})
    by_french_title = client.get("/en/search/", {"q": "piraterie"})

    assert titles(by_french_title) == ["La piraterie"]
    assert titles(response) == []  # every word must match, in the language shown


def test_quoted_phrase_needs_the_words_side_by_side(client):
    FindingFactory(title_fr="L’intelligence artificielle militaire")
    FindingFactory(title_fr="Une intelligence du terrain", text_fr="Une île artificielle.")

    response = client.get("/fr/recherche/", {"q": '"intelligence artificielle"'})

    assert titles(response) == ["L’intelligence artificielle militaire"]


def test_negation_leaves_out_rows_with_the_word_anywhere(client):
    FindingFactory(title_fr="Le désarmement", text_fr="Sans rapport.")
    FindingFactory(title_fr="Le désarmement nucléaire", text_fr="Sans rapport.")
    FindingFactory(title_fr="Le désarmement", text_fr="Des armes nucléaires.")

    response = client.get("/fr/recherche/", {"q": "désarmement -nucléaire"})

    assert titles(response) == ["Le désarmement"]


def test_counts_stop_at_the_cap(client, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for number in range(5):
        FindingFactory(title_en=f"Piracy {number}")

    response = client.get("/en/search/", {"q": "piracy"})

    assert "more than 3 findings" in response.text
    assert "More than 3 results for “piracy”" in response.text  # never a sum past the cap
    assert len(titles(response)) == 4  # the first page holds no more than the count
