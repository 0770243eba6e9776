"""Open data and the web's conventions: Atom feeds, CSV and JSON exports, sitemap, robots."""

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest

from events.models import Meeting, MeetingOrganiser
from tests.factories import (
    FindingFactory,
    MeetingFactory,
    MeetingOrganiserFactory,
    OrganisationFactory,
    SessionFactory,
    SpeakerFactory,
    ThemeFactory,
    geneva,
)
from themes.citations import finding_citation
from themes.models import Finding

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def atom(response) -> ET.Element:
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 - the portal's own output


def entry_titles(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def csv_records(response) -> list[dict]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def ai_meeting(themes=(), **kwargs) -> Meeting:
    """The first meeting of the cycle, organised by the OIF with UNIDIR."""
    meeting = MeetingFactory(
        slug="ia",
        title_fr="L’IA et la paix",
        title_en="AI and peace",
        start=geneva(2025, 4, 15, 9),
        end=geneva(2025, 4, 15, 18),
        reported_participants=80,
        reported_participants_is_minimum=True,
        **kwargs,
    )
    meeting.themes.set(themes)
    # Added first but listed second: the lead organiser comes first whatever the order.
    MeetingOrganiserFactory(
        meeting=meeting,
        role=MeetingOrganiser.Role.CO_ORGANISER,
        organisation=OrganisationFactory(name_fr="Institut des Nations unies", acronym="UNIDIR"),
    )
    MeetingOrganiserFactory(
        meeting=meeting,
        role=MeetingOrganiser.Role.LEAD,
        organisation=OrganisationFactory(
            name_fr="Organisation internationale de la Francophonie", acronym="OIF"
        ),
    )
    return meeting


# Atom feeds.


def test_meetings_feed_lists_public_meetings_with_absolute_links(client):
    ai_meeting(themes=[ThemeFactory(name_fr="Intelligence artificielle")])
    MeetingFactory(title_fr="Rencontre en préparation", status=Meeting.Status.DRAFT)

    feed = atom(client.get("/fr/rencontres/flux/"))

    assert feed.findtext(f"{ATOM}title") == "Rencontres sur la paix, la stabilité et le désarmement"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        "http://testserver/fr/rencontres/"
    )
    assert feed.findtext(f"{ATOM}updated")
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "L’IA et la paix"
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/fr/rencontres/ia/"
    assert entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "OIF; UNIDIR"
    summary = entry.findtext(f"{ATOM}summary")
    assert "15 avril 2025" in summary and "Un résumé en français." in summary
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [
        "Intelligence artificielle"
    ]


def test_meetings_feed_follows_the_language_of_its_address(client):
    ai_meeting()
    MeetingFactory(title_en="Called off", status=Meeting.Status.CANCELLED)
    MeetingFactory(title_en="Demonstration", is_example=True)

    feed = atom(client.get("/en/meetings/feed/"))

    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert feed.findtext(f"{ATOM}title") == "Meetings on peace, stability and disarmament"
    assert sorted(entry_titles(feed)) == [
        "AI and peace",
        "Cancelled: Called off",
        "Demonstration (fictional example)",
    ]
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]
    assert "http://testserver/en/meetings/ia/" in links


def test_meetings_feed_keeps_the_newest_fifty(client):
    oldest = MeetingFactory(title_fr="La plus ancienne", start=geneva(2020, 1, 6))
    for day in range(50):
        MeetingFactory(start=geneva(2021, 1, 1) + dt.timedelta(days=day))

    feed = atom(client.get("/fr/rencontres/flux/"))

    assert len(feed.findall(f"{ATOM}entry")) == 50
    assert oldest.title not in entry_titles(feed)


def test_findings_feed_titles_entries_with_their_kind(client):
    meeting = ai_meeting()
    FindingFactory(
        meeting=meeting, kind=Finding.Kind.RISK, title_fr="Prolifération", title_en="Proliferation"
    )
    FindingFactory(meeting=meeting, kind=Finding.Kind.OPPORTUNITY, title_en="Faster inquiries")
    draft = MeetingFactory(status=Meeting.Status.DRAFT)
    FindingFactory(meeting=draft, title_fr="Constat d’une rencontre en préparation")

    french = atom(client.get("/fr/constats/flux/"))
    english = atom(client.get("/en/findings/feed/"))

    assert english.findtext(f"{ATOM}title") == (
        "Findings of the meetings on peace, stability and disarmament"
    )
    assert french.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        "http://testserver/fr/constats/"
    )
    opportunity, risk = entry_titles(french)
    assert risk.startswith("Risque") and risk.endswith("Prolifération")
    assert entry_titles(english) == ["Opportunity: Faster inquiries", "Risk: Proliferation"]
    entry = english.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/en/findings/")
    assert "Text of the finding." in entry.findtext(f"{ATOM}summary")
    assert "“AI and peace”" in entry.findtext(f"{ATOM}summary")


