"""A citation, a date range and a place are written once (core.citations, core.dates,
core.places): the page, the CSV, the JSON, the feed and the e-mail show the same text."""

import csv
import datetime as dt
import html
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone, translation

from core.citations import citation
from core.dates import date_range
from core.places import place
from events.models import Meeting, MeetingOrganiser
from tests.factories import (
    FindingFactory,
    MeetingFactory,
    MeetingOrganiserFactory,
    OrganisationFactory,
    SessionFactory,
    geneva,
)
from tests.participants.conftest import form_data

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FR = {
    "csv": "/fr/constats/export.csv",
    "json": "/fr/constats/export.json",
    "finding": "/fr/constats",
}
EN = {
    "csv": "/en/findings/export.csv",
    "json": "/en/findings/export.json",
    "finding": "/en/findings",
}


def text_of(fragment: str) -> str:
    """What a reader sees of an HTML fragment: no tags, no entities, spaces collapsed."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def csv_records(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def example_meeting(**kwargs) -> Meeting:
    """A fictional meeting over two days, organised by the OIF (lead) with UNIDIR."""
    meeting = MeetingFactory(
        slug="exemple",
        title_fr="Rencontre d’exemple",
        title_en="Example meeting",
        is_example=True,
        **{"start": geneva(2025, 4, 15), "end": geneva(2025, 4, 16, 17), **kwargs},
    )
    MeetingOrganiserFactory(
        meeting=meeting,
        role=MeetingOrganiser.Role.CO_ORGANISER,
        order=0,
        organisation=OrganisationFactory(acronym_fr="UNIDIR", acronym_en="UNIDIR"),
    )
    MeetingOrganiserFactory(
        meeting=meeting,
        role=MeetingOrganiser.Role.LEAD,
        order=1,
        organisation=OrganisationFactory(acronym_fr="OIF", acronym_en="OIF"),
    )
    return meeting


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (
            FR,
            "[Exemple fictif] «\u00a0Prolifération\u00a0», constat de la rencontre "
            "«\u00a0Rencontre d’exemple\u00a0», OIF, UNIDIR, Genève, "
            "15-16 avril 2025.",
        ),
        (
            EN,
            "[Fictional example] “Proliferation”, finding of the meeting “Example meeting”, "
            "OIF, UNIDIR, Geneva, 15–16 April 2025.",
        ),
    ],
    ids=["fr", "en"],
)
def test_finding_page_csv_and_json_give_the_same_citation(client, paths, expected):
    finding = FindingFactory(
        meeting=example_meeting(), title_fr="Prolifération", title_en="Proliferation"
    )

    page = client.get(f"{paths['finding']}/{finding.pk}/").text
    on_page = text_of(re.search(r'id="citation-text">(.*?)</p>', page, re.S).group(1))
    [in_csv] = [r["citation"] for r in csv_records(client.get(paths["csv"]))]
    [in_json] = [r["citation"] for r in json.loads(client.get(paths["json"]).content)["results"]]

    url = f"http://testserver{paths['finding']}/{finding.pk}/"
    assert on_page == in_csv == in_json == f"{expected} {url}"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_meeting_csv_and_json_give_the_same_citation_labelled_as_an_example(client, language):
    example_meeting()
    base = {"fr": "/fr/rencontres", "en": "/en/meetings"}[language]

    [in_csv] = [r["citation"] for r in csv_records(client.get(f"{base}/export.csv"))]
    [in_json] = [
        r["citation"] for r in json.loads(client.get(f"{base}/export.json").content)["results"]
    ]

    label, city, days = {
        "fr": ("[Exemple fictif]", "Genève", "15-16 avril 2025"),
        "en": ("[Fictional example]", "Geneva", "15–16 April 2025"),
    }[language]
    assert in_csv == in_json
    assert in_csv.startswith(f"{label} ")
    assert in_csv.endswith(f", OIF, UNIDIR, {city}, {days}. http://testserver{base}/exemple/")


def upcoming_meeting() -> Meeting:
    """A meeting over two days next month in Geneva, open for registration."""
    start = (timezone.now() + dt.timedelta(days=30)).replace(hour=7, minute=0, second=0)
    meeting = MeetingFactory(
        slug="atelier",
        start=start,
        end=start + dt.timedelta(days=1, hours=9),
        registration_mode=Meeting.RegistrationMode.OPEN,
    )
    SessionFactory(meeting=meeting, start=start + dt.timedelta(hours=1), capacity=5)
    return meeting


@pytest.mark.parametrize(
    ("language", "page", "feed", "register"),
    [
        ("fr", "/fr/rencontres/atelier/", "/fr/rencontres/flux/", "/fr/inscription/atelier/"),
        ("en", "/en/meetings/atelier/", "/en/meetings/feed/", "/en/register/atelier/"),
    ],
    ids=["fr", "en"],
)
def test_meeting_page_feed_and_email_give_the_same_dates_and_place(
    client, mailoutbox, django_capture_on_commit_callbacks, language, page, feed, register
):
    meeting = upcoming_meeting()
    session = meeting.sessions.get()

    page_text = client.get(page).text
    on_page = text_of(re.search(r'class="meeting__when-where">(.*?)</p>', page_text, re.S).group(1))
    entry = ET.fromstring(client.get(feed).content).find(f"{ATOM}entry")  # noqa: S314
    summary = entry.findtext(f"{ATOM}summary") or entry.findtext(f"{ATOM}content")
    feed_days, feed_place = [text_of(p) for p in re.findall(r"<p>(.*?)</p>", summary)][:2]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            register, form_data(session, language=language, email=f"{language}@example.org")
        )
    assert response.status_code == 302
    [message] = mailoutbox
    country = {"fr": "Suisse", "en": "Switzerland"}[language]
    [in_email] = [line for line in message.body.splitlines() if f"({country})" in line]

    assert on_page == in_email.strip() == f"{feed_days} · {feed_place}"
    assert meeting.is_multi_day  # a span of days: the case where the three used to differ
    with translation.override(language):
        assert feed_place == place(meeting.venue, meeting.city, country)
        assert feed_days == date_range(meeting.local_start, meeting.local_end)


# The three functions themselves.


def test_date_range_of_one_day_gives_the_day_once():
    with translation.override("fr"):
        assert date_range(geneva(2025, 4, 15, 9), geneva(2025, 4, 15, 18)) == "15 avril 2025"


def test_date_range_counts_the_days_of_the_venue_not_of_utc():
    # 23:30 to 01:00 in Dakar (UTC+0) is one day there; read in Geneva it would be two.
    dakar = dt.UTC
    start = dt.datetime(2025, 4, 15, 23, 30, tzinfo=dakar)
    with translation.override("en"):
        assert date_range(start, start + dt.timedelta(minutes=20)) == "15 April 2025"
        assert date_range(start, start + dt.timedelta(hours=1)) == ("15–16 April 2025")


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("Palais des Nations", "Genève", "Suisse"), "Palais des Nations, Genève (Suisse)"),
        (("", "Genève", "Suisse"), "Genève (Suisse)"),
        (("Palais des Nations", "", "Suisse"), "Palais des Nations (Suisse)"),
        (("Palais des Nations", "Genève", ""), "Palais des Nations, Genève"),
        (("", "", "Suisse"), "Suisse"),
        (("", "", ""), ""),
    ],
)
def test_place_leaves_out_missing_parts(parts, expected):
    assert place(*parts) == expected


def test_citation_of_a_real_meeting_has_no_label():
    with translation.override("en"):
        text = citation(
            "“AI and peace”",
            organisers=["OIF", "UNIDIR"],
            city="Geneva",
            start=geneva(2025, 4, 15, 9),
            end=geneva(2025, 4, 15, 18),
            url="https://example.org/m/",
        )

    assert text == "“AI and peace”, OIF, UNIDIR, Geneva, 15 April 2025. https://example.org/m/"


def test_meeting_filter_of_the_findings_gives_the_meetings_days_as_its_page_does(client):
    meeting = example_meeting()
    FindingFactory(meeting=meeting)

    findings = client.get("/fr/constats/").text
    meeting_page = client.get("/fr/rencontres/exemple/").text

    days = text_of(re.search(r'class="meeting__when-where">(.*?) ·', meeting_page, re.S).group(1))
    assert days == "15-16 avril 2025"
    assert f"Rencontre d’exemple ({days})</option>" in html.unescape(findings)
