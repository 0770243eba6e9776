import re

import pytest

from events.models import Meeting, MeetingOrganiser
from tests.factories import (
    FindingFactory,
    MeetingFactory,
    MeetingOrganiserFactory,
    OrganisationFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    ThemeFactory,
    geneva,
)
from themes.chart import BARS_WIDTH
from themes.models import Finding

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [finding.title for finding in response.context["object_list"]]


def figure(page: str, kind: str) -> int:
    """The number a theme's figures give for a kind (`opportunity`, …, `meetings`)."""
    return int(re.search(rf'class="theme-figures__{kind}">(\d+)', page).group(1))


def citation_of(page: str) -> str:
    return re.search(r'<p class="citation__text" id="citation-text">(.*?)</p>', page).group(1)


# --- The themes page -------------------------------------------------------------------


def test_themes_page_gives_each_theme_its_counts_of_findings_and_meetings(client):
    theme = ThemeFactory(name_fr="Intelligence artificielle")
    first, second = MeetingFactory(), MeetingFactory()
    first.themes.add(theme)
    second.themes.add(theme)
    FindingFactory(meeting=first, kind=Finding.Kind.OPPORTUNITY, themes=[theme])
    FindingFactory(meeting=second, kind=Finding.Kind.OPPORTUNITY, themes=[theme])
    FindingFactory(meeting=second, kind=Finding.Kind.RISK, themes=[theme])

    page = client.get("/fr/themes/").text

    assert "Intelligence artificielle" in page
    assert figure(page, "opportunity") == 2
    assert figure(page, "risk") == 1
    assert figure(page, "recommendation") == 0
    assert "2 rencontres" in page


def test_themes_page_in_english(client):
    theme = ThemeFactory(
        name_fr="Désarmement", name_en="Disarmament", description_en="Arms control and more."
    )
    FindingFactory(kind=Finding.Kind.RISK, themes=[theme]).meeting.themes.add(theme)

    response = client.get("/en/themes/")

    assert response.status_code == 200
    assert "Disarmament" in response.text
    assert "Arms control and more." in response.text
    assert "1 risk<" in response.text
    assert "1 meeting<" in response.text


def test_themes_page_out_of_range_is_a_404(client):
    ThemeFactory()

    response = client.get("/fr/themes/?page=9")

    assert response.status_code == 404
    assert "Page introuvable" in response.text


# --- A theme's page --------------------------------------------------------------------


def test_theme_page_groups_findings_by_kind_newest_meeting_first(client):
    theme = ThemeFactory(slug="ia", name_fr="Intelligence artificielle", description_fr="L’IA.")
    for year in (2023, 2025, 2024):
        FindingFactory(
            meeting__start=geneva(year, 4, 15),
            kind=Finding.Kind.OPPORTUNITY,
            title_fr=f"Opportunité de {year}",
            themes=[theme],
        )
    FindingFactory(kind=Finding.Kind.RISK, title_fr="Un risque", themes=[theme])

    page = client.get("/fr/themes/ia/").text

    assert "<h1>Intelligence artificielle</h1>" in page
    assert "L’IA." in page
    assert page.index("Opportunités") < page.index("Opportunité de 2025")
    assert page.index("Opportunité de 2025") < page.index("Opportunité de 2024")
    assert page.index("Opportunité de 2024") < page.index("Opportunité de 2023")
    assert page.index("Opportunité de 2023") < page.index("Risques") < page.index("Un risque")


def test_theme_page_leaves_out_findings_on_other_themes(client):
    theme = ThemeFactory(slug="ia")
    FindingFactory(title_fr="Sur l’IA", themes=[theme])
    FindingFactory(title_fr="Sur autre chose", themes=[ThemeFactory()])

    page = client.get("/fr/themes/ia/").text

    assert "Sur l’IA" in page
    assert "Sur autre chose" not in page


def test_theme_page_shows_six_findings_per_kind_and_links_to_the_explorer_for_the_rest(client):
    theme = ThemeFactory(slug="ia")
    for _ in range(8):
        FindingFactory(kind=Finding.Kind.OPPORTUNITY, themes=[theme])
    FindingFactory(kind=Finding.Kind.RISK, themes=[theme])

    response = client.get("/fr/themes/ia/")

    assert response.text.count('class="finding finding--opportunity"') == 6
    assert response.text.count('class="finding finding--risk"') == 1
    assert 'href="/fr/constats/?theme=ia&amp;kind=opportunity"' in response.text
    assert "kind=risk" not in response.text
    assert "(8)" in response.text