def build_cycle(size: int) -> None:
    """`size` public meetings, each with organisers, themes, sessions and findings."""
    theme = ThemeFactory()
    for index in range(size):
        meeting = MeetingFactory(start=geneva(2024, 1, 1) + dt.timedelta(days=index))
        meeting.themes.add(theme)
        MeetingOrganiserFactory(meeting=meeting)
        MeetingOrganiserFactory(meeting=meeting, role=MeetingOrganiser.Role.PARTNER)
        session = SessionFactory(meeting=meeting)
        FindingFactory(meeting=meeting, session=session, themes=[theme])


@pytest.mark.parametrize(
    "path",
    [
        "/fr/rencontres/flux/",
        "/fr/constats/flux/",
        "/fr/rencontres/export.csv",
        "/en/meetings/export.json",
        "/fr/constats/export.csv",
        "/en/findings/export.json",
        "/en/findings/export.json?kind=risk",
        "/sitemap.xml",
    ],
)
def test_open_data_queries_do_not_grow_with_the_data(client, django_assert_max_num_queries, path):
    build_cycle(3)
    with django_assert_max_num_queries(5) as small_queries:
        assert client.get(path).status_code == 200
    build_cycle(27)

    with django_assert_max_num_queries(len(small_queries)):
        response = client.get(path)

    assert response.status_code == 200


# CSV and JSON exports.


def test_meetings_csv_has_one_record_per_public_meeting_with_citation_and_licence(client):
    ai_meeting(themes=[ThemeFactory(name_fr="Intelligence artificielle")])
    MeetingFactory(title_fr="Rencontre en préparation", status=Meeting.Status.DRAFT)

    response = client.get("/fr/rencontres/export.csv")

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="rencontres-')
    [record] = csv_records(response)
    assert record == {
        "id": record["id"],
        "url": "http://testserver/fr/rencontres/ia/",
        "title": "L’IA et la paix",
        "summary": "Un résumé en français.",
        "start": "2025-04-15T09:00:00+02:00",
        "end": "2025-04-15T18:00:00+02:00",
        "timezone": "Europe/Zurich",
        "venue": "Palais des Nations",
        "city": "Genève",
        "country": "CH",
        "format": "in_person",
        "format_label": "En présentiel",
        "status": "published",
        "status_label": "Publiée",
        "organisers": "OIF; UNIDIR",
        "themes": "Intelligence artificielle",
        "reported_participants": "80",
        "reported_participants_is_minimum": "true",
        "is_example": "false",
        "citation": record["citation"],
        "licence": "CC BY 4.0",
        "licence_url": LICENCE_URL,
    }
    assert "L’IA et la paix" in record["citation"]
    assert record["citation"].endswith(
        ", OIF, UNIDIR, Genève, 15 avril 2025. http://testserver/fr/rencontres/ia/"
    )


def test_meetings_json_follows_the_language_and_says_which_are_cancelled(client):
    ai_meeting()
    MeetingFactory(slug="annulee", title_en="Called off", status=Meeting.Status.CANCELLED)
    MeetingFactory(slug="brouillon", status=Meeting.Status.DRAFT)

    response = client.get("/en/meetings/export.json")

    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["licence"] == {"name": "CC BY 4.0", "url": LICENCE_URL}
    assert data["count"] == 2
    assert data["generated"]
    assert [r["title"] for r in data["results"]] == ["AI and peace", "Called off"]
    ai, cancelled = data["results"]
    assert ai["citation"] == (
        "“AI and peace”, OIF, UNIDIR, Geneva, 15 April 2025. http://testserver/en/meetings/ia/"
    )
    assert ai["organisers"] == ["OIF", "UNIDIR"]
    assert ai["reported_participants"] == 80
    assert (cancelled["status"], cancelled["status_label"]) == ("cancelled", "Cancelled")
    assert all(record["licence"] == "CC BY 4.0" for record in data["results"])


def test_english_export_falls_back_to_french_text(client):
    MeetingFactory(title_fr="Rencontre non traduite", title_en="")

    data = json.loads(client.get("/en/meetings/export.json").content)

    assert data["results"][0]["title"] == "Rencontre non traduite"


