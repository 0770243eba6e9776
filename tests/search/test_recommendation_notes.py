"""A recommendation is found by the words of its follow-up notes (issue 12), in each language,
on PostgreSQL (its stored vectors, kept up to date by the triggers of
search/migrations/0004_status_update_notes.py) and with the quick start's word match."""

import datetime as dt

import pytest

from events.models import Meeting
from search import selectors as search
from tests.factories import FindingFactory, MeetingFactory
from themes.models import Finding, FollowUpStatus, StatusUpdate

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.postgresql


@pytest.fixture(params=["full text", "word match"])
def engine(request, monkeypatch):
    """Each test on the database's own search, and on the quick start's word match (which
    SQLite uses, here on either database)."""
    if request.param == "word match":
        monkeypatch.setattr(search, "full_text", search.simple_match)
    return request.param


def titles(response) -> list[str]:
    (results,) = [r for r in response.context["results"] if r.kind.key == "findings"]
    return [item.title for item in results.items]


def followed(meeting=None, **kwargs) -> Finding:
    recommendation = FindingFactory(
        meeting=meeting or MeetingFactory(),
        kind=Finding.Kind.RECOMMENDATION,
        title_fr="Un cadre partagé",
        title_en="A shared framework",
        text_fr="Élaborer un cadre commun.",
        text_en="Build a common framework.",
    )
    StatusUpdate.objects.create(
        recommendation=recommendation,
        date=dt.date(2026, 3, 2),
        status=FollowUpStatus.IMPLEMENTED,
        note_fr="Adopté par la conférence ministérielle de Kigali.",
        note_en="Adopted by the ministerial conference in Kigali.",
        **kwargs,
    )
    return recommendation


def test_a_word_of_a_note_finds_its_recommendation_with_the_note_and_status(client, engine):
    followed()
    FindingFactory(title_fr="Sans rapport", kind=Finding.Kind.RECOMMENDATION)

    response = client.get("/fr/recherche/", {"q": "kigali"})

    assert response.status_code == 200
    assert titles(response) == ["Un cadre partagé"]
    # The note is the excerpt, the word marked, and the status is shown.
    assert "<mark>Kigali</mark>" in response.text
    assert "Adopté par la conférence ministérielle de" in response.text
    assert "label--implemented" in response.text


def test_the_english_page_searches_the_english_notes(client, engine):
    followed()

    found = titles(client.get("/en/search/", {"q": "ministerial Kigali"}))
    not_found = titles(client.get("/en/search/", {"q": "ministérielle"}))

    assert found == ["A shared framework"]
    assert not_found == []


def test_a_note_without_translation_is_searched_as_the_page_shows_it(client, engine):
    recommendation = followed()
    StatusUpdate.objects.filter(recommendation=recommendation).update(note_en="")
    # update() skips the model's save: the trigger on the table still sees it.

    response = client.get("/en/search/", {"q": "Kigali"})

    assert titles(response) == ["A shared framework"]


def test_changing_or_deleting_a_note_changes_what_finds_it(client, engine):
    recommendation = followed()
    update = recommendation.status_updates.get()

    update.note_fr = "Un groupe de travail à Dakar."
    update.save()
    by_new_word = titles(client.get("/fr/recherche/", {"q": "dakar"}))
    by_old_word = titles(client.get("/fr/recherche/", {"q": "kigali"}))
    update.delete()
    after_deletion = titles(client.get("/fr/recherche/", {"q": "dakar"}))

    assert by_new_word == ["Un cadre partagé"]
    assert by_old_word == []
    assert after_deletion == []


def test_a_note_moved_to_another_recommendation_finds_that_one(client, engine):
    first = followed()
    other = FindingFactory(kind=Finding.Kind.RECOMMENDATION, title_fr="Une autre")
    first.status_updates.update(recommendation=other)

    assert titles(client.get("/fr/recherche/", {"q": "kigali"})) == ["Une autre"]


def test_a_note_does_not_reveal_a_draft_recommendation(client, engine):
    followed(MeetingFactory(status=Meeting.Status.DRAFT))

    assert titles(client.get("/fr/recherche/", {"q": "kigali"})) == []


def test_a_word_of_the_text_still_shows_the_text(client, engine):
    followed()

    response = client.get("/fr/recherche/", {"q": "commun"})

    assert titles(response) == ["Un cadre partagé"]
    assert "Élaborer un cadre <mark>commun</mark>" in response.text
    assert "Kigali" not in response.text


@on_postgresql
def test_a_note_word_is_stemmed_and_unaccented(client):
    followed()

    response = client.get("/fr/recherche/", {"q": "conference ministerielles"})

    assert titles(response) == ["Un cadre partagé"]


def test_search_queries_do_not_grow_with_the_notes(client, engine, django_assert_max_num_queries):
    # One meeting: many meetings would change the statistics other tests' query plans see.
    meeting = MeetingFactory()
    for _index in range(3):
        followed(meeting)
    with django_assert_max_num_queries(12) as small:
        client.get("/fr/recherche/", {"q": "kigali"})
    for _index in range(30):
        followed(meeting)

    with django_assert_max_num_queries(len(small)):
        response = client.get("/fr/recherche/", {"q": "kigali"})

    assert len(titles(response)) == search.PREVIEW_SIZE
