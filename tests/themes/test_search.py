import pytest
from django.db import connection

from events.models import Meeting
from search import selectors as search
from tests.factories import (
    FindingFactory,
    MeetingFactory,
    MeetingOrganiserFactory,
    OrganisationFactory,
    ThemeFactory,
)
from themes.models import Finding

pytestmark = pytest.mark.django_db

# Full-text search needs PostgreSQL: skipped on SQLite (tests/conftest.py), run in CI.
on_postgresql = pytest.mark.postgresql


def found(response, kind: str) -> list[str]:
    """The titles of one kind of result, in their order on the page."""
    for results in response.context["results"]:
        if results.kind.key == kind:
            return [
                item.title_html.replace("<mark>", "").replace("</mark>", "")
                for item in results.items
            ]
    return []


@on_postgresql
def test_search_without_accents_finds_the_accented_word(client):
    FindingFactory(title_fr="Renforcer la sécurité", text_fr="Un texte.")

    response = client.get("/fr/recherche/?q=securite")

    assert response.status_code == 200
    assert found(response, "findings") == ["Renforcer la sécurité"]
    assert "Renforcer la <mark>sécurité</mark>" in response.text


@on_postgresql
def test_search_finds_other_forms_of_the_word(client):
    FindingFactory(title_fr="Les armes autonomes", text_fr="Des systèmes d’armes létaux.")

    response = client.get("/fr/recherche/?q=arme")

    assert found(response, "findings") == ["Les armes autonomes"]


@on_postgresql
def test_title_match_ranks_above_text_match(client):
    FindingFactory(title_fr="Un cadre partagé", text_fr="Le désarmement demande un cadre.")
    FindingFactory(title_fr="Le désarmement", text_fr="Un cadre partagé est nécessaire.")

    response = client.get("/fr/recherche/?q=desarmement")

    assert found(response, "findings") == ["Le désarmement", "Un cadre partagé"]


@on_postgresql
def test_title_match_ranks_above_text_match_for_meetings_too(client):
    MeetingFactory(title_fr="Rencontre sur les drones", summary_fr="Sur la piraterie.")
    MeetingFactory(title_fr="Piraterie maritime", summary_fr="Sur les drones.")

    response = client.get("/fr/recherche/?q=piraterie")

    assert found(response, "meetings") == ["Piraterie maritime", "Rencontre sur les drones"]


@on_postgresql
def test_english_page_searches_the_english_texts(client):
    FindingFactory(title_fr="Renforcer la sécurité", title_en="Strengthening security")

    english = client.get("/en/search/?q=strengthen")
    french = client.get("/fr/recherche/?q=strengthen")

    assert found(english, "findings") == ["Strengthening security"]
    assert found(french, "findings") == []


@on_postgresql
def test_english_page_finds_untranslated_finding_through_its_french_text(client):
    FindingFactory(title_fr="Lutte contre la piraterie", title_en="", text_en="")

    response = client.get("/en/search/?q=piraterie")

    assert found(response, "findings") == ["Lutte contre la piraterie"]
    assert '<h3 class="card__title" lang="fr">' in response.text


@on_postgresql
def test_title_and_excerpt_mark_the_words_and_escape_the_rest(client):
    FindingFactory(
        title_fr="Les <b>armes</b> & la sécurité",
        text_fr="Le texte <script>alert(1)</script> parle de la sécurité des États.",
    )

    response = client.get("/fr/recherche/?q=securite")

    assert "Les &lt;b&gt;armes&lt;/b&gt; &amp; la <mark>sécurité</mark>" in response.text
    assert "<mark>sécurité</mark> des États" in response.text
    assert "<script>alert(1)" not in response.text


@on_postgresql
def test_minus_word_leaves_out_the_results_that_have_it(client):
    FindingFactory(title_fr="La sécurité et la prolifération")
    FindingFactory(title_fr="La sécurité des États")

    response = client.get("/fr/recherche/?q=securite+-proliferation")

    assert found(response, "findings") == ["La sécurité des États"]


@on_postgresql
@pytest.mark.parametrize(("language", "other"), [("fr", "en"), ("en", "fr")])
@pytest.mark.parametrize(("model", "kind"), [(Finding, "findings"), (Meeting, "meetings")])
def test_search_conditions_are_served_by_the_indexes_of_the_migration(model, kind, language, other):
    queries = search.search_queries('"paix durable"')
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")

    # Unordered: with the meetings' default order, PostgreSQL may prefer the start-date index
    # once earlier tests have left dead rows in the table.
    plan = search.matching(
        model.objects.order_by(), search.KINDS[kind], queries, language, other
    ).explain()

    assert f"Bitmap Index Scan on {table}_vector_{language} " in plan
    assert f"Bitmap Index Scan on {table}_vector_{other}_for_{language} " in plan
    assert "to_tsvector" not in plan  # no vector computed row by row


