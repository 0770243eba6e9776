"""Recommendations as open data (issue 12): CSV and JSON exports with their follow-up, the
Atom feed of status changes, the sitemap and the search."""

import csv
import datetime as dt
import html
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from events.models import Meeting
from tests.factories import (
    FindingFactory,
    MeetingFactory,
    MeetingOrganiserFactory,
    OrganisationFactory,
    StaffFactory,
    ThemeFactory,
    geneva,
)
from themes.models import Addressee, Finding, FollowUpStatus, StatusUpdate

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
# Who recorded a status change: staff only, never in a public file.
RECORDER = {"username": "redactrice-secrete", "email": "redactrice@example.org"}


def url(name: str, language: str = "fr", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def csv_records(response) -> list[dict]:
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def atom(response) -> ET.Element:
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 - the portal's own output


def recommendation(meeting=None, **kwargs) -> Finding:
    return FindingFactory(
        meeting=meeting or MeetingFactory(), kind=Finding.Kind.RECOMMENDATION, **kwargs
    )


def update(recommendation, day, status, note_fr, note_en="", **kwargs) -> StatusUpdate:
    return StatusUpdate.objects.create(
        recommendation=recommendation,
        date=day,
        status=status,
        note_fr=note_fr,
        note_en=note_en,
        **kwargs,
    )


def followed_recommendation() -> Finding:
    """The Geneva meeting's recommendation, addressed to States and to UNIDIR, under way then
    implemented, taken up by a later meeting's finding (and by a draft's, which is not shown)."""
    meeting = MeetingFactory(
        slug="geneve",
        title_fr="L’IA et la paix",
        title_en="AI and peace",
        start=geneva(2025, 4, 15, 9),
        end=geneva(2025, 4, 15, 18),
    )
    MeetingOrganiserFactory(meeting=meeting, organisation__acronym="OIF")
    followed = recommendation(
        meeting,
        title_fr="Un cadre éthique partagé",
        title_en="A shared ethical framework",
        text_fr="Élaborer un cadre éthique, juridique et politique partagé.",
        text_en="Build a shared ethical, legal and political framework.",
        themes=[
            ThemeFactory(name_fr="Intelligence artificielle", name_en="Artificial intelligence")
        ],
    )
    unidir = OrganisationFactory(slug="unidir", name_fr="UNIDIR", name_en="UNIDIR")
    Addressee.objects.create(recommendation=followed, actor_kind="states", order=1)
    Addressee.objects.create(recommendation=followed, organisation=unidir, order=2)
    recorder = StaffFactory(**RECORDER)
    # Recorded out of order: the history is in date order all the same.
    update(
        followed,
        dt.date(2026, 3, 2),
        FollowUpStatus.IMPLEMENTED,
        "Cadre adopté par la conférence ministérielle.",
        "Framework adopted by the ministerial conference.",
        source="Déclaration de Kigali",
        source_url="https://example.org/kigali",
        created_by=recorder,
    )
    update(
        followed,
        dt.date(2025, 9, 10),
        FollowUpStatus.UNDER_WAY,
        "Un groupe de travail rédige le cadre.",
        "A working group drafts the framework.",
        created_by=recorder,
    )
    later = MeetingFactory(
        slug="dakar",
        title_fr="Rencontre de Dakar",
        title_en="Dakar meeting",
        start=geneva(2026, 2, 1, 9),
        end=geneva(2026, 2, 1, 18),
    )
    FindingFactory(
        meeting=later,
        title_fr="Reprise à Dakar",
        title_en="Taken up in Dakar",
        kind=Finding.Kind.RECOMMENDATION,
    ).takes_up.add(followed)
    draft = MeetingFactory(status=Meeting.Status.DRAFT)
    FindingFactory(meeting=draft, title_fr="Reprise en préparation").takes_up.add(followed)
    return followed


def draft_recommendation() -> Finding:
    found = recommendation(
        MeetingFactory(status=Meeting.Status.DRAFT), title_fr="Recommandation en préparation"
    )
    update(found, dt.date(2026, 1, 5), FollowUpStatus.UNDER_WAY, "Note d’un brouillon.")
    return found


# JSON.


def test_json_export_gives_each_recommendation_with_its_follow_up(client):
    followed = followed_recommendation()
    draft_recommendation()
    FindingFactory(kind=Finding.Kind.RISK, title_en="A risk, not a recommendation")

    response = client.get("/en/recommendations/export.json")

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert data["licence"] == {"name": "CC BY 4.0", "url": LICENCE_URL}
    assert data["language"] == "en"
    titles = [record["title"] for record in data["results"]]
    assert titles == ["A shared ethical framework", "Taken up in Dakar"]
    record = data["results"][0]
    with translation.override("en"):
        page = f"http://testserver{followed.get_absolute_url()}"
    assert record["id"] == followed.pk
    assert record["url"] == page
    assert record["text"] == "Build a shared ethical, legal and political framework."
    assert record["meeting"] == {
        "id": followed.meeting_id,
        "title": "AI and peace",
        "url": "http://testserver/en/meetings/geneve/",
        "start": "2025-04-15",
        "end": "2025-04-15",
        "dates": "15 April 2025",
    }
    assert record["is_example"] is False
    assert record["themes"] == ["Artificial intelligence"]
    assert (record["status"], record["status_label"], record["status_date"]) == (
        "implemented",
        "Implemented",
        "2026-03-02",
    )
    assert record["history"] == [
        {
            "date": "2025-09-10",
            "status": "under_way",
            "status_label": "Under way",
            "note": "A working group drafts the framework.",
            "source": "",
            "source_url": "",
        },
        {
            "date": "2026-03-02",
            "status": "implemented",
            "status_label": "Implemented",
            "note": "Framework adopted by the ministerial conference.",
            "source": "Déclaration de Kigali",
            "source_url": "https://example.org/kigali",
        },
    ]
    assert record["addressees"] == [
        {"kind": "states", "label": "States and governments", "url": ""},
        {
            "kind": "organisation",
            "label": "UNIDIR",
            "url": "http://testserver/en/organisations/unidir/",
        },
    ]
    [taken_up] = record["taken_up_by"]
    assert taken_up["title"] == "Taken up in Dakar"
    assert taken_up["url"].startswith("http://testserver/en/recommendations/")
    assert taken_up["meeting"]["title"] == "Dakar meeting"
    assert taken_up["meeting"]["url"] == "http://testserver/en/meetings/dakar/"
    assert record["takes_up"] == []
    assert data["results"][1]["takes_up"][0]["id"] == followed.pk
    assert record["citation"].startswith("“A shared ethical framework”")
    assert record["citation"].endswith(page)
    assert (record["licence"], record["licence_url"]) == ("CC BY 4.0", LICENCE_URL)
    # The citation is the page's own.
    assert record["citation"] in html.unescape(client.get(page).content.decode())


def test_json_export_follows_the_language_of_its_address(client):
    followed_recommendation()

    data = json.loads(client.get(url("themes:recommendation_export_json")).content)

    record = data["results"][0]
    assert data["language"] == "fr"
    assert record["title"] == "Un cadre éthique partagé"
    assert record["status"] == "implemented"
    assert record["history"][0]["note"] == "Un groupe de travail rédige le cadre."
    assert record["meeting"]["url"] == "http://testserver/fr/rencontres/geneve/"


def test_a_recommendation_without_follow_up_is_proposed_with_no_history(client):
    recommendation(title_en="Fresh")

    [record] = json.loads(client.get("/en/recommendations/export.json").content)["results"]

    assert (record["status"], record["status_date"], record["history"]) == (
        "proposed",
        None,
        [],
    )
    assert record["addressees"] == [] and record["taken_up_by"] == []


# CSV.


def test_csv_export_has_one_row_per_recommendation_with_lists_in_one_cell(client):
    followed = followed_recommendation()
    draft_recommendation()

    response = client.get("/en/recommendations/export.csv")

    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="recommendations-'
    )
    first, second = csv_records(response)
    assert list(first) == [
        "id",
        "url",
        "title",
        "text",
        "meeting_id",
        "meeting_title",
        "meeting_url",
        "meeting_start",
        "meeting_end",
        "is_example",
        "themes",
        "status",
        "status_label",
        "status_date",
        "history",
        "addressees",
        "addressee_kinds",
        "taken_up_by",
        "takes_up",
        "citation",
        "licence",
        "licence_url",
    ]
    assert first["id"] == str(followed.pk)
    assert first["title"] == "A shared ethical framework"
    assert (first["meeting_title"], first["meeting_start"]) == ("AI and peace", "2025-04-15")
    assert first["is_example"] == "false"
    assert (first["status"], first["status_label"], first["status_date"]) == (
        "implemented",
        "Implemented",
        "2026-03-02",
    )
    assert first["history"].splitlines() == [
        "2025-09-10 — Under way — A working group drafts the framework.",
        "2026-03-02 — Implemented — Framework adopted by the ministerial conference. — "
        "Déclaration de Kigali, https://example.org/kigali",
    ]
    assert first["addressees"] == "States and governments; UNIDIR"
    assert first["addressee_kinds"] == "states; organisation"
    assert first["taken_up_by"].startswith("Taken up in Dakar (Dakar meeting, 2026-02-01) http")
    assert first["takes_up"] == ""
    assert second["takes_up"].startswith("A shared ethical framework (AI and peace, 2025-04-15)")
    assert first["citation"].startswith("“A shared ethical framework”")
    assert (first["licence"], first["licence_url"]) == ("CC BY 4.0", LICENCE_URL)


