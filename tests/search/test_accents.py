"""Accents and case ignored on both databases: on SQLite, the quick start's word match folds
the texts (search/folding.py); on PostgreSQL, the portal's configurations unaccent them."""

import pytest

from search import selectors as search
from search.folding import fold
from tests.factories import FindingFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def titles(response, kind: str) -> list[str]:
    (results,) = [r for r in response.context["results"] if r.kind.key == kind]
    return [item.title for item in results.items]


def test_search_without_accents_finds_the_accented_words(client):
    FindingFactory(title_fr="Renforcer la sécurité", text_fr="Des États côtiers.")
    FindingFactory(title_fr="Sans rapport", text_fr="Rien.")

    response = client.get("/fr/recherche/", {"q": "securite etats"})

    assert titles(response, "findings") == ["Renforcer la sécurité"]
    assert "Renforcer la <mark>sécurité</mark>" in response.text


def test_search_with_accents_and_capitals_finds_the_plain_words(client):
    MeetingFactory(title_fr="Rencontre sur la securite maritime")

    response = client.get("/fr/recherche/", {"q": "SÉCURITÉ"})

    assert titles(response, "meetings") == ["Rencontre sur la securite maritime"]


def test_word_match_folds_accents_on_either_database(client, monkeypatch):
    # The quick start's match, also run on PostgreSQL here (lower(unaccent()) there).
    monkeypatch.setattr(search, "full_text", search.simple_match)
    FindingFactory(title_fr="Un cadre", text_fr="La coopération régionale en Afrique.")

    response = client.get("/fr/recherche/", {"q": "cooperation regionale"})

    assert titles(response, "findings") == ["Un cadre"]
    assert "La <mark>coopération</mark> <mark>régionale</mark> en Afrique." in response.text


def test_marks_cover_the_accented_letters_the_words_were_found_in():
    assert search.mark_words("Sécurité, SECURITE", ["securite"]) == (
        "\ue000Sécurité\ue001, \ue000SECURITE\ue001"
    )
    assert search.mark_words("pira\u0301cy", ["piracy"]) == "\ue000pira\u0301cy\ue001"
    assert search.mark_words("Straße", ["strasse"]) == "\ue000Straße\ue001"


def test_fold_drops_accents_and_case():
    assert fold("Sécurité Œuvre Ĉu") == "securite œuvre cu"
    assert fold(None) is None