def test_theme_page_lists_its_public_meetings_newest_first(client):
    theme = ThemeFactory(slug="ia")
    for year in (2024, 2025):
        MeetingFactory(title_fr=f"Rencontre {year}", start=geneva(year, 4, 15)).themes.add(theme)
    MeetingFactory(title_fr="Rencontre en préparation", status=Meeting.Status.DRAFT).themes.add(
        theme
    )
    MeetingFactory(title_fr="Rencontre sur autre chose")

    page = client.get("/fr/themes/ia/").text

    assert page.index("Rencontre 2025") < page.index("Rencontre 2024")
    assert "Rencontre en préparation" not in page
    assert "Rencontre sur autre chose" not in page


def test_theme_page_links_to_the_meetings_list_when_it_has_more_meetings_than_it_shows(client):
    theme = ThemeFactory(slug="ia")
    for _ in range(8):
        MeetingFactory().themes.add(theme)

    page = client.get("/fr/themes/ia/").text

    assert page.count('class="card event-card"') == 6
    assert 'href="/fr/rencontres/?theme=ia"' in page


def test_theme_page_in_english(client):
    theme = ThemeFactory(slug="ia", name_en="Artificial intelligence", description_en="About AI.")
    FindingFactory(title_en="Fighting disinformation", themes=[theme])

    response = client.get("/en/themes/ia/")

    assert response.status_code == 200
    assert "<h1>Artificial intelligence</h1>" in response.text
    assert "About AI." in response.text
    assert "Fighting disinformation" in response.text
    assert "Opportunities" in response.text


def test_theme_page_marks_a_french_fallback_as_french(client):
    ThemeFactory(slug="ia", name_fr="Intelligence artificielle", name_en="")

    response = client.get("/en/themes/ia/")

    assert '<h1 lang="fr">Intelligence artificielle</h1>' in response.text


def test_unknown_theme_is_a_404(client):
    response = client.get("/fr/themes/inconnu/")

    assert response.status_code == 404
    assert "Page introuvable" in response.text


# --- The findings explorer -------------------------------------------------------------


@pytest.fixture
def three_findings():
    """Three findings from two meetings, differing by kind, sector, theme, meeting and year."""
    ia = ThemeFactory(slug="ia", name_en="Artificial intelligence")
    disarmament = ThemeFactory(slug="desarmement", name_en="Disarmament")
    meeting_2024 = MeetingFactory(slug="rencontre-2024", start=geneva(2024, 5, 2))
    meeting_2025 = MeetingFactory(slug="rencontre-2025", start=geneva(2025, 4, 15))
    FindingFactory(
        meeting=meeting_2024,
        kind=Finding.Kind.OPPORTUNITY,
        sector=Finding.Sector.CIVIL,
        title_fr="Opportunité civile",
        themes=[ia],
    )
    FindingFactory(
        meeting=meeting_2025,
        kind=Finding.Kind.RISK,
        sector=Finding.Sector.MILITARY,
        title_fr="Risque militaire",
        themes=[disarmament],
    )
    FindingFactory(
        meeting=meeting_2025,
        kind=Finding.Kind.RECOMMENDATION,
        sector=Finding.Sector.BOTH,
        title_fr="Recommandation",
        themes=[ia, disarmament],
    )


def test_explorer_shows_every_public_finding_newest_meeting_first(client, three_findings):
    response = client.get("/fr/constats/")

    assert response.status_code == 200
    assert titles(response) == ["Risque militaire", "Recommandation", "Opportunité civile"]
    assert re.search(r'class="results__count">3 ', response.text)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=risk", {"Risque militaire"}),
        ("sector=civil", {"Opportunité civile"}),
        ("theme=ia", {"Opportunité civile", "Recommandation"}),
        ("meeting=rencontre-2025", {"Risque militaire", "Recommandation"}),
        ("year=2024", {"Opportunité civile"}),
        ("theme=ia&year=2025", {"Recommandation"}),
    ],
)
def test_each_explorer_filter_narrows_the_findings(client, three_findings, query, expected):
    response = client.get(f"/fr/constats/?{query}")

    assert response.status_code == 200
    assert set(titles(response)) == expected


