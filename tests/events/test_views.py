import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Meeting, MeetingOrganiser, Organisation
from tests.factories import (
    FindingFactory,
    MeetingFactory,
    MeetingOrganiserFactory,
    OrganisationFactory,
    SessionFactory,
    SessionSpeakerFactory,
    StrategicProjectFactory,
    ThemeFactory,
    geneva,
)
from themes.models import Finding

pytestmark = pytest.mark.django_db


def url_in(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def titles(response) -> list[str]:
    return [meeting.title for meeting in response.context["object_list"]]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_home_page_answers_in_both_languages(client, language):
    MeetingFactory(title_fr="Rencontre passée", title_en="Past meeting")

    response = client.get(f"/{language}/")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert ("Rencontre passée" if language == "fr" else "Past meeting") in response.text


def test_home_leads_to_the_follow_up_of_recommendations(client):
    text = client.get("/en/").text

    assert '<a href="/en/recommendations/">What became of the recommendations</a>' in text


def test_root_redirects_to_the_french_home(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/fr/"


def test_meeting_page_has_translated_addresses_and_texts(client):
    meeting = MeetingFactory(slug="ia-2025", title_fr="L’IA et la paix", title_en="AI and peace")
    assert meeting.get_absolute_url() == "/fr/rencontres/ia-2025/"

    french = client.get("/fr/rencontres/ia-2025/")
    english = client.get("/en/meetings/ia-2025/")

    assert "L’IA et la paix" in french.text
    assert "AI and peace" in english.text


def test_language_switcher_keeps_the_page_and_its_filters(client):
    MeetingFactory(slug="ia-2025")

    detail = client.get("/fr/rencontres/ia-2025/")
    listing = client.get("/fr/rencontres/?when=past")

    assert 'href="/en/meetings/ia-2025/"' in detail.text
    assert 'href="/en/meetings/?when=past"' in listing.text


def test_english_page_falls_back_to_french_text_when_english_is_missing(client):
    MeetingFactory(slug="sans-anglais", title_fr="Rencontre non traduite", title_en="")

    response = client.get("/en/meetings/sans-anglais/")

    assert response.status_code == 200
    assert "Rencontre non traduite" in response.text


def test_draft_meeting_is_a_404_for_the_public(client):
    MeetingFactory(
        slug="brouillon", title_fr="Rencontre en préparation", status=Meeting.Status.DRAFT
    )

    detail = client.get("/fr/rencontres/brouillon/")
    listing = client.get("/fr/rencontres/")

    assert detail.status_code == 404
    assert "Page introuvable" in detail.text
    assert "Rencontre en préparation" not in listing.text


def test_draft_meeting_is_visible_to_staff_in_the_admin(staff_client):
    meeting = MeetingFactory(title_fr="Rencontre en préparation", status=Meeting.Status.DRAFT)

    listing = staff_client.get(reverse("admin:events_meeting_changelist"))
    change = staff_client.get(reverse("admin:events_meeting_change", args=[meeting.pk]))

    assert "Rencontre en préparation" in listing.text
    assert change.status_code == 200


def test_cancelled_meeting_stays_public_with_its_notice(client):
    MeetingFactory(slug="annulee", status=Meeting.Status.CANCELLED)

    response = client.get("/fr/rencontres/annulee/")

    assert response.status_code == 200
    assert "Cette rencontre a été annulée." in response.text


def test_meeting_page_shows_place_organisers_programme_and_findings_by_kind(client):
    meeting = MeetingFactory(
        slug="ia",
        start=geneva(2025, 4, 15, 9),
        end=geneva(2025, 4, 15, 18),
        reported_participants=80,
        reported_participants_is_minimum=True,
    )
    MeetingOrganiserFactory(
        meeting=meeting,
        role=MeetingOrganiser.Role.CO_ORGANISER,
        organisation=OrganisationFactory(
            name_fr="Institut pour le désarmement", acronym_fr="UNIDIR"
        ),
    )
    session = SessionFactory(
        meeting=meeting,
        title_fr="Table ronde",
        start=geneva(2025, 4, 15, 14, 30),
        end=geneva(2025, 4, 15, 16),
    )
    SessionSpeakerFactory(session=session, speaker__name="Amina Exemple")
    theme = ThemeFactory(name_fr="Intelligence artificielle")
    FindingFactory(
        meeting=meeting, kind=Finding.Kind.OPPORTUNITY, title_fr="Enquêtes", themes=[theme]
    )
    FindingFactory(
        meeting=meeting,
        kind=Finding.Kind.RISK,
        title_fr="Prolifération",
        sector=Finding.Sector.MILITARY,
    )
    FindingFactory(meeting=meeting, kind=Finding.Kind.RECOMMENDATION, title_fr="Gouvernance")

    page = client.get("/fr/rencontres/ia/").text

    assert "15 avril 2025" in page
    assert "Palais des Nations" in page
    assert "Institut pour le désarmement" in page and "Co-organisateur" in page
    assert "plus de 80 participants" in page
    assert "Table ronde" in page and "14\u00a0h\u00a030" in page
    assert "Amina Exemple" in page
    assert page.index("Opportunités") < page.index("Enquêtes") < page.index("Risques")
    assert page.index("Risques") < page.index("Prolifération") < page.index("Recommandations")
    assert "Secteur\u00a0: Militaire" in page
    assert "Intelligence artificielle" in page


def test_example_meeting_is_labelled_as_such(client):
    MeetingFactory(slug="exemple", is_example=True)

    detail = client.get("/fr/rencontres/exemple/")
    listing = client.get("/fr/rencontres/")

    assert "Exemple fictif" in detail.text
    assert "Exemple fictif" in listing.text


def build_meeting(size: int) -> Meeting:
    meeting = MeetingFactory(slug=f"rencontre-{size}")
    theme = ThemeFactory()
    meeting.themes.add(theme)
    for index in range(size):
        MeetingOrganiserFactory(meeting=meeting, order=index)
        session = SessionFactory(meeting=meeting)
        SessionSpeakerFactory(session=session, speaker__affiliation=OrganisationFactory())
        FindingFactory(
            meeting=meeting, session=session, themes=[theme], kind=Finding.Kind.values[index % 3]
        )
    meeting.strategic_projects.add(StrategicProjectFactory(), StrategicProjectFactory())
    return meeting


def test_meeting_page_queries_do_not_grow_with_its_content(client, django_assert_max_num_queries):
    small, large = build_meeting(3), build_meeting(30)

    with django_assert_max_num_queries(12) as small_queries:
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get(large.get_absolute_url())

    assert response.text.count('class="session"') == 30
    assert response.text.count('class="finding ') == 30


def test_meetings_list_queries_do_not_grow_with_the_number_of_meetings(
    client, django_assert_max_num_queries
):
    theme = ThemeFactory()
    for _ in range(3):
        MeetingOrganiserFactory().meeting.themes.add(theme)

    with django_assert_max_num_queries(12) as small_queries:
        client.get("/fr/rencontres/")
    for _ in range(27):
        MeetingOrganiserFactory().meeting.themes.add(theme)
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get("/fr/rencontres/")

    assert len(response.context["object_list"]) == 12
    assert "30 rencontres" in response.text


def test_filter_by_year_narrows_the_list(client):
    MeetingFactory(title_fr="En 2024", start=geneva(2024, 5, 2), end=geneva(2024, 5, 2, 17))
    MeetingFactory(title_fr="En 2025", start=geneva(2025, 4, 15), end=geneva(2025, 4, 15, 17))

    response = client.get("/fr/rencontres/?year=2025")

    assert titles(response) == ["En 2025"]


def test_filter_by_theme_narrows_the_list(client):
    theme = ThemeFactory(slug="intelligence-artificielle")
    MeetingFactory(title_fr="Sur l’IA").themes.add(theme)
    MeetingFactory(title_fr="Sur autre chose")

    response = client.get("/fr/rencontres/?theme=intelligence-artificielle")

    assert titles(response) == ["Sur l’IA"]


def test_filter_by_organiser_narrows_the_list(client):
    unidir = OrganisationFactory(slug="unidir")
    MeetingOrganiserFactory(meeting__title_fr="Avec l’UNIDIR", organisation=unidir)
    MeetingOrganiserFactory(meeting__title_fr="Sans l’UNIDIR")

    response = client.get("/fr/rencontres/?organiser=unidir")

    assert titles(response) == ["Avec l’UNIDIR"]


def test_filter_by_country_narrows_the_list(client):
    MeetingFactory(title_fr="À Genève", country="CH")
    MeetingFactory(title_fr="À Paris", country="FR")

    response = client.get("/fr/rencontres/?country=FR")

    assert titles(response) == ["À Paris"]


def test_filter_upcoming_and_past_narrow_the_list(client):
    now = timezone.now()
    MeetingFactory(
        title_fr="Bientôt",
        start=now + dt.timedelta(days=10),
        end=now + dt.timedelta(days=10, hours=8),
    )
    MeetingFactory(
        title_fr="Autrefois",
        start=now - dt.timedelta(days=10),
        end=now - dt.timedelta(days=10) + dt.timedelta(hours=8),
    )

    upcoming = client.get("/fr/rencontres/?when=upcoming")
    past = client.get("/fr/rencontres/?when=past")

    assert titles(upcoming) == ["Bientôt"]
    assert titles(past) == ["Autrefois"]


def test_filter_by_format_narrows_the_list(client):
    MeetingFactory(title_fr="En ligne", format=Meeting.Format.ONLINE)
    MeetingFactory(title_fr="Sur place", format=Meeting.Format.IN_PERSON)

    response = client.get("/fr/rencontres/?format=online")

    assert titles(response) == ["En ligne"]


def test_text_search_narrows_the_list(client):
    MeetingFactory(title_fr="Intelligence artificielle et sécurité")
    MeetingFactory(title_fr="Armes légères")

    response = client.get("/fr/rencontres/?q=artificielle")

    assert titles(response) == ["Intelligence artificielle et sécurité"]


@pytest.mark.parametrize(
    "query", ["year=deux-mille", "theme=inconnu", "organiser=personne", "country=ZZ", "when=demain"]
)
def test_bad_filter_value_gets_a_400_with_a_message_in_french(client, query):
    MeetingFactory()

    response = client.get(f"/fr/rencontres/?{query}")

    assert response.status_code == 400
    assert "Certains filtres ne sont pas valides" in response.text


def test_bad_filter_value_gets_a_message_in_english(client):
    response = client.get("/en/meetings/?year=two-thousand")

    assert response.status_code == 400
    assert "Some filters are not valid" in response.text


@pytest.mark.parametrize("page", ["99", "abc"])
def test_page_out_of_range_is_a_404_not_a_500(client, page):
    MeetingFactory()

    response = client.get(f"/fr/rencontres/?page={page}")

    assert response.status_code == 404


def test_organisation_kinds_include_states_with_their_status():
    state = OrganisationFactory(
        kind=Organisation.Kind.STATE, francophonie_status=Organisation.FrancophonieStatus.OBSERVER
    )

    assert state.get_francophonie_status_display() == "Observateur"


def test_french_fallback_on_an_english_page_is_marked_as_french(client):
    MeetingFactory(slug="sans-anglais", title_fr="Rencontre non traduite", title_en="")

    response = client.get("/en/meetings/sans-anglais/")

    assert '<h1 lang="fr">Rencontre non traduite</h1>' in response.text


def test_home_shows_key_figures_of_real_meetings_only(client):
    real = MeetingFactory(reported_participants=80, country="CH")
    MeetingFactory(reported_participants=20, country="FR")
    MeetingFactory(reported_participants=500, country="SN", is_example=True)
    FindingFactory.create_batch(2, meeting=real, kind=Finding.Kind.OPPORTUNITY)
    FindingFactory(meeting=real, kind=Finding.Kind.RISK)

    response = client.get("/fr/")

    figures = response.context["figures"]
    assert (figures.meetings, figures.participants, figures.countries) == (2, 100, 2)
    assert not figures.participants_is_minimum
    assert figures.findings_by_kind == {"opportunity": 2, "risk": 1}
    assert "Pays hôtes" in response.text


def test_home_queries_do_not_grow_with_the_data(client, django_assert_max_num_queries):
    for _ in range(3):
        FindingFactory(meeting=MeetingOrganiserFactory().meeting, featured=True)
    with django_assert_max_num_queries(20) as few:
        client.get("/fr/")
    for _ in range(27):
        FindingFactory(meeting=MeetingOrganiserFactory().meeting, featured=True)

    with django_assert_max_num_queries(len(few)):
        client.get("/fr/")


def test_organisation_page_lists_its_public_meetings(client):
    unidir = OrganisationFactory(slug="unidir", name_fr="Institut des Nations Unies")
    MeetingOrganiserFactory(organisation=unidir, meeting__title_fr="Rencontre avec l’UNIDIR")
    MeetingOrganiserFactory(
        organisation=unidir, meeting__title_fr="Brouillon", meeting__status=Meeting.Status.DRAFT
    )

    response = client.get("/fr/organisations/unidir/")
    english = client.get("/en/organisations/unidir/")

    assert response.status_code == 200
    assert "Institut des Nations Unies" in response.text
    assert "Rencontre avec l’UNIDIR" in response.text
    assert "Brouillon" not in response.text
    assert english.status_code == 200


def test_unknown_organisation_is_a_404(client):
    assert client.get("/fr/organisations/inconnue/").status_code == 404


def test_organisation_page_queries_do_not_grow(client, django_assert_max_num_queries):
    unidir = OrganisationFactory(slug="unidir")
    for _ in range(3):
        MeetingOrganiserFactory(organisation=unidir)
    with django_assert_max_num_queries(10) as few:
        client.get("/fr/organisations/unidir/")
    for _ in range(27):
        MeetingOrganiserFactory(organisation=unidir)

    with django_assert_max_num_queries(len(few)):
        client.get("/fr/organisations/unidir/")


def test_meeting_page_links_its_organisers_pages(client):
    link = MeetingOrganiserFactory(meeting__slug="ia", organisation__slug="oif")

    response = client.get("/fr/rencontres/ia/")

    assert 'href="/fr/organisations/oif/"' in response.text
    assert link.organisation.name in response.text


def test_related_meetings_share_themes_or_organisers(client):
    theme = ThemeFactory()
    oif = OrganisationFactory()
    meeting = MeetingOrganiserFactory(meeting__slug="ia", organisation=oif).meeting
    meeting.themes.add(theme)
    both = MeetingOrganiserFactory(organisation=oif, meeting__title_fr="Même thème et organisateur")
    both.meeting.themes.add(theme)
    MeetingFactory(title_fr="Même thème seulement").themes.add(theme)
    MeetingFactory(title_fr="Sans rapport")
    MeetingFactory(title_fr="Brouillon lié", status=Meeting.Status.DRAFT).themes.add(theme)

    related = client.get("/fr/rencontres/ia/").context["related_meetings"]

    assert [e.title for e in related] == ["Même thème et organisateur", "Même thème seulement"]


def test_meeting_page_carries_schema_org_event_data(client):
    import json
    import re

    MeetingOrganiserFactory(
        meeting__slug="ia", meeting__status=Meeting.Status.CANCELLED, organisation__name_fr="OIF"
    )

    page = client.get("/fr/rencontres/ia/").text

    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "Event"
    assert data["startDate"] == "2025-04-15T09:00:00+02:00"
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["organizer"] == [{"@type": "Organization", "name": "OIF"}]
    assert data["url"] == "http://testserver/fr/rencontres/ia/"


def test_json_ld_cannot_close_its_script_element(client):
    MeetingFactory(slug="ia", title_fr="</script><script>alert(1)</script>")

    page = client.get("/fr/rencontres/ia/").text

    assert "<script>alert(1)" not in page


def test_pages_name_their_language_alternates_and_canonical_address(client):
    MeetingFactory(slug="ia")

    page = client.get("/fr/rencontres/ia/?utm_source=x").text

    assert '<link rel="canonical" href="http://testserver/fr/rencontres/ia/">' in page
    assert 'hreflang="en" href="http://testserver/en/meetings/ia/?utm_source=x"' in page
    assert 'hreflang="x-default" href="http://testserver/fr/rencontres/ia/?utm_source=x"' in page
    assert '<meta property="og:title" content="Rencontre numéro' in page


def test_every_page_has_the_search_box(client):
    response = client.get("/en/meetings/")

    assert 'aria-label="Search the portal" method="get" action="/en/search/">' in response.text
    assert '<input type="search" id="site-search-q" name="q"' in response.text


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/fr/a-propos/", "À propos du cycle"),
        ("/en/about/", "About the cycle"),
        ("/fr/accessibilite/", "Déclaration d’accessibilité"),
        ("/en/accessibility/", "Accessibility statement"),
    ],
)
def test_about_and_accessibility_pages_exist_in_both_languages(client, path, text):
    MeetingOrganiserFactory(organisation__name_fr="Organisation internationale de la Francophonie")

    response = client.get(path)

    assert response.status_code == 200
    assert text in response.text


def test_about_page_lists_the_organisers_of_real_meetings_only(client):
    MeetingOrganiserFactory(organisation__name_fr="Vraie organisatrice")
    MeetingOrganiserFactory(organisation__name_fr="Organisatrice fictive", meeting__is_example=True)

    page = client.get("/fr/a-propos/").text

    assert "Vraie organisatrice" in page
    assert "Organisatrice fictive" not in page
