"""The public pages of the recommendations' follow-up: the list with its filters, counts per
status and chart, each recommendation's page with its timeline, and the meeting page's
statuses."""

import datetime as dt
import re

import pytest

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

Kind = Finding.Kind
Status = FollowUpStatus


def recommendation(**kwargs) -> Finding:
    return FindingFactory(kind=Kind.RECOMMENDATION, **kwargs)


def update(finding, day: dt.date, status: str, **kwargs) -> StatusUpdate:
    return StatusUpdate.objects.create(
        recommendation=finding,
        date=day,
        status=status,
        note_fr=kwargs.pop("note_fr", f"Note du {day}."),
        note_en=kwargs.pop("note_en", f"Note of {day}."),
        **kwargs,
    )


def titles(response) -> list[str]:
    return [finding.title for finding in response.context["object_list"]]


@pytest.fixture
def followed():
    """Three public recommendations of two meetings, with their follow-up; a risk and a
    draft's recommendation that the pages never show."""
    ia = ThemeFactory(slug="ia", name_fr="Intelligence artificielle", name_en="AI")
    disarmament = ThemeFactory(slug="desarmement", name_fr="Désarmement", name_en="Disarmament")
    unidir = OrganisationFactory(slug="unidir", name_fr="UNIDIR", name_en="UNIDIR")
    meeting_2024 = MeetingFactory(slug="rencontre-2024", start=geneva(2024, 3, 5, 9))
    meeting_2025 = MeetingFactory(slug="rencontre-2025", start=geneva(2025, 4, 15, 9))
    framework = recommendation(
        meeting=meeting_2024,
        title_fr="Cadre éthique commun",
        title_en="A shared ethical framework",
        themes=[ia],
    )
    Addressee.objects.create(recommendation=framework, actor_kind=Addressee.ActorKind.STATES)
    update(framework, dt.date(2025, 1, 10), Status.UNDER_WAY)
    update(
        framework,
        dt.date(2025, 6, 1),
        Status.IMPLEMENTED,
        note_en="Adopted by the Assembly.",
        source_url="https://example.org/resolution",
        source="Resolution 12",
    )
    governance = recommendation(
        meeting=meeting_2025,
        title_fr="Gouvernance inclusive",
        title_en="Inclusive governance",
        themes=[ia, disarmament],
    )
    Addressee.objects.create(recommendation=governance, organisation=unidir)
    governance.takes_up.add(framework)
    dialogue = recommendation(
        meeting=meeting_2025,
        title_fr="Dialogue multipartite",
        title_en="Multi-stakeholder dialogue",
        themes=[disarmament],
    )
    update(dialogue, dt.date(2026, 1, 5), Status.NO_KNOWN_FOLLOW_UP)
    FindingFactory(meeting=meeting_2025, kind=Kind.RISK, title_fr="Risque", title_en="Risk")
    draft = MeetingFactory(status=Meeting.Status.DRAFT, start=geneva(2025, 9, 1, 9))
    hidden = recommendation(meeting=draft, title_fr="Brouillon", title_en="Draft", themes=[ia])
    hidden.takes_up.add(framework)
    framework.refresh_from_db()
    return {"framework": framework, "governance": governance, "dialogue": dialogue}


# --- The list ----------------------------------------------------------------------------


def test_list_shows_every_public_recommendation_newest_meeting_first(client, followed):
    response = client.get("/fr/recommandations/")

    assert response.status_code == 200
    assert titles(response) == [
        "Gouvernance inclusive",
        "Dialogue multipartite",
        "Cadre éthique commun",
    ]
    assert "Brouillon" not in response.text and "Risque<" not in response.text
    assert re.search(r'class="results__count">3 recommandations', response.text)


def test_each_card_shows_its_status_in_words_its_addressees_and_its_meeting(client, followed):
    page = client.get("/en/recommendations/").text
    card = page[: page.index("</article>", page.index("A shared ethical framework"))]
    card = card[card.rindex("<article") :]

    assert "Status: Implemented" in card
    assert "as of 1 June 2025" in card
    assert 'Addressed to:</span> <span class="addressee">States and governments' in card
    assert 'href="/en/meetings/rencontre-2024/"' in card
    assert f'href="/en/recommendations/{followed["framework"].pk}/"' in card


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=implemented", {"Cadre éthique commun"}),
        ("status=proposed", {"Gouvernance inclusive"}),
        ("addressee=states", {"Cadre éthique commun"}),
        ("addressee=unidir", {"Gouvernance inclusive"}),
        ("theme=desarmement", {"Gouvernance inclusive", "Dialogue multipartite"}),
        ("meeting=rencontre-2024", {"Cadre éthique commun"}),
        ("year=2025", {"Gouvernance inclusive", "Dialogue multipartite"}),
        ("theme=ia&status=proposed", {"Gouvernance inclusive"}),
    ],
)
def test_each_filter_narrows_the_recommendations(client, followed, query, expected):
    response = client.get(f"/fr/recommandations/?{query}")

    assert response.status_code == 200
    assert set(titles(response)) == expected


