"""The page cache (core/page_cache.py): a public page is served from the cache until the
content changes, whatever changes it, and never a page meant for one visitor.

The tests commit their changes (transaction=True): the generation is bumped when a change
commits, as in production. tests/test_page_cache_processes.py checks it across two servers.
"""

import contextlib
import datetime as dt
import logging

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from core import page_cache
from core.models import ContentGeneration
from events.models import Meeting
from participants.models import Registration
from tests.factories import (
    FindingFactory,
    MeetingFactory,
    RegistrationFactory,
    SessionFactory,
    StaffFactory,
    ThemeFactory,
)
from themes.models import Finding

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_ON_A_CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    with contextlib.suppress(Exception):  # the cache may be down on purpose
        cache.clear()


@pytest.fixture
def meeting():
    start = timezone.now() + dt.timedelta(days=30)
    return MeetingFactory(
        slug="atelier",
        title_fr="Atelier sur l’IA",
        title_en="Workshop on AI",
        start=start,
        end=start + dt.timedelta(hours=8),
        registration_mode=Meeting.RegistrationMode.OPEN,
    )


def url(meeting, language="fr"):
    with translation.override(language):
        return reverse("events:detail", kwargs={"slug": meeting.slug})


def primed(client, path):
    """The page, fetched until it is served from the cache."""
    assert client.get(path).headers.get("X-Page-Cache") == "miss"
    response = client.get(path)
    assert response.headers.get("X-Page-Cache") == "hit"
    return response