def test_counts_per_kind_follow_the_filter(client, three_findings):
    everything = client.get("/fr/constats/")
    on_ia = client.get("/fr/constats/?theme=ia")

    def counts(response):
        return {item["kind"]: item["count"] for item in response.context["kind_counts"]}

    assert counts(everything) == {"opportunity": 1, "risk": 1, "recommendation": 1}
    assert counts(on_ia) == {"opportunity": 1, "risk": 0, "recommendation": 1}
    assert re.findall(r'kind-counts__count">(\d+)<', on_ia.text) == ["1", "0", "1"]


def test_chart_and_its_table_show_the_same_numbers(client, three_findings):
    page = client.get("/en/findings/?year=2025").text
    svg = page[page.index("<svg") : page.index("</svg>")]
    table = page[page.index('<table class="chart__table">') : page.index("</table>")]

    bars = {
        (theme, kind): int(count)
        for theme, kind, count in re.findall(r"<title>(.+?) — (\w+): (\d+)</title>", svg)
    }
    headers = re.findall(r'<th scope="col">(\w+)</th>', table)[1:4]
    cells = {}
    for theme, numbers in re.findall(
        r'<th scope="row"><a [^>]+>(.+?)</a></th>(.*?)</tr>', table, re.S
    ):
        for kind, count in zip(headers, re.findall(r"<td>(\d+)</td>", numbers), strict=False):
            if int(count):
                cells[(theme, kind)] = int(count)

    assert headers == ["Opportunities", "Risks", "Recommendations"]
    assert bars == cells
    assert bars == {
        ("Artificial intelligence", "Recommendations"): 1,
        ("Disarmament", "Risks"): 1,
        ("Disarmament", "Recommendations"): 1,
    }
    assert 'role="img" aria-labelledby="chart-caption"' in svg
    assert 'id="chart-caption"' in page


def test_chart_bars_are_to_scale_with_the_longest_one_full_width(client):
    theme_a, theme_b = ThemeFactory(name_en="Alpha"), ThemeFactory(name_en="Beta")
    for _ in range(4):
        FindingFactory(kind=Finding.Kind.RISK, themes=[theme_a])
    FindingFactory(kind=Finding.Kind.RISK, themes=[theme_b])

    page = client.get("/en/findings/").text

    assert re.search(rf'width="{BARS_WIDTH}"[^>]*><title>Alpha — Risks: 4</title>', page)
    assert re.search(rf'width="{BARS_WIDTH / 4:g}"[^>]*><title>Beta — Risks: 1</title>', page)


@pytest.mark.parametrize(
    "query",
    [
        "kind=menace",
        "sector=naval",
        "theme=inconnu",
        "meeting=inconnue",
        "year=deux-mille",
        "year=1990",
    ],
)
def test_bad_explorer_filter_gets_a_400_with_a_message_in_french(client, three_findings, query):
    response = client.get(f"/fr/constats/?{query}")

    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.text
    assert 'class="field__error"' in response.text
    assert response.context["object_list"].count() == 0


def test_bad_explorer_filter_gets_a_message_in_english(client):
    response = client.get("/en/findings/?kind=threat")

    assert response.status_code == 400
    assert "Some filters are not valid; correct them to see the findings." in response.text
    assert "Select a valid choice" in response.text


@pytest.mark.parametrize("page", ["9", "abc", "0"])
def test_explorer_page_out_of_range_is_a_404_not_a_500(client, page):
    FindingFactory()

    response = client.get(f"/fr/constats/?page={page}")

    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_explorer_paginates_twenty_findings_a_page_and_keeps_the_filters(client):
    theme = ThemeFactory(slug="ia")
    for _ in range(21):
        FindingFactory(themes=[theme])

    first = client.get("/fr/constats/?theme=ia")
    second = client.get("/fr/constats/?theme=ia&page=2")

    assert len(first.context["object_list"]) == 20
    assert len(second.context["object_list"]) == 1
    assert 'href="?theme=ia&amp;page=2"' in first.text