def status_counts(page: str) -> dict[str, int]:
    return {
        status: int(count)
        for status, count in re.findall(
            r'<li class="status-counts__(\w+)"><a [^>]*>.*?status-counts__count">(\d+)<', page
        )
    }


def test_counts_per_status_follow_the_other_filters_and_link_to_their_status(client, followed):
    everything = client.get("/fr/recommandations/").text
    on_ia = client.get("/fr/recommandations/?theme=ia").text
    implemented = client.get("/fr/recommandations/?theme=ia&status=implemented").text

    assert status_counts(everything) == {
        "proposed": 1,
        "under_way": 0,
        "implemented": 1,
        "no_known_follow_up": 1,
    }
    assert status_counts(on_ia) == {
        "proposed": 1,
        "under_way": 0,
        "implemented": 1,
        "no_known_follow_up": 0,
    }
    # A count is what its link gives: choosing a status keeps the others' counts.
    assert status_counts(implemented) == status_counts(on_ia)
    assert 'href="?theme=ia&amp;status=under_way"' in on_ia
    assert re.search(
        r'status=implemented" aria-current="true"><span[^>]*>Mise en œuvre', implemented
    )
    assert re.search(r'class="results__count">1 recommandation<', implemented)


def test_chart_and_its_table_show_the_same_numbers(client, followed):
    page = client.get("/en/recommendations/").text
    svg = page[page.index("<svg") : page.index("</svg>")]
    table = page[page.index('<table class="chart__table">') : page.index("</table>")]

    bars = {
        (theme, status): int(count)
        for theme, status, count in re.findall(r"<title>(.+?) — (.+?): (\d+)</title>", svg)
    }
    headers = re.findall(r'<th scope="col">(.+?)</th>', table)[1:5]
    cells = {}
    for theme, numbers in re.findall(
        r'<th scope="row"><a [^>]+>(.+?)</a></th>(.*?)</tr>', table, re.S
    ):
        for status, count in zip(headers, re.findall(r"<td>(\d+)</td>", numbers), strict=False):
            if int(count):
                cells[(theme, status)] = int(count)

    assert headers == ["Proposed", "Under way", "Implemented", "No known follow-up"]
    assert (
        bars
        == cells
        == {
            ("AI", "Proposed"): 1,
            ("AI", "Implemented"): 1,
            ("Disarmament", "Proposed"): 1,
            ("Disarmament", "No known follow-up"): 1,
        }
    )
    assert "Status of the recommendations per theme" in page
    assert 'class="chart__bar chart__bar--implemented"' in svg


@pytest.mark.parametrize(
    "query",
    ["status=abandoned", "addressee=nobody", "theme=inconnu", "meeting=inconnue", "year=1990"],
)
def test_bad_filter_gets_a_400_with_a_message_in_french(client, followed, query):
    response = client.get(f"/fr/recommandations/?{query}")

    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.text
    assert 'class="field__error"' in response.text
    assert "Certains filtres ne sont pas valides" in response.text
    assert response.context["object_list"].count() == 0


def test_bad_filter_gets_a_message_in_english(client, followed):
    response = client.get("/en/recommendations/?status=abandoned")

    assert response.status_code == 400
    assert "Some filters are not valid; correct them to see the recommendations." in response.text
    assert "Select a valid choice" in response.text


def test_a_meeting_without_recommendations_is_not_a_choice(client, followed):
    MeetingFactory(slug="sans-recommandation")

    response = client.get("/fr/recommandations/?meeting=sans-recommandation")

    assert response.status_code == 400


def test_list_is_paginated(client, followed):
    meeting = MeetingFactory()
    for _ in range(20):
        recommendation(meeting=meeting)

    first = client.get("/fr/recommandations/")
    second = client.get("/fr/recommandations/?page=2")

    assert len(first.context["object_list"]) == 20
    assert len(second.context["object_list"]) == 3
    assert client.get("/fr/recommandations/?page=9").status_code == 404


def test_example_meetings_recommendations_carry_the_example_label(client, followed):
    example = MeetingFactory(is_example=True, title_en="Example meeting")
    recommendation(meeting=example, title_en="An example recommendation")

    page = client.get("/en/recommendations/").text
    card = page[page.index("An example recommendation") :]

    assert "Fictional example" in card[: card.index("</article>")]