def finding_of_ai_meeting(**kwargs) -> Finding:
    meeting = ai_meeting()
    session = SessionFactory(meeting=meeting, title_fr="Table ronde", title_en="Round table")
    return FindingFactory(
        meeting=meeting,
        session=session,
        kind=Finding.Kind.RISK,
        sector=Finding.Sector.MILITARY,
        title_fr="Prolifération",
        title_en="Proliferation",
        themes=[ThemeFactory(name_fr="Désarmement", name_en="Disarmament")],
        **kwargs,
    )


def test_findings_csv_has_one_record_per_public_finding(client):
    finding = finding_of_ai_meeting()
    FindingFactory(meeting=MeetingFactory(status=Meeting.Status.DRAFT), title_fr="Constat caché")

    response = client.get("/en/findings/export.csv")

    assert response.headers["Content-Disposition"].startswith('attachment; filename="findings-')
    [record] = csv_records(response)
    url = f"http://testserver/en/findings/{finding.pk}/"
    assert record == {
        "id": str(finding.pk),
        "url": url,
        "kind": "risk",
        "kind_label": "Risk",
        "sector": "military",
        "sector_label": "Military",
        "title": "Proliferation",
        "text": "Text of the finding.",
        "themes": "Disarmament",
        "meeting_id": str(finding.meeting_id),
        "meeting_title": "AI and peace",
        "meeting_url": "http://testserver/en/meetings/ia/",
        "meeting_date": "2025-04-15",
        "session_title": "Round table",
        "is_example": "false",
        "citation": (
            "“Proliferation”, finding of the meeting “AI and peace”, OIF, UNIDIR, Geneva, "
            f"15 April 2025. {url}"
        ),
        "licence": "CC BY 4.0",
        "licence_url": LICENCE_URL,
    }


# Texts a spreadsheet would run as formulas; staff may paste anything in a title.
FORMULAS = ["=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\tcmd", "\r=1", '=HYPERLINK("x")']


@pytest.mark.parametrize("value", FORMULAS)
def test_csv_exports_write_formulas_as_text(client, value):
    meeting = MeetingFactory(title_fr=value, city_fr=value)
    FindingFactory(meeting=meeting, title_fr=value, text_fr=value)

    [meeting] = csv_records(client.get("/fr/rencontres/export.csv"))
    [finding] = csv_records(client.get("/fr/constats/export.csv"))

    assert (meeting["title"], meeting["city"]) == (f"'{value}", f"'{value}")
    assert (finding["title"], finding["text"]) == (f"'{value}", f"'{value}")
    assert finding["meeting_title"] == f"'{value}"


def test_csv_exports_keep_ordinary_texts_and_negative_numbers_as_they_are(client):
    meeting = MeetingFactory(title_fr="-2", city_fr="Genève", summary_fr="a=b; -1,5 %")
    FindingFactory(meeting=meeting, title_fr="Non-prolifération")

    [meeting] = csv_records(client.get("/fr/rencontres/export.csv"))
    [finding] = csv_records(client.get("/fr/constats/export.csv"))

    assert (meeting["title"], meeting["city"], meeting["summary"]) == (
        "-2",
        "Genève",
        "a=b; -1,5 %",
    )
    assert finding["title"] == "Non-prolifération"


def test_findings_json_is_in_the_language_of_its_address(client):
    finding = finding_of_ai_meeting()

    data = json.loads(client.get("/fr/constats/export.json").content)

    assert data["count"] == 1
    [record] = data["results"]
    assert (record["title"], record["kind_label"], record["themes"]) == (
        "Prolifération",
        "Risque",
        ["Désarmement"],
    )
    assert record["meeting_url"] == "http://testserver/fr/rencontres/ia/"
    assert record["citation"].endswith(
        f", OIF, UNIDIR, Genève, 15 avril 2025. http://testserver/fr/constats/{finding.pk}/"
    )


def test_exports_never_say_who_made_a_finding(client):
    speaker = SpeakerFactory(name="Amina Exemple")
    attributed = OrganisationFactory(name_fr="Mission discrète", acronym="MD")
    finding_of_ai_meeting(speaker=speaker, organisation=attributed, chatham_house=True)

    csv_text = client.get("/fr/constats/export.csv").content.decode("utf-8-sig")
    json_text = client.get("/fr/constats/export.json").content.decode()

    for text in (csv_text, json_text):
        assert "Amina Exemple" not in text
        assert "Mission discrète" not in text and "MD" not in text
        assert "speaker" not in text