def test_csv_export_writes_formulas_in_notes_as_text(client):
    found = recommendation(title_fr="=1+1")
    update(found, dt.date(2026, 1, 1), FollowUpStatus.UNDER_WAY, "@SUM(A1)")

    [record] = csv_records(client.get(url("themes:recommendation_export_csv")))

    assert record["title"] == "'=1+1"
    # A cell starting with a date is no formula: the note inside it stays as it is.
    assert record["history"].endswith("@SUM(A1)")


# Nothing says who recorded a change; drafts stay out.


@pytest.mark.parametrize(
    "name", ["recommendation_export_json", "recommendation_export_csv", "recommendation_feed"]
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_open_data_never_names_who_recorded_a_change_nor_shows_drafts(client, name, language):
    followed_recommendation()
    draft_recommendation()

    response = client.get(url(f"themes:{name}", language))

    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Framework adopted" in text or "Cadre adopté" in text
    for secret in [*RECORDER.values(), "created_by", "recorded", "staff"]:
        assert secret not in text
    assert "Note d’un brouillon" not in text and "en préparation" not in text


# The feed of status changes.


def test_feed_has_one_entry_per_status_change_newest_first(client):
    followed = followed_recommendation()
    example = recommendation(MeetingFactory(is_example=True), title_en="Example recommendation")
    update(example, dt.date(2025, 12, 1), FollowUpStatus.NO_KNOWN_FOLLOW_UP, "Rien.", "Nothing.")

    response = client.get("/en/recommendations/feed/")

    feed = atom(response)
    assert feed.findtext(f"{ATOM}title") == "Recommendation follow-up: changes of status"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == (
        "http://testserver/en/recommendations/feed/"
    )
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "A shared ethical framework: Implemented",
        "Example recommendation: No known follow-up (fictional example)",
        "A shared ethical framework: Under way",
    ]
    newest = entries[0]
    [implemented] = followed.status_updates.filter(status=FollowUpStatus.IMPLEMENTED)
    link = newest.find(f"{ATOM}link").get("href")
    assert link.startswith("http://testserver/en/")
    assert link.endswith(f"/{followed.pk}/#update-{implemented.pk}")
    # The anchor is the status change on the recommendation's page.
    assert f'id="update-{implemented.pk}"' in client.get(link).content.decode()
    assert newest.findtext(f"{ATOM}updated") == "2026-03-02T12:00:00+00:00"
    assert newest.findtext(f"{ATOM}published") == "2026-03-02T12:00:00+00:00"
    summary = newest.findtext(f"{ATOM}summary")
    assert "Framework adopted by the ministerial conference." in summary
    assert "Déclaration de Kigali, https://example.org/kigali" in summary
    assert "“AI and peace”" in summary
    assert [c.get("term") for c in newest.findall(f"{ATOM}category")] == [
        "Implemented",
        "Artificial intelligence",
    ]
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == 3