def test_list_links_the_feed_and_the_exports_with_its_filters(client, followed):
    page = client.get("/en/recommendations/?status=proposed").text

    assert 'type="application/atom+xml"' in page
    assert 'href="/en/recommendations/export.csv?status=proposed"' in page


# --- A recommendation's page -------------------------------------------------------------


def steps(page: str) -> list[str]:
    return re.findall(r'class="timeline__step timeline__step--(\w+)"', page)


def test_page_shows_status_addressees_and_the_timeline_in_date_order(client, followed):
    framework = followed["framework"]

    response = client.get(f"/en/recommendations/{framework.pk}/")
    page = response.text

    assert response.status_code == 200
    assert "Status: Implemented" in page
    assert "States and governments" in page
    # Made in March 2024; under way in January 2025; taken up in April 2025; implemented in June.
    assert steps(page) == ["made", "status", "taken_up", "status"]
    dates = re.findall(r'<p class="timeline__date"><time datetime="([\d-]+)">', page)
    assert dates == ["2024-03-05", "2025-01-10", "2025-04-15", "2025-06-01"]
    assert "Taken up by a later finding:" in page and "Inclusive governance" in page
    assert "Adopted by the Assembly." in page
    assert '<a href="https://example.org/resolution">Resolution 12</a>' in page
    assert f'id="update-{framework.status_updates.last().pk}"' in page


def test_page_shows_what_the_recommendation_takes_up(client, followed):
    governance = followed["governance"]

    page = client.get(f"/fr/recommandations/{governance.pk}/").text

    assert steps(page) == ["takes_up", "made"]
    assert "Reprend une recommandation antérieure" in page and "Cadre éthique commun" in page
    assert "Statut\u00a0: Proposée" in page
    assert "Aucun changement de statut n’est enregistré" in page
    assert "UNIDIR" in page


def test_drafts_findings_never_show_in_the_timeline(client, followed):
    page = client.get(f"/fr/recommandations/{followed['framework'].pk}/").text

    assert "Brouillon" not in page
    assert steps(page).count("taken_up") == 1


def test_who_recorded_an_update_is_never_shown(client, followed):
    staff = StaffFactory(
        username="agent.secret", first_name="Agathe", last_name="Discrète", email="a@oif.test"
    )
    framework = followed["framework"]
    update(framework, dt.date(2025, 7, 1), Status.IMPLEMENTED, created_by=staff)

    pages = [
        client.get(f"/fr/recommandations/{framework.pk}/").text,
        client.get(f"/en/recommendations/{framework.pk}/").text,
        client.get("/fr/recommandations/").text,
    ]

    for page in pages:
        for secret in ["agent.secret", "Agathe", "Discrète", "a@oif.test"]:
            assert secret not in page


def test_drafts_recommendation_has_no_page(client, followed):
    hidden = Finding.objects.get(title_fr="Brouillon")

    assert client.get(f"/fr/recommandations/{hidden.pk}/").status_code == 404


def test_page_cites_the_recommendation_at_its_own_address(client, followed):
    framework = followed["framework"]
    MeetingOrganiserFactory(meeting=framework.meeting, organisation__acronym_fr="OIF")

    page = client.get(f"/fr/recommandations/{framework.pk}/").text

    assert "Citer cette recommandation" in page
    assert f"http://testserver/fr/recommandations/{framework.pk}/</p>" in page


def test_example_meetings_items_carry_the_example_label(client, followed):
    framework = followed["framework"]
    example = MeetingFactory(is_example=True, start=geneva(2026, 2, 1, 9))
    recommendation(meeting=example, title_fr="Reprise fictive").takes_up.add(framework)

    page = client.get(f"/fr/recommandations/{framework.pk}/").text
    step = page[page.index("Reprise fictive") :]

    assert steps(page)[-1] == "taken_up"
    assert "Exemple fictif" in step[: step.index("</li>")]


def test_old_finding_address_of_a_recommendation_redirects_to_its_page(client, followed):
    framework = followed["framework"]

    french = client.get(f"/fr/constats/{framework.pk}/")
    english = client.get(f"/en/findings/{framework.pk}/")

    assert french.status_code == english.status_code == 301
    assert french["Location"] == f"/fr/recommandations/{framework.pk}/"
    assert english["Location"] == f"/en/recommendations/{framework.pk}/"


def test_other_findings_keep_their_page_and_their_address_as_recommendation_leads_there(
    client, followed
):
    risk = Finding.objects.get(kind=Kind.RISK)

    assert client.get(f"/fr/constats/{risk.pk}/").status_code == 200
    response = client.get(f"/fr/recommandations/{risk.pk}/")
    assert response.status_code == 301
    assert response["Location"] == f"/fr/constats/{risk.pk}/"