def test_explorer_in_english_keeps_its_filters_across_languages(client):
    FindingFactory(title_fr="Lutte contre la piraterie", title_en="Fighting piracy")

    english = client.get("/en/findings/?kind=opportunity")
    french = client.get("/fr/constats/?kind=opportunity")

    assert english.status_code == 200
    assert "Fighting piracy" in english.text
    assert "Findings of the cycle" in english.text
    assert 'href="/en/findings/?kind=opportunity"' in french.text


def test_every_filter_field_has_a_label(client):
    page = client.get("/fr/constats/").text

    for field in ("kind", "sector", "theme", "meeting", "year"):
        assert f'<label for="id_{field}">' in page


# --- A finding's page ------------------------------------------------------------------


def attributed_finding(*, chatham_house: bool):
    meeting = MeetingFactory()
    session = SessionFactory(meeting=meeting, title_fr="Table ronde sur l’IA")
    organisation = OrganisationFactory(name_fr="Mission permanente de Nulle-Part")
    speaker = SpeakerFactory(name="Camille Oratrice", affiliation=organisation)
    SessionSpeakerFactory(session=session, speaker=speaker)
    return FindingFactory(
        meeting=meeting,
        session=session,
        speaker=speaker,
        organisation=organisation,
        title_fr="Un constat attribuable",
        chatham_house=chatham_house,
    )


def test_finding_page_credits_its_source_when_not_under_chatham_house(client):
    finding = attributed_finding(chatham_house=False)

    page = client.get(finding.get_absolute_url()).text

    assert "Camille Oratrice" in page
    assert "Mission permanente de Nulle-Part" in page


def test_chatham_house_finding_never_names_a_speaker_or_organisation(client):
    finding = attributed_finding(chatham_house=True)

    finding_page = client.get(finding.get_absolute_url()).text
    meeting_page = client.get(finding.meeting.get_absolute_url()).text
    # The findings section only: the programme after it names the session's speakers.
    findings_part = meeting_page[
        meeting_page.index('id="findings-title"') : meeting_page.index('id="about-title"')
    ]

    assert "Un constat attribuable" in finding_page
    assert "règle de Chatham House" in finding_page
    assert "Camille Oratrice" not in finding_page
    assert "Mission permanente de Nulle-Part" not in finding_page
    assert "Camille Oratrice" not in findings_part
    assert "Mission permanente de Nulle-Part" not in findings_part


def test_citation_of_a_chatham_house_finding_names_its_organisers_and_no_speaker(client):
    finding = attributed_finding(chatham_house=True)
    MeetingOrganiserFactory(meeting=finding.meeting, organisation__acronym_fr="OIF")
    theme = ThemeFactory()
    finding.themes.add(theme)
    FindingFactory(meeting=finding.meeting, speaker=finding.speaker, themes=[theme])

    page = client.get(finding.get_absolute_url()).text
    citation = citation_of(page)

    assert "Un constat attribuable" in citation
    assert "OIF" in citation
    assert "Camille Oratrice" not in page
    assert "Mission permanente de Nulle-Part" not in page


def test_citation_gives_meeting_organisers_lead_first_place_date_and_address_in_french(client):
    meeting = MeetingFactory(title_fr="L’IA et la paix", start=geneva(2025, 4, 15))
    MeetingOrganiserFactory(
        meeting=meeting,
        role=MeetingOrganiser.Role.CO_ORGANISER,
        order=0,
        organisation=OrganisationFactory(acronym_fr="UNIDIR"),
    )
    MeetingOrganiserFactory(
        meeting=meeting,
        role=MeetingOrganiser.Role.LEAD,
        order=1,
        organisation=OrganisationFactory(acronym_fr="OIF"),
    )
    finding = FindingFactory(meeting=meeting, title_fr="Lutte contre la désinformation")

    citation = citation_of(client.get(finding.get_absolute_url()).text)

    assert "Lutte contre la désinformation" in citation
    assert "L’IA et la paix" in citation
    assert citation.endswith(
        f"OIF, UNIDIR, Genève, 15 avril 2025. http://testserver/fr/constats/{finding.pk}/"
    )