def test_a_second_visit_is_served_from_the_cache_with_a_single_query(
    client, meeting, django_assert_max_num_queries
):
    first = client.get(url(meeting))

    with django_assert_max_num_queries(1):  # the content generation
        second = client.get(url(meeting))

    assert second.headers["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Atelier sur l’IA" in second.text
    # The headers of the middleware outside the cache are there too.
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert second.headers["X-Frame-Options"] == "DENY"


def test_head_is_served_from_what_get_stored(client, meeting):
    primed(client, url(meeting))

    assert client.head(url(meeting)).headers["X-Page-Cache"] == "hit"


def test_each_language_and_query_string_has_its_own_page(client, meeting):
    primed(client, url(meeting, "fr"))

    english = client.get(url(meeting, "en"))
    with_query = client.get(url(meeting) + "?utm=1")

    assert english.headers["X-Page-Cache"] == "miss"
    assert "Workshop on AI" in english.text
    assert with_query.headers["X-Page-Cache"] == "miss"


def retitle_with_update(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(title_fr="Titre corrigé")
    return "Titre corrigé"


def retitle_with_save(meeting):
    meeting.title_fr = "Titre corrigé"
    meeting.save()
    return "Titre corrigé"


def add_a_finding(meeting):
    FindingFactory(meeting=meeting, title_fr="Constat ajouté", kind=Finding.Kind.RISK)
    return "Constat ajouté"


def rename_a_theme_through_the_many_to_many(meeting):
    meeting.themes.add(ThemeFactory(name_fr="Thème ajouté"))
    return "Thème ajouté"


@pytest.mark.parametrize(
    "change",
    [
        retitle_with_update,
        retitle_with_save,
        add_a_finding,
        rename_a_theme_through_the_many_to_many,
    ],
)
def test_a_change_shows_at_the_next_request(client, meeting, change):
    primed(client, url(meeting))

    expected = change(meeting)
    response = client.get(url(meeting))

    assert response.headers["X-Page-Cache"] == "miss"
    assert expected in response.text


def test_a_title_changed_in_the_admin_shows_at_the_next_request(client, meeting):
    from tests.events.test_timezones import form_of

    primed(client, url(meeting))
    staff = Client()
    staff.force_login(StaffFactory())
    change = reverse("admin:events_meeting_change", args=[meeting.pk])
    data = form_of(staff.get(change)) | {"title_fr": "Titre corrigé dans l’admin"}

    assert staff.post(change, data).status_code == 302
    assert "Titre corrigé dans l’admin" in client.get(url(meeting)).text


def test_feeds_are_cached_and_follow_changes_too(client, meeting):
    # Feeds carry Last-Modified; they were the slowest pages before they were cached.
    FindingFactory(meeting=meeting, title_fr="Premier constat")
    with translation.override("fr"):
        feed = reverse("themes:feed")
    assert "Premier constat" in primed(client, feed).text

    FindingFactory(meeting=meeting, title_fr="Second constat")

    assert "Second constat" in client.get(feed).text


def test_a_deleted_finding_leaves_the_page_at_once(client, meeting):
    finding = FindingFactory(meeting=meeting, title_fr="Constat retiré")
    assert "Constat retiré" in primed(client, url(meeting)).text

    Finding.objects.filter(pk=finding.pk).delete()

    assert "Constat retiré" not in client.get(url(meeting)).text


def test_a_confirmed_registration_filling_a_session_turns_register_into_waiting_list(
    client, meeting
):
    session = SessionFactory(
        meeting=meeting, start=meeting.start, end=meeting.start + dt.timedelta(hours=1), capacity=1
    )
    assert "Join the waiting list" not in primed(client, url(meeting, "en")).text

    RegistrationFactory(session=session, status=Registration.Status.CONFIRMED)

    assert "Join the waiting list" in client.get(url(meeting, "en")).text


def test_a_rolled_back_change_keeps_the_cached_page(client, meeting):
    primed(client, url(meeting))

    with pytest.raises(RuntimeError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(title_fr="Jamais publié")
        raise RuntimeError

    assert client.get(url(meeting)).headers["X-Page-Cache"] == "hit"


def test_staff_never_get_nor_leave_a_cached_page(client, meeting):
    primed(client, url(meeting))
    client.force_login(StaffFactory())

    staff_page = client.get(url(meeting))
    client.logout()
    Meeting.objects.filter(pk=meeting.pk).update(title_fr="Titre corrigé")
    client.force_login(StaffFactory(username="other"))
    client.get(url(meeting))
    client.logout()

    assert "X-Page-Cache" not in staff_page.headers
    assert client.get(url(meeting)).headers["X-Page-Cache"] == "miss"


def test_a_page_with_a_csrf_token_is_never_stored(client, meeting):
    with translation.override("fr"):
        path = reverse("participants:register", kwargs={"slug": meeting.slug})
    SessionFactory(meeting=meeting, start=meeting.start, end=meeting.start + dt.timedelta(hours=1))

    first, second = client.get(path), client.get(path)

    assert first.status_code == second.status_code == 200
    assert "csrfmiddlewaretoken" in second.text
    assert "X-Page-Cache" not in second.headers


def test_a_page_with_a_csrf_token_outside_the_excluded_routes_is_not_stored(
    client, meeting, settings
):
    settings.PAGE_CACHE_EXCLUDED_NAMESPACES = []
    with translation.override("fr"):
        path = reverse("participants:register", kwargs={"slug": meeting.slug})
    SessionFactory(meeting=meeting, start=meeting.start, end=meeting.start + dt.timedelta(hours=1))

    client.get(path)
    second = client.get(path)

    assert "csrfmiddlewaretoken" in second.text
    assert "X-Page-Cache" not in second.headers
    assert "csrftoken" in second.cookies


def test_a_visitor_with_a_message_gets_the_page_with_it(client, meeting):
    primed(client, url(meeting))
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(messages.INFO, "Votre inscription est annulée.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value

    response = client.get(url(meeting))

    assert "Votre inscription est annulée." in response.text
    assert "X-Page-Cache" not in response.headers
    # The next visitor, without the message, gets the cached page, still without it.
    client.cookies.pop("messages", None)
    assert "Votre inscription est annulée." not in client.get(url(meeting)).text


@pytest.mark.parametrize("path", ["/fr/rencontres/inconnue/", "/fr/nulle-part/"])
def test_a_missing_page_is_not_cached(client, meeting, path):
    assert client.get(path).status_code == 404
    assert "X-Page-Cache" not in client.get(path).headers


def test_without_its_generation_row_the_portal_renders_every_page(client, meeting):
    ContentGeneration.objects.all().delete()

    responses = [client.get(url(meeting)) for _ in range(2)]

    assert all("Atelier sur l’IA" in response.text for response in responses)
    assert all("X-Page-Cache" not in response.headers for response in responses)
    # The next change to the content makes it again, and the cache works again.
    Meeting.objects.filter(pk=meeting.pk).update(title_fr="Titre corrigé")
    assert str(ContentGeneration.objects.get(pk=1)).isdigit()
    assert primed(client, url(meeting))


def test_a_response_private_or_varying_by_visitor_is_not_stored(rf, meeting):
    request = rf.get(url(meeting))
    request.user = AnonymousUser()

    assert page_cache.storable(request, HttpResponse("x"))
    assert not page_cache.storable(request, HttpResponse("x", headers={"Cache-Control": "private"}))
    assert not page_cache.storable(request, HttpResponse("x", headers={"Vary": "User-Agent"}))
    assert not page_cache.storable(request, HttpResponse("x", headers={"ETag": '"1"'}))
    request.session = SessionStore()
    request.session["seen"] = True  # a view that wrote to the session
    assert not page_cache.storable(request, HttpResponse("x"))


def test_with_the_cache_down_pages_are_rendered_and_it_is_left_alone(
    client, meeting, settings, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_ON_A_CLOSED_PORT,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }

    with caplog.at_level(logging.WARNING, logger="core.page_cache"):
        responses = [client.get(url(meeting)) for _ in range(3)]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert all("Atelier sur l’IA" in response.text for response in responses)
    # One warning: after the first failure, the cache is not tried for a while.
    assert len([r for r in caplog.records if "Page cache unreachable" in r.message]) == 1


def test_every_table_shown_on_public_pages_bumps_the_generation():
    tables = page_cache.content_tables()

    assert {
        "events_event",
        "events_session",
        "events_event_themes",
        "themes_finding",
        "themes_finding_themes",
        "participants_registration",
    } <= set(tables)
    assert "participants_participant" not in tables
    assert page_cache.missing_triggers() == set()


def test_a_table_that_lost_its_triggers_gets_them_back_at_the_next_migrate():
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER core_content_generation ON themes_finding")
        else:
            cursor.execute("DROP TRIGGER core_content_generation_themes_finding_update")
    assert page_cache.missing_triggers() == {"themes_finding"}

    call_command("migrate", verbosity=0)

    assert page_cache.missing_triggers() == set()


def test_a_bulk_change_of_many_rows_bumps_the_generation():
    meeting = MeetingFactory()
    before = page_cache.current_generation()

    Finding.objects.bulk_create(
        [FindingFactory.build(meeting=meeting, title_fr=f"Constat {n}") for n in range(3)]
    )

    assert page_cache.current_generation() > before