# --- The meeting page ----------------------------------------------------------------------


def test_meeting_page_shows_each_recommendations_current_status(client, followed):
    page = client.get("/fr/rencontres/rencontre-2025/").text
    section = page[page.index('id="findings-recommendation"') :]

    assert "Statut\u00a0: Proposée" in section
    assert "Statut\u00a0: Sans suite connue" in section
    assert 'href="/fr/recommandations/?meeting=rencontre-2025"' in section
    assert "Risque" not in section


# --- Query counts ----------------------------------------------------------------------------


def build_recommendations(count: int, meeting=None) -> list[Finding]:
    """`count` public recommendations, each with two themes, two addressees and two updates."""
    theme, other = ThemeFactory(), ThemeFactory()
    organisation = OrganisationFactory()
    meetings = [meeting or MeetingFactory() for _ in range(3)]
    findings = Finding.objects.bulk_create(
        Finding(
            meeting=meetings[index % 3],
            kind=Kind.RECOMMENDATION,
            title_fr=f"Recommandation {index}",
            title_en=f"Recommendation {index}",
            follow_up_status=Status.values[index % 4],
            follow_up_date=dt.date(2025, 6, 1),
        )
        for index in range(count)
    )
    Finding.themes.through.objects.bulk_create(
        Finding.themes.through(finding=finding, theme=each)
        for finding in findings
        for each in (theme, other)
    )
    Addressee.objects.bulk_create(
        [Addressee(recommendation=finding, actor_kind="states") for finding in findings]
        + [Addressee(recommendation=finding, organisation=organisation) for finding in findings]
    )
    StatusUpdate.objects.bulk_create(
        StatusUpdate(recommendation=finding, date=dt.date(2025, month, 1), status=status, note="…")
        for finding in findings
        for month, status in [
            (1, Status.UNDER_WAY),
            (6, Status.values[findings.index(finding) % 4]),
        ]
    )
    return findings


@pytest.mark.parametrize("language", ["fr", "en"])
def test_list_queries_do_not_grow_with_the_recommendations(
    client, django_assert_max_num_queries, language
):
    build_recommendations(3)
    url = "/fr/recommandations/?year=2025" if language == "fr" else "/en/recommendations/"

    # The years, the addressees, the count, the counts per status, the chart's themes, the
    # filter's themes and meetings, then the page of recommendations with their themes and
    # addressees.
    with django_assert_max_num_queries(10) as small_queries:
        assert client.get(url).status_code == 200
    build_recommendations(297)
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get(url)

    assert len(response.context["object_list"]) == 20
    assert response.context["paginator"].count == 300


def build_followed_recommendation(size: int) -> Finding:
    """A recommendation with `size` themes, addressees, updates, findings taking it up and
    recommendations it takes up."""
    [finding] = build_recommendations(1, meeting=MeetingFactory(start=geneva(2024, 1, 1, 9)))
    finding.themes.add(*[ThemeFactory() for _ in range(size)])
    for index in range(size):
        MeetingOrganiserFactory(meeting=finding.meeting, order=index)
        Addressee.objects.create(recommendation=finding, organisation=OrganisationFactory())
        update(finding, dt.date(2024, 2, 1) + dt.timedelta(days=index), Status.UNDER_WAY)
    later = build_recommendations(size)
    finding.taken_up_by.add(*later)
    earlier = build_recommendations(size, meeting=MeetingFactory(start=geneva(2023, 1, 1, 9)))
    finding.takes_up.add(*earlier)
    return finding


@pytest.mark.parametrize("language", ["fr", "en"])
def test_page_queries_do_not_grow_with_its_follow_up(
    client, django_assert_max_num_queries, language
):
    small, large = build_followed_recommendation(3), build_followed_recommendation(300)
    prefix = "/fr/recommandations" if language == "fr" else "/en/recommendations"

    # The recommendation, its themes, organisers, addressees, updates, what it takes up, what
    # took it up, and the related findings.
    with django_assert_max_num_queries(8) as small_queries:
        assert client.get(f"{prefix}/{small.pk}/").status_code == 200
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get(f"{prefix}/{large.pk}/")

    assert len(response.context["timeline"]) == 1 + 302 + 300 + 300


def test_meeting_page_queries_do_not_grow_with_its_recommendations(
    client, django_assert_max_num_queries
):
    small, large = MeetingFactory(), MeetingFactory()
    build_recommendations(3, meeting=small)
    build_recommendations(300, meeting=large)

    with django_assert_max_num_queries(12) as small_queries:
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get(large.get_absolute_url())

    assert response.text.count('class="label label--status') == 300
