import io
from unittest import mock

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from PIL import Image

from core import social_cards
from core.social_cards import HEIGHT, MARGIN, WIDTH, Card, layout
from events.cards import meeting_card
from events.models import Meeting
from tests.factories import FindingFactory, MeetingFactory, geneva
from themes.cards import finding_card
from themes.models import Finding

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def url_in(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def png(response) -> Image.Image:
    return Image.open(io.BytesIO(response.content))


def test_meeting_card_is_a_1200_by_630_png(client):
    MeetingFactory(slug="ia-2025")

    response = client.get(url_in("fr", "events:card", slug="ia-2025"))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    image = png(response)
    assert image.format == "PNG"
    assert image.size == (1200, 630)


def test_meeting_card_speaks_the_language_of_its_url(client):
    meeting = MeetingFactory(
        slug="ia-2025",
        title_fr="L’IA et la paix",
        title_en="AI and peace",
        start=geneva(2025, 4, 15),
    )

    french = client.get(url_in("fr", "events:card", slug="ia-2025"))
    english = client.get(url_in("en", "events:card", slug="ia-2025"))

    assert french.content != english.content
    with translation.override("fr"):
        assert meeting_card(meeting).title == "L’IA et la paix"
        assert meeting_card(meeting).footer[0] == "15 avril 2025"
    with translation.override("en"):
        assert meeting_card(meeting).title == "AI and peace"
        assert meeting_card(meeting).footer[0] == "15 April 2025"
        assert meeting_card(meeting).footer[1] == "Palais des Nations, Geneva (Switzerland)"


def test_example_and_cancelled_meetings_say_so_on_their_card():
    meeting = MeetingFactory(is_example=True, status=Meeting.Status.CANCELLED)

    with translation.override("fr"):
        french = meeting_card(meeting)
    with translation.override("en"):
        english = meeting_card(meeting)

    assert french.labels == ("Exemple fictif", "Annulée")
    assert english.labels == ("Fictional example", "Cancelled")
    assert {"Exemple fictif", "Annulée"} <= {text.text for text in layout(french)[0]}


def test_finding_card_names_its_kind_and_its_meeting(client):
    meeting = MeetingFactory(title_fr="Une très longue rencontre", short_title_fr="IA 2025")
    finding = FindingFactory(
        meeting=meeting, kind=Finding.Kind.RECOMMENDATION, title_fr="Former les diplomates"
    )

    response = client.get(url_in("fr", "themes:finding_card", pk=finding.pk))

    assert response.status_code == 200
    assert png(response).size == (1200, 630)
    card = finding_card(finding)
    assert (card.kicker, card.title) == ("Recommandation", "Former les diplomates")
    assert card.footer[0] == "IA 2025"
    assert card.footer[1] == "15 avril 2025 · Genève (Suisse)"


def test_draft_meetings_and_their_findings_have_no_card(client):
    draft = MeetingFactory(slug="brouillon", status=Meeting.Status.DRAFT)
    finding = FindingFactory(meeting=draft)

    assert client.get(url_in("fr", "events:card", slug="brouillon")).status_code == 404
    assert client.get(url_in("fr", "themes:finding_card", pk=finding.pk)).status_code == 404
    assert client.get(url_in("fr", "events:card", slug="inconnue")).status_code == 404
    assert client.get(url_in("fr", "themes:finding_card", pk=999999)).status_code == 404


def test_a_card_takes_one_query(client, django_assert_num_queries):
    MeetingFactory(slug="ia-2025")
    finding = FindingFactory()

    with django_assert_num_queries(1):
        client.get(url_in("fr", "events:card", slug="ia-2025"))
    with django_assert_num_queries(1):
        client.get(url_in("en", "themes:finding_card", pk=finding.pk))


def test_a_card_is_drawn_once_then_served_from_the_cache(client):
    MeetingFactory(slug="ia-2025")
    url = url_in("fr", "events:card", slug="ia-2025")

    with mock.patch.object(social_cards, "draw", wraps=social_cards.draw) as draw:
        first = client.get(url)
        second = client.get(url)
        client.get(url_in("en", "events:card", slug="ia-2025"))

    assert first.content == second.content
    assert draw.call_count == 2  # French once, English once


def test_a_card_is_cacheable_by_browsers_and_revalidated_by_etag(client):
    MeetingFactory(slug="ia-2025")
    url = url_in("fr", "events:card", slug="ia-2025")

    response = client.get(url)
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})

    assert "public" in response.headers["Cache-Control"]
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert again.status_code == 304
    assert again.content == b""