def test_finding_citation_is_in_the_language_asked_for():
    finding = finding_of_ai_meeting()

    english = finding_citation(finding, url="https://example.org/f/1/", language="en")

    assert english == (
        "“Proliferation”, finding of the meeting “AI and peace”, OIF, UNIDIR, Geneva, "
        "15 April 2025. https://example.org/f/1/"
    )


def test_findings_json_can_be_filtered_by_theme_and_kind(client):
    theme = ThemeFactory(slug="ia")
    meeting = ai_meeting()
    FindingFactory(meeting=meeting, kind=Finding.Kind.RISK, title_en="Risk on AI", themes=[theme])
    FindingFactory(
        meeting=meeting, kind=Finding.Kind.OPPORTUNITY, title_en="AI helps", themes=[theme]
    )
    FindingFactory(meeting=meeting, kind=Finding.Kind.RISK, title_en="Another risk")

    by_theme = json.loads(client.get("/en/findings/export.json?theme=ia").content)
    by_both = json.loads(client.get("/en/findings/export.json?theme=ia&kind=risk").content)

    assert sorted(r["title"] for r in by_theme["results"]) == ["AI helps", "Risk on AI"]
    assert [r["title"] for r in by_both["results"]] == ["Risk on AI"]


@pytest.mark.parametrize("query", ["theme=inconnu", "kind=rumour"])
def test_findings_export_rejects_an_unknown_filter_value(client, query):
    FindingFactory()

    as_json = client.get(f"/en/findings/export.json?{query}")
    as_csv = client.get(f"/fr/constats/export.csv?{query}")

    assert as_json.status_code == 400
    assert "errors" in json.loads(as_json.content)
    assert as_csv.status_code == 400
    assert "Sélectionnez un choix valide" in as_csv.content.decode()


# Sitemap and robots.txt.


def sitemap_urls(response) -> dict[str, dict[str, str]]:
    """Each <loc> with its alternates by hreflang."""
    urlset = ET.fromstring(response.content)  # noqa: S314 - the portal's own output
    return {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in urlset.findall(f"{SITEMAP}url")
    }


def test_sitemap_lists_a_meeting_in_both_languages_with_its_alternates(client):
    MeetingFactory(slug="ia")

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml"
    urls = sitemap_urls(response)
    alternates = {
        "fr": "http://testserver/fr/rencontres/ia/",
        "en": "http://testserver/en/meetings/ia/",
        "x-default": "http://testserver/fr/rencontres/ia/",
    }
    assert urls["http://testserver/fr/rencontres/ia/"] == alternates
    assert urls["http://testserver/en/meetings/ia/"] == alternates


def test_sitemap_lists_the_pages_themes_findings_and_organisers(client):
    organiser = MeetingOrganiserFactory(organisation__slug="oif")
    theme = ThemeFactory(slug="desarmement")
    finding = FindingFactory(meeting=organiser.meeting)
    OrganisationFactory(slug="sans-rencontre")

    urls = sitemap_urls(client.get("/sitemap.xml"))

    for path in [
        "/fr/",
        "/en/",
        "/fr/rencontres/",
        "/en/meetings/",
        "/fr/constats/",
        "/en/findings/",
        "/fr/confidentialite/",
        "/en/privacy/",
        f"/fr/themes/{theme.slug}/",
        f"/en/themes/{theme.slug}/",
        f"/fr/constats/{finding.pk}/",
        f"/en/findings/{finding.pk}/",
        "/fr/organisations/oif/",
        "/en/organisations/oif/",
    ]:
        assert f"http://testserver{path}" in urls, path
    assert "http://testserver/fr/organisations/sans-rencontre/" not in urls


def test_sitemap_leaves_out_drafts_their_findings_and_their_organisers(client):
    draft = MeetingFactory(slug="brouillon", status=Meeting.Status.DRAFT)
    MeetingOrganiserFactory(meeting=draft, organisation__slug="seulement-brouillon")
    finding = FindingFactory(meeting=draft)

    text = client.get("/sitemap.xml").content.decode()

    assert "brouillon" not in text
    assert f"/constats/{finding.pk}/" not in text
    assert "seulement-brouillon" not in text


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_personal_links(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    for path in [
        "/fr/admin/",
        "/en/admin/",
        "/fr/inscription/confirmer/",
        "/fr/inscription/gerer/",
        "/en/registration/confirm/",
        "/en/registration/manage/",
    ]:
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response.headers["Location"].endswith("favicon.svg")