def test_citation_in_english(client):
    meeting = MeetingFactory(title_en="AI and peace", start=geneva(2025, 4, 15))
    MeetingOrganiserFactory(meeting=meeting, organisation=OrganisationFactory(acronym_en="OIF"))
    finding = FindingFactory(meeting=meeting, title_en="Fighting disinformation")

    citation = citation_of(client.get(f"/en/findings/{finding.pk}/").text)

    assert citation == (
        "“Fighting disinformation”, finding of the meeting “AI and peace”, OIF, Geneva, "
        f"15 April 2025. http://testserver/en/findings/{finding.pk}/"
    )


def test_citation_of_a_meeting_over_several_days_gives_both_dates(client):
    meeting = MeetingFactory(start=geneva(2025, 4, 15), end=geneva(2025, 4, 16, 17))
    finding = FindingFactory(meeting=meeting)

    citation = citation_of(client.get(finding.get_absolute_url()).text)

    assert "15-16 avril 2025." in citation


def test_finding_of_a_draft_meeting_is_a_404(client):
    finding = FindingFactory(meeting__status=Meeting.Status.DRAFT)

    response = client.get(finding.get_absolute_url())

    assert response.status_code == 404


def test_finding_page_in_english(client):
    finding = FindingFactory(title_fr="Lutte contre la piraterie", title_en="Fighting piracy")

    response = client.get(f"/en/findings/{finding.pk}/")

    assert response.status_code == 200
    assert "Fighting piracy" in response.text
    assert "Cite this finding" in response.text


def test_finding_page_links_to_its_themes(client):
    finding = FindingFactory(themes=[ThemeFactory(slug="ia", name_fr="Intelligence artificielle")])

    page = client.get(finding.get_absolute_url()).text

    assert '<a href="/fr/themes/ia/">Intelligence artificielle</a>' in page


def test_related_findings_share_the_most_themes_same_kind_first(client):
    first, second, third = ThemeFactory(), ThemeFactory(), ThemeFactory()
    finding = FindingFactory(kind=Finding.Kind.RISK, themes=[first, second, third])
    FindingFactory(title_fr="Un thème, ancien", meeting__start=geneva(2023, 1, 1), themes=[first])
    FindingFactory(title_fr="Un thème, récent", meeting__start=geneva(2025, 6, 1), themes=[first])
    FindingFactory(
        title_fr="Deux thèmes, autre type", kind=Finding.Kind.OPPORTUNITY, themes=[first, second]
    )
    FindingFactory(title_fr="Deux thèmes, même type", kind=Finding.Kind.RISK, themes=[first, third])
    FindingFactory(
        title_fr="Trois thèmes", kind=Finding.Kind.OPPORTUNITY, themes=[first, second, third]
    )
    FindingFactory(title_fr="Sans rapport", themes=[ThemeFactory()])

    response = client.get(finding.get_absolute_url())

    assert [related.title for related in response.context["related_findings"]] == [
        "Trois thèmes",
        "Deux thèmes, même type",
        "Deux thèmes, autre type",
        "Un thème, récent",
    ]
    assert response.text.count('class="finding ') == 1 + 4


def test_finding_without_themes_has_no_related_findings(client):
    finding = FindingFactory()
    FindingFactory(meeting=finding.meeting)

    response = client.get(finding.get_absolute_url())

    assert list(response.context["related_findings"]) == []
    assert 'id="related-title"' not in response.text


# --- Rules that hold on every page -----------------------------------------------------


def test_findings_of_a_draft_meeting_appear_nowhere(client):
    theme = ThemeFactory(slug="ia")
    public = FindingFactory(title_fr="Constat publié", themes=[theme])
    public.meeting.themes.add(theme)
    draft = MeetingFactory(
        slug="brouillon", title_fr="Rencontre en préparation", status=Meeting.Status.DRAFT
    )
    draft.themes.add(theme)
    secret = FindingFactory(
        meeting=draft, kind=Finding.Kind.RISK, title_fr="Constat secret", themes=[theme]
    )

    explorer = client.get("/fr/constats/")
    pages = {
        "themes": client.get("/fr/themes/").text,
        "theme": client.get("/fr/themes/ia/").text,
        "explorer": explorer.text,
        "related": client.get(public.get_absolute_url()).text,
    }

    for name, page in pages.items():
        assert "Constat secret" not in page, name
        assert "Rencontre en préparation" not in page, name
    assert figure(pages["themes"], "risk") == 0
    assert figure(pages["themes"], "meetings") == 1
    assert re.findall(r'kind-counts__count">(\d+)<', pages["explorer"]) == ["1", "0", "0"]
    assert [(row.theme.slug, row.total) for row in explorer.context["chart"].rows] == [("ia", 1)]
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get("/fr/constats/?meeting=brouillon").status_code == 400


