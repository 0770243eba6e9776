"""The online link, its passcode and the practical information of a meeting are private: they
reach confirmed participants only, by e-mail and on their manage page, and never show on a
public surface (pages, feeds, exports, sitemap, JSON-LD, search, calendar files, social cards).

The crawl covers every public URL name of the site: a new public address fails
`test_every_public_address_is_crawled` until it is added here."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from events.models import Meeting
from participants import services, tokens
from participants.models import Registration
from tests.factories import (
    FindingFactory,
    MeetingFactory,
    MeetingOrganiserFactory,
    OrganisationFactory,
    RegistrationFactory,
    SessionFactory,
    ThemeFactory,
)
from themes.models import Finding

pytestmark = pytest.mark.django_db

# Short, unique markers inside each secret: a calendar file folds its lines at 75 octets,
# and the markers are short enough to be checked once the lines are unfolded.
MEETING_URL = "https://visio.example.net/j/ZX81MEETLINK"
MEETING_PASSCODE = "Q7W3MEETPASS"
SESSION_URL = "https://visio.example.net/s/ZX81SESSLINK"
SESSION_PASSCODE = "Q7W3SESSPASS"
PRACTICAL = "Badge at gate K2V9PRACTICAL"
SECRETS = ["ZX81MEETLINK", "Q7W3MEETPASS", "ZX81SESSLINK", "Q7W3SESSPASS", "K2V9PRACTICAL"]

# Not public pages: a person's own links (checked below for the manage page), the language
# switch (a POST), uploads and the favicon (files, no meeting data).
PERSONAL_OR_NOT_PAGES = {
    "participants:confirm",
    "participants:manage",
    "participants:stop_messages",
    "participants:feedback",
    "set_language",
    "media",
    None,  # favicon.ico
}


def url_names(patterns=None, namespace=""):
    """Every URL name of the site outside the admin."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else None


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site():
    """A published upcoming hybrid meeting with its secrets and findings, a past one with the
    same, a theme, an organisation."""
    soon = (timezone.now() + dt.timedelta(days=15)).replace(microsecond=0)
    secrets = {
        "online_url": MEETING_URL,
        "online_passcode": MEETING_PASSCODE,
        "practical_information_fr": PRACTICAL,
        "practical_information_en": PRACTICAL,
        "interpretation_languages_fr": "français et anglais",
        "interpretation_languages_en": "French and English",
        "format": Meeting.Format.HYBRID,
    }
    upcoming = MeetingFactory(
        slug="hybride-a-venir",
        title_fr="Rencontre hybride",
        title_en="Hybrid meeting",
        start=soon,
        end=soon + dt.timedelta(hours=8),
        **secrets,
    )
    past = MeetingFactory(slug="hybride-passee", **secrets)
    organisation = OrganisationFactory(slug="org-hybride")
    theme = ThemeFactory(slug="theme-hybride")
    sessions = {}
    for meeting in (upcoming, past):
        MeetingOrganiserFactory(meeting=meeting, organisation=organisation)
        meeting.themes.add(theme)
        sessions[meeting.slug] = [
            SessionFactory(
                meeting=meeting,
                title_fr="Plénière",
                title_en="Plenary",
                capacity=1,
                online_url=SESSION_URL,
                online_passcode=SESSION_PASSCODE,
            ),
            SessionFactory(meeting=meeting, title_fr="Atelier", title_en="Workshop"),
        ]
    finding = FindingFactory(meeting=past, themes=[theme])
    recommendation = FindingFactory(meeting=past, kind=Finding.Kind.RECOMMENDATION, themes=[theme])
    return {
        "upcoming": upcoming,
        "past": past,
        "sessions": sessions,
        "organisation": organisation,
        "theme": theme,
        "finding": finding,
        "recommendation": recommendation,
    }


def public_addresses(site) -> dict[str, list[dict]]:
    """Each public URL name with the arguments of the pages to crawl (and query strings)."""
    meetings = [site["upcoming"], site["past"]]
    by_meeting = [{"slug": m.slug} for m in meetings]
    searches = [{"?": f"q={q}"} for q in ("hybride", "hybrid", *SECRETS, "visio.example.net")]
    return {
        "home": [{}],
        "robots": [{}],
        "sitemap": [{}],
        "events:list": [{}, {"?": "format=hybrid"}, {"?": "when=past"}],
        "events:calendar": [{}],
        "events:feed": [{}],
        "events:export_csv": [{}],
        "events:export_json": [{}],
        "events:detail": by_meeting,
        "events:card": by_meeting,
        "events:event_calendar": by_meeting,
        "events:session_calendar": [
            {"slug": m.slug, "pk": s.pk} for m in meetings for s in site["sessions"][m.slug]
        ],
        "events:about": [{}],
        "events:accessibility": [{}],
        "events:organisation": [{"slug": site["organisation"].slug}],
        "themes:list": [{}],
        "themes:detail": [{"slug": site["theme"].slug}],
        "themes:explorer": [{}, {"?": "q=hybride"}],
        "themes:feed": [{}],
        "themes:export_csv": [{}],
        "themes:export_json": [{}],
        "themes:finding": [{"pk": site["finding"].pk}, {"pk": site["recommendation"].pk}],
        "themes:finding_card": [{"pk": site["finding"].pk}],
        "themes:recommendations": [{}],
        "themes:recommendation": [{"pk": site["recommendation"].pk}],
        "themes:recommendation_feed": [{}],
        "themes:recommendation_export_csv": [{}],
        "themes:recommendation_export_json": [{}],
        "participants:register": [{"slug": site["upcoming"].slug}],
        "participants:check_email": [{"slug": site["upcoming"].slug}],
        "participants:email_not_sent": [{"slug": site["upcoming"].slug}],
        "participants:privacy": [{}],
        "search:search": [{}, *searches],
    }