def test_feed_keeps_the_newest_changes(client):
    found = recommendation()
    for day in range(51):
        update(found, dt.date(2025, 1, 1) + dt.timedelta(days=day), "under_way", f"Note {day}")

    feed = atom(client.get(url("themes:recommendation_feed")))

    summaries = [entry.findtext(f"{ATOM}summary") for entry in feed.iter(f"{ATOM}entry")]
    assert len(summaries) == 50
    assert "Note 50" in summaries[0]
    assert not any("<p>Note 0</p>" in summary for summary in summaries)


# Fixed query counts.


def build(size: int) -> None:
    theme = ThemeFactory()
    for index in range(size):
        meeting = MeetingFactory(start=geneva(2024, 1, 1) + dt.timedelta(days=index))
        MeetingOrganiserFactory(meeting=meeting)
        found = recommendation(meeting, themes=[theme])
        Addressee.objects.create(recommendation=found, actor_kind="oif")
        Addressee.objects.create(recommendation=found, organisation=OrganisationFactory())
        update(found, dt.date(2025, 1, 1), "under_way", "Engagée.")
        update(found, dt.date(2025, 6, 1), "implemented", "Faite.")
        FindingFactory(meeting=meeting).takes_up.add(found)


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("recommendation_export_json", ""),
        ("recommendation_export_json", "?status=implemented&addressee=oif"),
        ("recommendation_export_csv", ""),
        ("recommendation_feed", ""),
        ("sitemap", ""),
    ],
)
def test_open_data_queries_do_not_grow_with_the_recommendations(
    client, django_assert_max_num_queries, name, query
):
    path = (url(f"themes:{name}") if name != "sitemap" else "/sitemap.xml") + query
    build(3)
    with django_assert_max_num_queries(15) as small:
        assert client.get(path).status_code == 200
    build(297)

    with django_assert_max_num_queries(len(small)):
        response = client.get(path)

    assert response.status_code == 200
    if name == "recommendation_export_json":
        assert json.loads(response.content)["count"] == 300