@on_postgresql
def test_stored_vectors_follow_the_texts(client):
    finding = FindingFactory(title_fr="Un cadre partagé", text_fr="Des drones armés.")
    finding.title_fr = "La piraterie en mer"
    finding.text_fr = "Un cadre partagé."
    finding.save()

    by_title = client.get("/fr/recherche/?q=piraterie")
    old_text = client.get("/fr/recherche/?q=drones")

    assert found(by_title, "findings") == ["La piraterie en mer"]
    assert found(old_text, "findings") == []


def test_drafts_are_never_found(client):
    draft = MeetingFactory(
        title_fr="Rencontre piraterie en préparation", status=Meeting.Status.DRAFT
    )
    FindingFactory(meeting=draft, title_fr="Constat piraterie en préparation")
    MeetingOrganiserFactory(meeting=draft, organisation__name_fr="Organisation piraterie")
    FindingFactory(title_fr="Constat piraterie publié")

    response = client.get("/fr/recherche/?q=piraterie")

    assert "en préparation" not in response.text
    assert "Organisation piraterie" not in response.text
    assert found(response, "findings") == ["Constat piraterie publié"]


def test_cancelled_meeting_is_found_with_its_label(client):
    MeetingFactory(title_fr="Rencontre annulée sur la piraterie", status=Meeting.Status.CANCELLED)

    response = client.get("/fr/recherche/?q=piraterie")

    assert found(response, "meetings") == ["Rencontre annulée sur la piraterie"]
    assert "label--cancelled" in response.text


def test_themes_and_organisers_of_public_meetings_are_found(client):
    ThemeFactory(name_fr="Lutte contre la piraterie", slug="piraterie")
    MeetingOrganiserFactory(organisation__name_fr="Observatoire de la piraterie")
    OrganisationFactory(name_fr="Association de la piraterie, sans rencontre")

    response = client.get("/fr/recherche/?q=piraterie")

    assert found(response, "themes") == ["Lutte contre la piraterie"]
    assert found(response, "organisations") == ["Observatoire de la piraterie"]
    assert 'href="/fr/themes/piraterie/"' in response.text


def test_plain_words_are_found_on_either_database(client):
    FindingFactory(title_fr="Lutte contre la piraterie", text_fr="En mer.")
    FindingFactory(title_fr="Autre chose", text_fr="La PIRATERIE en mer.")
    FindingFactory(title_fr="Sans rapport")

    response = client.get("/fr/recherche/?q=piraterie+mer")

    assert found(response, "findings") == ["Lutte contre la piraterie", "Autre chose"]
    assert "contre la <mark>piraterie</mark>" in response.text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_search_page_answers_in_both_languages(client, language):
    FindingFactory(title_fr="Piraterie", title_en="Piracy")

    response = client.get(
        "/fr/recherche/?q=piraterie" if language == "fr" else "/en/search/?q=piracy"
    )

    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert found(response, "findings") == (["Piraterie"] if language == "fr" else ["Piracy"])


def test_empty_search_shows_the_form_without_results(client):
    response = client.get("/en/search/?q=++")

    assert response.status_code == 200
    assert response.context["results"] == []
    assert 'name="q"' in response.text
    assert "Search the meetings of the cycle" in response.text


def test_too_long_search_is_a_400_with_a_message(client):
    response = client.get("/en/search/?q=" + "a" * 201)

    assert response.status_code == 400
    assert "Your search is too long: use at most 200 characters." in response.text


# Whatever a visitor types, the search page and the meetings list answer: results, or a
# message. Each query is at most 200 characters, the longest search accepted.
NASTY_QUERIES = [
    "-" * 40,
    "-" * 200,
    "- " * 100,
    "-! " * 66,
    "-(" * 100,
    "–" * 40,
    "piracy " + "-" * 40 + " sea",
    '"',
    '"piracy',
    'piracy"',
    '"""',
    '" "',
    "or",
    "OR",
    "piracy or",
    "or piracy",
    "or or or",
    "piracy OR -",
    "-",
    "-piracy",
    "piracy -",
    "--piracy",
    "<>",
    "<->",
    "piracy <-> sea",
    "&|!:*()",
    "piracy:*",
    "!piracy",
    "(piracy",
    "piracy & !sea",
    "'; drop table themes_finding; --",
    "\\",
    "%",
    "_",
    "%_%",
    "\u200b",
    "\u202e piracy",
    "\ufeff",
    "\ufffd",
    "\U0001f3f4\u200d\u2620\ufe0f piracy",
    "ｐｉｒａｃｙ",
    "pira\u0301cy",
    "\u00a0piracy\u00a0",
    "a" * 200,
    "piracy " * 28,
]
# Bytes no browser should send: a UTF-16 surrogate, invalid UTF-8, an overlong NUL.
NASTY_BYTES = ["%ED%A0%80", "%ED%A0%80piracy", "%FF%FE", "%C0%80"]