def test_a_changed_title_gives_a_new_card_at_once(client):
    meeting = MeetingFactory(slug="ia-2025", title_fr="Ancien titre")
    url = url_in("fr", "events:card", slug="ia-2025")
    before = client.get(url)

    meeting.title_fr = "Nouveau titre"
    meeting.save()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})

    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.content != before.content


def test_a_card_is_drawn_even_when_the_cache_is_down(client, caplog):
    MeetingFactory(slug="ia-2025")

    with (
        mock.patch.object(social_cards.cache, "get", side_effect=ConnectionError),
        mock.patch.object(social_cards.cache, "set", side_effect=ConnectionError),
    ):
        response = client.get(url_in("fr", "events:card", slug="ia-2025"))

    assert response.status_code == 200
    assert png(response).size == (1200, 630)
    assert "Social card cache unreachable (ConnectionError)" in caplog.text


def test_a_card_whose_cache_write_fails_is_still_served(client, caplog):
    MeetingFactory(slug="ia-2025")

    with mock.patch.object(social_cards.cache, "set", side_effect=ConnectionError):
        response = client.get(url_in("fr", "events:card", slug="ia-2025"))

    assert response.status_code == 200
    assert "not stored" in caplog.text


def inside(box, area) -> bool:
    left, top, right, bottom = box
    return area[0] <= left and area[1] <= top and right <= area[2] and bottom <= area[3]


@pytest.mark.parametrize(
    "title",
    [
        "Court",
        "L’intelligence artificielle et les technologies émergentes dans le domaine militaire : "
        "enjeux pour la paix, la stabilité et le désarmement au sein de l’espace francophone, "
        "de l’Afrique de l’Ouest à l’Asie du Sud-Est, et bien au-delà des frontières " * 2,
        "Anticonstitutionnellement" * 12,  # one word wider than the card
    ],
)
def test_the_text_of_a_card_never_leaves_it(title):
    card = Card(
        wordmark="Cycle de rencontres francophones sur les questions de paix, de stabilité "
        "et de désarmement " * 3,
        title=title,
        kicker="Recommandation",
        kind="recommendation",
        labels=("Exemple fictif", "Annulée"),
        footer=("Une rencontre au nom interminable " * 5, "15 avril 2025 · Genève (Suisse)"),
    )

    texts, boxes = layout(card)

    # Within the margins, give or take a glyph's side bearing.
    page = (MARGIN - 4, 0, WIDTH - MARGIN + 4, HEIGHT)
    assert all(inside(text.bbox(), page) for text in texts)
    assert all(inside(box, (0, 0, WIDTH, HEIGHT)) for box in boxes)
    assert max(text.bbox()[3] for text in texts) <= HEIGHT - 40
    # The title does not run into the footer.
    title_lines = [text for text in texts if text.fill == social_cards.TEXT]
    footer_lines = [text for text in texts if text.fill == social_cards.MUTED]
    assert title_lines[-1].bbox()[3] < footer_lines[0].bbox()[1]
    assert "".join(text.text for text in title_lines).replace(" ", "").rstrip("…") in title.replace(
        " ", ""
    )


def test_a_short_title_is_drawn_large_and_a_long_one_smaller():
    short, _ = layout(Card(wordmark="Cycle", title="La paix"))
    long, _ = layout(Card(wordmark="Cycle", title="La paix et la sécurité internationales " * 5))

    assert short[-1].font.size > long[-1].font.size


def test_og_image_include_gives_the_absolute_card_address():
    request = RequestFactory().get("/fr/rencontres/ia-2025/")

    html = render_to_string(
        "includes/og_image.html",
        {"path": "/fr/rencontres/ia-2025/carte.png", "alt": "L’IA & la paix"},
        request=request,
    )

    assert (
        '<meta property="og:image" content="http://testserver/fr/rencontres/ia-2025/carte.png">'
        in html
    )
    assert f'<meta property="og:image:width" content="{WIDTH}">' in html
    assert f'<meta property="og:image:height" content="{HEIGHT}">' in html
    assert '<meta property="og:image:alt" content="L’IA &amp; la paix">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_meeting_and_finding_pages_announce_their_own_card_once(client, language):
    finding = FindingFactory(meeting__slug="ia-2025")
    pages = {
        url_in(language, "events:detail", slug="ia-2025"): url_in(
            language, "events:card", slug="ia-2025"
        ),
        url_in(language, "themes:finding", pk=finding.pk): url_in(
            language, "themes:finding_card", pk=finding.pk
        ),
    }

    for page, card in pages.items():
        html = client.get(page).text
        assert html.count('property="og:image"') == 1
        assert f'property="og:image" content="http://testserver{card}"' in html
        assert html.count('name="twitter:card"') == 1
        assert 'name="twitter:card" content="summary_large_image"' in html
        assert png(client.get(card)).size == (1200, 630)
