"""The meeting page shows what the meeting found first, its programme and a call to register
when it is to come, and its organisers' logos (served from the uploads)."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from events.models import Meeting
from tests.factories import (
    FindingFactory,
    MeetingFactory,
    MeetingOrganiserFactory,
    OrganisationFactory,
    SessionFactory,
    SessionSpeakerFactory,
    ThemeFactory,
    geneva,
)
from themes.models import Finding

pytestmark = pytest.mark.django_db


def png(colour: str = "navy") -> ContentFile:
    data = io.BytesIO()
    Image.new("RGB", (8, 4), colour).save(data, "PNG")
    return ContentFile(data.getvalue())


def upcoming_meeting(**kwargs) -> Meeting:
    start = timezone.now() + timezone.timedelta(days=30)
    return MeetingFactory(
        start=start,
        end=start + timezone.timedelta(hours=8),
        registration_mode=Meeting.RegistrationMode.OPEN,
        **kwargs,
    )


def meeting_header(page: str) -> str:
    """From the title to the end of the meeting's header."""
    start = page.index("<h1")
    return page[start : page.index("</header>", start)]


def test_counts_under_the_title_link_to_each_kind_of_finding(client):
    meeting = MeetingFactory(slug="ia")
    FindingFactory.create_batch(2, meeting=meeting, kind=Finding.Kind.OPPORTUNITY)
    FindingFactory(meeting=meeting, kind=Finding.Kind.RISK)
    FindingFactory.create_batch(3, meeting=meeting, kind=Finding.Kind.RECOMMENDATION)

    page = client.get("/fr/rencontres/ia/").text

    header = meeting_header(page)
    assert re.search(r'href="#findings-opportunity">\s*2 opportunités', header)
    assert re.search(r'href="#findings-risk">\s*1 risque<', header)
    assert re.search(r'href="#findings-recommendation">\s*3 recommandations', header)
    for kind in Finding.Kind.values:
        assert f'id="findings-{kind}"' in page


def test_findings_come_before_what_the_meeting_was_about(client):
    meeting = MeetingFactory(slug="ia", description_fr="Une longue description.")
    FindingFactory(meeting=meeting, kind=Finding.Kind.RISK, title_fr="Prolifération")

    page = client.get("/fr/rencontres/ia/").text

    body = page[page.index("<article") :]
    assert body.index("Prolifération") < body.index("Un résumé en français.")
    # Summary and description in one section, under one heading.
    assert "Résumé" not in page
    assert page.count("À propos de la rencontre") == 1
    about = body[body.index("À propos de la rencontre") :]
    assert "Un résumé en français." in about and "Une longue description." in about


def test_themes_are_links_to_their_pages(client):
    theme = ThemeFactory(slug="ia", name_fr="Intelligence artificielle")
    MeetingFactory(slug="rencontre").themes.add(theme)

    page = client.get("/fr/rencontres/rencontre/").text

    assert '<a href="/fr/themes/ia/">Intelligence artificielle</a>' in page


def test_past_meeting_offers_no_calendar_and_no_registration(client):
    meeting = MeetingFactory(slug="passee", registration_mode=Meeting.RegistrationMode.OPEN)
    SessionFactory(meeting=meeting)

    page = client.get("/fr/rencontres/passee/").text

    assert ".ics" not in page
    assert "/inscription" not in page and "S’inscrire" not in page


def test_upcoming_meeting_shows_its_programme_and_a_call_to_register(client):
    meeting = upcoming_meeting(slug="bientot")
    session = SessionFactory(meeting=meeting, title_en="Round table", room="Room XII")
    SessionSpeakerFactory(
        session=session, speaker__name="Amina Example", role="moderator", speaker__position_en=""
    )

    page = client.get("/en/meetings/bientot/").text

    header = meeting_header(page)
    assert re.search(
        r'<a class="button button--large" href="/en/[^"]*bientot[^"]*">Register</a>', header
    )
    assert "Add this meeting to your calendar (.ics)" in header
    assert "Round table" in page and "Room XII" in page
    assert re.search(r"Moderator:</span>\s*<span[^>]*>Amina Example</span>", page)
    # Nothing was found yet: no empty findings section before the programme.
    assert "What the meeting found" not in page