@pytest.fixture
def piracy():
    """Data matching ordinary words, so that ranking and highlighting run."""
    meeting = MeetingFactory(title_en="Meeting on piracy", summary_en="Piracy at sea, and the law.")
    MeetingOrganiserFactory(meeting=meeting, organisation__name_en="Piracy observatory")
    ThemeFactory(name_en="Piracy", slug="piracy")
    FindingFactory(meeting=meeting, title_en="Fighting piracy", text_en="Piracy at sea - a risk.")
    FindingFactory(meeting=meeting, title_en="Sea lanes", text_en="Shipping and the sea.")


def search_answered(response) -> bool:
    """The search page shows results, or says nothing was found."""
    return 'class="card search-result"' in response.text or "Nothing found" in response.text


def list_answered(response) -> bool:
    return 'class="card' in response.text or "No meeting matches these filters." in response.text


@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_search_page_answers_any_query(client, piracy, query):
    response = client.get("/en/search/", {"q": query})

    assert response.status_code == 200
    assert search_answered(response)


@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_meetings_list_answers_any_search(client, piracy, query):
    response = client.get("/en/meetings/", {"q": query})

    assert response.status_code == 200
    assert list_answered(response)


@pytest.mark.parametrize("raw", NASTY_BYTES)
def test_bytes_that_are_not_text_never_break_the_search(client, piracy, raw):
    search_page = client.get(f"/en/search/?q={raw}")
    meetings = client.get(f"/en/meetings/?q={raw}")

    assert (search_page.status_code, meetings.status_code) == (200, 200)
    assert search_answered(search_page)
    assert list_answered(meetings)


@pytest.mark.parametrize("path", ["/en/search/", "/en/meetings/"])
def test_too_long_search_is_a_400_with_a_message_on_both_pages(client, piracy, path):
    response = client.get(path, {"q": "piracy " + "a" * 194})

    assert response.status_code == 400
    assert "Your search is too long: use at most 200 characters." in response.text


@pytest.mark.parametrize("path", ["/en/search/", "/en/meetings/"])
def test_null_character_is_a_400_with_a_message(client, piracy, path):
    response = client.get(path + "?q=pira%00cy")

    assert response.status_code == 400
    assert "Null characters are not allowed." in response.text


def test_runs_of_minus_signs_count_as_one_and_ignored_operators_are_left_out():
    assert search.websearch_text("piracy ---- sea") == "piracy - sea"
    assert search.websearch_text("-! -( - -piracy") == "-piracy"
    assert search.websearch_text('"piracy at sea" or -law') == '"piracy at sea" or -law'


@on_postgresql
def test_minus_signs_before_words_still_leave_them_out(client, piracy):
    response = client.get("/en/search/", {"q": "piracy --- --sea"})

    assert found(response, "findings") == []
    assert found(response, "themes") == ["Piracy"]


@on_postgresql
def test_search_the_database_rejects_says_so_with_a_400(client, piracy, monkeypatch, caplog):
    # Without the clean-up of websearch_text(), PostgreSQL rejects a run of minus signs.
    monkeypatch.setattr(search, "websearch_text", lambda text: text)

    response = client.get("/en/search/", {"q": "-" * 40})

    assert response.status_code == 400
    assert "0 results for" in response.text
    assert "this search could not be read. Try plain words, without punctuation." in response.text
    assert "The database rejected a search of 40 characters" in caplog.text
    assert "-" * 40 not in caplog.text


def test_nothing_found_says_so(client):
    response = client.get("/en/search/?q=zzzz")

    assert response.status_code == 200
    assert "Nothing found." in response.text


def test_findings_beyond_the_first_five_are_on_pages_of_their_own(client):
    for number in range(25):
        FindingFactory(title_fr=f"Piraterie {number}")

    everything = client.get("/fr/recherche/?q=piraterie")
    second_page = client.get("/fr/recherche/?q=piraterie&kind=findings&page=2")
    too_far = client.get("/fr/recherche/?q=piraterie&kind=findings&page=9")

    assert len(found(everything, "findings")) == 5
    assert "?q=piraterie&amp;kind=findings" in everything.text
    assert len(found(second_page, "findings")) == 5
    assert [results.kind.key for results in second_page.context["results"]] == ["findings"]
    assert too_far.status_code == 404


def searchable_data(size: int) -> None:
    for number in range(size):
        meeting = MeetingFactory(title_fr=f"Rencontre sur la piraterie {number}")
        MeetingOrganiserFactory(meeting=meeting, organisation__name_fr=f"Piraterie {number}")
        ThemeFactory(name_fr=f"Piraterie {number}")
        for _ in range(3):
            FindingFactory(meeting=meeting, title_fr="Piraterie")


def test_queries_do_not_grow_with_the_data(client, django_assert_max_num_queries):
    searchable_data(1)
    # Each of meetings and findings: the count, the ids of the page (matches in the title,
    # then the others if the page is not full), the rows; themes and organisations: the
    # count and the page.
    with django_assert_max_num_queries(12) as small_queries:
        client.get("/fr/recherche/?q=piraterie")
    searchable_data(20)

    with django_assert_max_num_queries(len(small_queries)):
        response = client.get("/fr/recherche/?q=piraterie")

    assert [results.count for results in response.context["results"]] == [21, 63, 21, 21]