def address(language: str, name: str, arguments: dict) -> str:
    kwargs = {key: value for key, value in arguments.items() if key != "?"}
    with translation.override(language):
        path = reverse(name, kwargs=kwargs)
    return f"{path}?{arguments['?']}" if "?" in arguments else path


def readable(response) -> str:
    """The response's text, calendar lines unfolded (RFC 5545 folds them at 75 octets)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return re.sub(r"\r?\n[ \t]", "", content.decode("utf-8", errors="replace"))


def test_every_public_address_is_crawled(site):
    names = set(url_names()) - PERSONAL_OR_NOT_PAGES
    assert names - set(public_addresses(site)) == set()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_public_surface_shows_the_link_passcode_or_practical_information(client, site, language):
    names = set(url_names())
    crawled = []
    for name, pages in public_addresses(site).items():
        if name not in names:
            continue  # an address not (or no longer) in this branch
        for arguments in pages:
            url = address(language, name, arguments)
            response = client.get(url, follow=True)  # as a browser: a finding may redirect
            assert response.status_code == 200, url
            text = readable(response)
            query = arguments.get("?", "").removeprefix("q=")
            if name == "search:search" and query in SECRETS:
                # The page repeats what was searched; it must find nothing by it.
                text = text.replace(query, "")
                for meeting in (site["upcoming"], site["past"]):
                    with translation.override(language):
                        assert meeting.get_absolute_url() not in text, url
            for secret in SECRETS:
                assert secret not in text, f"{secret} on {url}"
            crawled.append(url)

    # The meeting's page says what is public: its format and interpretation.
    detail = client.get(address(language, "events:detail", {"slug": site["upcoming"].slug}))
    interpretation = "français et anglais" if language == "fr" else "French and English"
    assert interpretation in detail.text
    assert 'type="application/ld+json"' in detail.text
    assert len(crawled) > 40


def test_social_cards_are_the_same_with_or_without_the_secrets(client, site):
    """A card is an image: its bytes must not change when only the private fields do."""
    meeting = site["upcoming"]
    url = address("fr", "events:card", {"slug": meeting.slug})
    with_secrets = client.get(url).content
    Meeting.objects.filter(pk=meeting.pk).update(
        online_url="", online_passcode="", practical_information_fr="", practical_information_en=""
    )
    cache.clear()

    assert client.get(url).content == with_secrets


def confirm(registration, captured):
    with captured(execute=True):
        services.registrations_confirm(registrations=[registration], now=timezone.now())


def manage_page(client, registration, language="fr") -> str:
    with translation.override(language):
        path = tokens.manage_path(
            participant=registration.participant, meeting=registration.session.meeting
        )
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_confirmed_participants_get_the_link_and_the_waitlisted_do_not(
    client, site, mailoutbox, django_capture_on_commit_callbacks
):
    """The plenary has one seat and a link of its own; the workshop opens with the meeting's."""
    plenary, workshop = site["sessions"][site["upcoming"].slug]
    first = RegistrationFactory(session=plenary, status=Registration.Status.PENDING)
    second = RegistrationFactory(session=plenary, status=Registration.Status.PENDING)
    workshop_only = RegistrationFactory(session=workshop, status=Registration.Status.PENDING)
    for registration in (first, second, workshop_only):
        confirm(registration, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "waitlisted")

    outcome = {message.to[0]: message for message in mailoutbox}
    confirmed_mail = outcome[first.participant.email]
    waitlisted_mail = outcome[second.participant.email]
    workshop_mail = outcome[workshop_only.participant.email]
    for text in (confirmed_mail.body, confirmed_mail.alternatives[0][0]):
        assert SESSION_URL in text and SESSION_PASSCODE in text
        assert MEETING_URL not in text  # the plenary has its own link
    for text in (workshop_mail.body, workshop_mail.alternatives[0][0]):
        assert MEETING_URL in text and MEETING_PASSCODE in text
    for text in (waitlisted_mail.body, waitlisted_mail.alternatives[0][0]):
        for secret in SECRETS:
            assert secret not in text

    confirmed_page = manage_page(client, first)
    assert SESSION_URL in confirmed_page and SESSION_PASSCODE in confirmed_page
    assert PRACTICAL in manage_page(client, workshop_only, "en")
    waitlisted_page = manage_page(client, second)
    for secret in SECRETS:
        assert secret not in waitlisted_page

    # The first cancels: the waitlisted person is promoted, and now gets the link.
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first, now=timezone.now())
    promoted = [m for m in mailoutbox if m.to == [second.participant.email]][-1]
    assert SESSION_URL in promoted.body and SESSION_PASSCODE in promoted.body
    assert SESSION_URL in promoted.alternatives[0][0]
    assert SESSION_URL in manage_page(client, second)
    assert SESSION_URL not in manage_page(client, first)