def test_french_speaker_role_names_the_part_not_the_person(client):
    session = SessionFactory(meeting=upcoming_meeting(slug="bientot"))
    SessionSpeakerFactory(session=session, speaker__name="Amina Exemple", role="moderator")

    page = client.get("/fr/rencontres/bientot/").text

    assert "Modération\u00a0:" in page
    assert "Modérateur" not in page


def test_real_meeting_never_lists_a_fictional_example_among_related(client):
    theme = ThemeFactory()
    MeetingFactory(slug="reelle").themes.add(theme)
    MeetingFactory(slug="exemple", is_example=True, title_fr="Exemple fictif").themes.add(theme)
    MeetingFactory(title_fr="Autre rencontre réelle").themes.add(theme)

    real = client.get("/fr/rencontres/reelle/")
    example = client.get("/fr/rencontres/exemple/")

    assert [m.title for m in real.context["related_meetings"]] == ["Autre rencontre réelle"]
    assert "Autres rencontres aux thèmes ou organisateurs communs" in real.text or (
        "Other meetings with the same themes or organisers" in real.text
    )
    assert "Autre rencontre réelle" in [m.title for m in example.context["related_meetings"]]


def test_organiser_logo_is_shown_beside_its_name(client):
    organisation = OrganisationFactory(name_fr="Institut")
    organisation.logo.save("institut.png", png())
    MeetingOrganiserFactory(meeting__slug="ia", organisation=organisation)

    page = client.get("/fr/rencontres/ia/").text

    assert re.search(
        r'<img class="meeting__logo" src="/media/organisations/institut[^"]*\.png" alt="">', page
    )
    assert "Institut" in page


def test_logos_add_no_queries(client, django_assert_max_num_queries):
    plain = MeetingFactory(slug="sans-logos")
    with_logos = MeetingFactory(slug="avec-logos", start=geneva(2024, 1, 1))
    for index in range(3):
        MeetingOrganiserFactory(meeting=plain, order=index)
        organisation = OrganisationFactory()
        organisation.logo.save(f"logo-{index}.png", png())
        MeetingOrganiserFactory(meeting=with_logos, organisation=organisation, order=index)

    with django_assert_max_num_queries(12) as queries:
        client.get(plain.get_absolute_url())
    with django_assert_max_num_queries(len(queries)):
        page = client.get(with_logos.get_absolute_url()).text

    assert page.count('class="meeting__logo"') == 3


def test_uploaded_logo_is_served_as_an_image(client):
    organisation = OrganisationFactory()
    organisation.logo.save("logo.png", png())

    response = client.get(organisation.logo.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "path",
    [
        "/media/organisations/missing.png",
        "/media/organisations/page.html",
        "/media/organisations/drawing.svg",
        "/media/elsewhere/logo.png",
        "/media/organisations/../organisations/logo.png",
        "/media/organisations/%2e%2e/%2e%2e/settings.png",
        "/media/organisations/.hidden.png",
        "/media/logo.png",
    ],
)
def test_anything_but_a_public_upload_is_a_404(client, settings, path):
    (settings.MEDIA_ROOT / "organisations").mkdir(exist_ok=True)
    (settings.MEDIA_ROOT / "organisations" / "page.html").write_text("<script>alert(1)</script>")
    (settings.MEDIA_ROOT / "organisations" / "drawing.svg").write_text("<svg></svg>")
    (settings.MEDIA_ROOT / "organisations" / ".hidden.png").write_bytes(b"x")

    assert client.get(path).status_code == 404


def test_upload_view_refuses_to_write(client):
    organisation = OrganisationFactory()
    organisation.logo.save("logo.png", png())

    assert client.post(organisation.logo.url).status_code == 405
