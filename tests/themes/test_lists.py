"""The lists: meetings named by their short title under each finding, chart labels that are
never cut, and filters behind a « Filtrer » disclosure."""

import re

import pytest

from tests.factories import FindingFactory, MeetingFactory, ThemeFactory
from themes.chart import LABEL_LINE_LENGTH, WIDTH

pytestmark = pytest.mark.django_db

LONG_TITLE_FR = (
    "L’intelligence artificielle : un état des lieux des risques et des opportunités pour "
    "la paix et la sécurité internationales"
)


def finding_sources(page: str) -> list[str]:
    """The text naming the meeting under each finding card."""
    return re.findall(r'<p class="finding__source"><a [^>]*>([^<]*)</a>', page)


def test_finding_cards_name_their_meeting_by_its_short_title(client):
    meeting = MeetingFactory(
        title_fr=LONG_TITLE_FR,
        title_en="Artificial intelligence: taking stock of the risks and opportunities",
        short_title_fr="IA et sécurité internationale (Genève, avril 2025)",
        short_title_en="AI and international security (Geneva, April 2025)",
    )
    theme = ThemeFactory(slug="ia")
    FindingFactory.create_batch(3, meeting=meeting, themes=[theme])

    explorer = client.get("/fr/constats/").text
    theme_page = client.get("/en/themes/ia/").text

    assert finding_sources(explorer) == ["IA et sécurité internationale (Genève, avril 2025)"] * 3
    assert finding_sources(theme_page) == ["AI and international security (Geneva, April 2025)"] * 3
    assert LONG_TITLE_FR not in explorer.split('class="finding-list"')[1]


def test_a_meeting_without_a_short_title_goes_by_its_title(client):
    FindingFactory(meeting__title_fr="Rencontre de Dakar")

    explorer = client.get("/fr/constats/").text

    assert finding_sources(explorer) == ["Rencontre de Dakar"]


def test_a_short_title_missing_in_english_is_the_french_one_marked_as_french(client):
    FindingFactory(meeting__short_title_fr="IA (Genève)", meeting__short_title_en="")

    explorer = client.get("/en/findings/").text

    assert '<a href="/en/meetings/' in explorer
    assert re.search(r'<p class="finding__source"><a [^>]*lang="fr">IA \(Genève\)</a>', explorer)


@pytest.mark.parametrize(
    ("language", "path", "name"),
    [
        (
            "fr",
            "/fr/constats/",
            "Lutte contre la criminalité transnationale organisée, la piraterie maritime et "
            "le trafic d’armes légères et de petit calibre",
        ),
        (
            "en",
            "/en/findings/",
            "Fight against transnational organised crime, maritime piracy and the trafficking "
            "of small arms and light weapons",
        ),
    ],
)
def test_chart_labels_give_a_long_theme_name_whole_within_the_chart(client, language, path, name):
    theme = ThemeFactory(**{f"name_{language}": name})
    FindingFactory(themes=[theme])

    page = client.get(path).text

    svg = page[page.index('<svg class="chart__svg"') : page.index("</svg>")]
    width, height = map(float, re.search(r'viewBox="0 0 (\S+) (\S+)"', svg).groups())
    lines = re.findall(r'<tspan x="0" y="([\d.]+)">([^<]*)</tspan>', svg)
    assert " ".join(text for _y, text in lines) == name
    assert "…" not in svg
    assert width == WIDTH and len(lines) > 1
    assert all(len(text) <= LABEL_LINE_LENGTH for _y, text in lines)
    assert all(0 < float(y) < height for y, _text in lines)


def test_filters_sit_behind_a_closed_filter_disclosure_that_counts_those_set(client):
    FindingFactory()

    plain = client.get("/fr/constats/").text
    filtered = client.get("/en/findings/?kind=risk&sector=civil").text

    assert '<details class="filters-disclosure">' in plain
    assert re.search(r"<summary[^>]*>Filtrer</summary>", plain)
    assert '<details class="filters-disclosure">' in filtered
    assert 'Filter <span class="filters-disclosure__count">(2 active)</span>' in filtered
    # Closed or not, the results follow the filters in the page.
    assert filtered.index("</details>") < filtered.index('class="finding-list"')


def test_a_wrong_filter_opens_the_disclosure_so_that_its_message_shows(client):
    response = client.get("/fr/rencontres/?year=abc")

    assert response.status_code == 400
    assert '<details class="filters-disclosure" open>' in response.text