def test_findings_of_an_example_meeting_carry_the_example_label(client):
    theme = ThemeFactory(slug="ia")
    example = FindingFactory(meeting__is_example=True, title_fr="Constat d’exemple", themes=[theme])
    other = FindingFactory(themes=[theme])

    pages = {
        "theme": client.get("/fr/themes/ia/").text,
        "explorer": client.get("/fr/constats/").text,
        "finding": client.get(example.get_absolute_url()).text,
        "related": client.get(other.get_absolute_url()).text,
    }

    for name, page in pages.items():
        part = page[page.index("Constat d’exemple") :]
        assert "Exemple fictif" in part[: part.index("</article>") + 200], name
    assert citation_of(pages["finding"]).startswith("[Exemple fictif] ")


# --- Cost stays flat -------------------------------------------------------------------


def build_theme(size: int):
    """A theme with `size` meetings, each with an organiser and a finding of rotating kind."""
    theme = ThemeFactory()
    for index in range(size):
        meeting = MeetingFactory()
        meeting.themes.add(theme)
        MeetingOrganiserFactory(meeting=meeting)
        FindingFactory(meeting=meeting, kind=Finding.Kind.values[index % 3], themes=[theme])
    return theme


def test_themes_page_queries_do_not_grow_with_the_number_of_themes(
    client, django_assert_max_num_queries
):
    for _ in range(3):
        build_theme(1)

    # The count of themes, the page of them, then their findings and their meetings counted.
    with django_assert_max_num_queries(4) as small_queries:
        assert client.get("/fr/themes/").status_code == 200
    for index in range(27):
        build_theme(2 + index % 2)
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get("/fr/themes/")

    assert len(response.context["object_list"]) == 20


def test_theme_page_queries_do_not_grow_with_its_findings_and_meetings(
    client, django_assert_max_num_queries
):
    small, large = build_theme(3), build_theme(30)

    with django_assert_max_num_queries(8) as small_queries:
        assert client.get(f"/fr/themes/{small.slug}/").status_code == 200
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get(f"/fr/themes/{large.slug}/")

    assert response.text.count('class="finding ') == 18
    assert response.text.count('class="card event-card"') == 6


def test_explorer_queries_do_not_grow_with_the_number_of_findings(
    client, django_assert_max_num_queries
):
    theme = build_theme(3)
    url = f"/fr/constats/?theme={theme.slug}&year=2025"

    with django_assert_max_num_queries(9) as small_queries:
        assert client.get(url).status_code == 200
    for index in range(27):
        meeting = MeetingFactory()
        MeetingOrganiserFactory(meeting=meeting)
        FindingFactory(meeting=meeting, kind=Finding.Kind.values[index % 3], themes=[theme])
        FindingFactory(meeting=meeting, themes=[ThemeFactory()])
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get(url)

    assert len(response.context["object_list"]) == 20
    assert response.context["paginator"].count == 30


def build_finding(size: int) -> Finding:
    """A finding with `size` themes, organisers and related findings."""
    themes = [ThemeFactory() for _ in range(size)]
    finding = FindingFactory(themes=themes)
    for index in range(size):
        MeetingOrganiserFactory(meeting=finding.meeting, order=index)
        FindingFactory(themes=themes[: index + 1])
    return finding


def test_finding_page_queries_do_not_grow_with_its_themes_organisers_and_relations(
    client, django_assert_max_num_queries
):
    small, large = build_finding(3), build_finding(30)

    with django_assert_max_num_queries(5) as small_queries:
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get(large.get_absolute_url())

    assert len(response.context["related_findings"]) == 4