# Filters: those of the recommendations page.


def test_exports_take_the_filters_of_the_recommendations_page(client):
    followed_recommendation()
    recommendation(title_en="Still proposed")

    implemented = json.loads(
        client.get("/en/recommendations/export.json?status=implemented").content
    )
    to_states = csv_records(client.get("/en/recommendations/export.csv?addressee=states"))
    to_unidir = json.loads(client.get("/en/recommendations/export.json?addressee=unidir").content)
    proposed = json.loads(client.get("/en/recommendations/export.json?status=proposed").content)

    assert [r["title"] for r in implemented["results"]] == ["A shared ethical framework"]
    assert [r["title"] for r in to_states] == ["A shared ethical framework"]
    assert [r["title"] for r in to_unidir["results"]] == ["A shared ethical framework"]
    assert sorted(r["title"] for r in proposed["results"]) == [
        "Still proposed",
        "Taken up in Dakar",
    ]


@pytest.mark.parametrize("query", ["status=abandoned", "addressee=nobody", "year=abc"])
def test_exports_refuse_an_unknown_filter_value_with_a_400(client, query):
    recommendation()

    as_json = client.get(f"/en/recommendations/export.json?{query}")
    as_csv = client.get(f"/en/recommendations/export.csv?{query}")

    assert as_json.status_code == 400
    field = query.split("=")[0]
    assert field in json.loads(as_json.content)["errors"]
    assert as_csv.status_code == 400
    assert as_csv.content.decode().startswith(f"{field}: ")


# Sitemap.


def sitemap_urls(response) -> dict[str, str | None]:
    """Each <loc> with its <lastmod>."""
    urlset = ET.fromstring(response.content)  # noqa: S314 - the portal's own output
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in urlset.findall(f"{SITEMAP}url")
    }


def test_sitemap_lists_each_recommendation_page_modified_at_its_latest_status_change(client):
    followed = followed_recommendation()
    fresh = recommendation()
    draft = draft_recommendation()
    risk = FindingFactory(kind=Finding.Kind.RISK)

    urls = sitemap_urls(client.get("/sitemap.xml"))

    for language in ("fr", "en"):
        with translation.override(language):
            page = f"http://testserver{followed.get_absolute_url()}"
            assert urls[page] == "2026-03-02"
            assert urls[f"http://testserver{fresh.get_absolute_url()}"] is None
            assert f"http://testserver{draft.get_absolute_url()}" not in urls
            assert f"http://testserver{url('themes:recommendations', language)}" in urls
            # A recommendation is listed once, at its follow-up page, not at its finding address.
            assert f"http://testserver{url('themes:finding', language, pk=followed.pk)}" not in urls
            assert f"http://testserver{risk.get_absolute_url()}" in urls
