"""The admin pages staff use, in Chromium, under the portal's Content-Security-Policy: no
violation in the console, and a meeting's languages shown side by side with the styles on."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.factories import MeetingFactory, RegistrationFactory, SessionFactory, StaffFactory

TIMEOUT = 15


@pytest.fixture
def staff_browser(browser, live_server, transactional_db):
    """The browser, signed in as a superuser through the session cookie."""
    client = Client()
    client.force_login(StaffFactory())
    browser.get(live_server.url + "/robots.txt")  # a page of the site, to set its cookie
    browser.add_cookie(
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "path": "/",
        }
    )
    browser.get_log("browser")
    return browser


@pytest.fixture
def meeting(transactional_db):
    session = SessionFactory(meeting=MeetingFactory(title_fr="Atelier", title_en="Workshop"))
    RegistrationFactory(session=session)
    return session.meeting


def open_page(browser, url):
    browser.get(url)
    WebDriverWait(browser, TIMEOUT).until(EC.presence_of_element_located((By.ID, "content")))


def console_errors(browser) -> list[str]:
    """CSP violations and any other error the pages wrote to the console."""
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"] or entry["level"] == "SEVERE"
    ]


def admin_pages(meeting):
    session = meeting.sessions.first()
    return {
        "index": reverse("admin:index"),
        "meetings": reverse("admin:events_meeting_changelist"),
        "meeting add": reverse("admin:events_meeting_add"),
        "meeting change": reverse("admin:events_meeting_change", args=[meeting.pk]),
        "session change": reverse("admin:events_session_change", args=[session.pk]),
        "registrations": reverse("admin:participants_registration_changelist"),
    }


def test_staff_pages_load_without_csp_violation(staff_browser, live_server, meeting):
    for name, path in admin_pages(meeting).items():
        open_page(staff_browser, live_server.url + path)

        assert console_errors(staff_browser) == [], name


@pytest.mark.parametrize("page", ["meeting add", "meeting change"])
def test_both_languages_show_side_by_side_under_csp(staff_browser, live_server, meeting, page):
    open_page(staff_browser, live_server.url + admin_pages(meeting)[page])
    titles = [staff_browser.find_element(By.ID, f"id_title_{code}") for code in ("fr", "en")]
    french, english = (
        staff_browser.find_element(By.ID, f"id_summary_{code}") for code in ("fr", "en")
    )

    # No tab to switch: every language in sight, texts side by side on one row (the admin's
    # style sheet applied), titles one under the other.
    assert all(field.is_displayed() for field in [*titles, french, english])
    assert french.location["y"] == english.location["y"]
    assert english.location["x"] > french.location["x"] + french.size["width"]
    assert titles[1].location["y"] > titles[0].location["y"]
    assert console_errors(staff_browser) == []
