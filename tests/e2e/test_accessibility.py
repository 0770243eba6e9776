"""Accessibility in Debian's Chromium: axe-core's WCAG 2.2 AA rules on every public page, in
French and in English, with no console error; then what axe cannot see for itself: the skip
link, visible keyboard focus, the page's language, errors tied to their fields, and the
meeting page on paper.

axe-core comes from npm (`npm ci`, see package.json) and is injected into each page.
"""

import datetime as dt
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from events.models import Session
from participants import tokens
from participants.models import Registration
from tests.e2e.test_registration_browser import click_to_next_page, wait
from tests.factories import (
    MeetingFactory,
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
)
from themes.management.commands.load_demo import EXAMPLE_SLUG, MEETING_SLUG, OIF
from themes.models import Finding

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: axe's rules tagged with any of these.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Seconds axe may take on one page: the browser shares the machine's two cores.
AXE_TIMEOUT = 60
TARGETS_SHOWN = 3

LANGUAGES = ["fr", "en"]
SEARCH_WORD = {"fr": "sécurité", "en": "security"}
Status = Registration.Status
THEME_SLUG = "intelligence-artificielle"


@dataclass(frozen=True)
class Page:
    """A public page: its address, built in the active language, and the status it answers."""

    name: str
    path: Callable[[], str]
    status: int = 200
    submit_empty: bool = False  # check the page the form gives back when sent empty
    # Check the page a button of this page leads to: what the browser clicks, and what the
    # test client posts to reach the same page.
    click: str = ""
    post: dict | None = None


def finding_path() -> str:
    finding = Finding.objects.public().filter(meeting__slug=MEETING_SLUG).first()
    return finding.get_absolute_url()


def recommendation_path() -> str:
    """The recommendation of 15 April 2025 that the example meeting takes up: its timeline
    has both meetings."""
    recommendation = Finding.objects.public().filter(
        meeting__slug=MEETING_SLUG, kind=Finding.Kind.RECOMMENDATION, taken_up_by__isnull=False
    )
    return recommendation.first().get_absolute_url()


def example_sessions():
    return Session.objects.filter(meeting__slug=EXAMPLE_SLUG).order_by("start")


def confirm_path() -> str:
    """The page a participant's confirmation link opens."""
    registration = RegistrationFactory(
        session=example_sessions().first(), status=Status.PENDING, confirmation_nonce="nonce"
    )
    token = tokens.confirmation_token(
        registration_ids=[registration.pk],
        nonce="nonce",
        meeting_id=registration.session.meeting_id,
    )
    return reverse("participants:confirm", kwargs={"token": token})


def manage_path() -> str:
    """A participant's own page: one seat, one waiting-list place, one cancelled session."""
    participant = ParticipantFactory()
    sessions = example_sessions()[:3]
    statuses = [Status.CONFIRMED, Status.WAITLISTED, Status.CANCELLED]
    for session, status in zip(sessions, statuses, strict=True):
        RegistrationFactory(participant=participant, session=session, status=status)
    token = tokens.manage_token(participant=participant, meeting=sessions[0].meeting)
    return reverse("participants:manage", kwargs={"token": token})


def feedback_path() -> str:
    """The feedback form a participant opens after a meeting that ended yesterday."""
    end = timezone.now() - dt.timedelta(days=1)
    meeting = MeetingFactory(start=end - dt.timedelta(hours=8), end=end)
    registration = RegistrationFactory(
        session=SessionFactory(meeting=meeting), status=Status.CONFIRMED
    )
    token = tokens.feedback_token(participant=registration.participant, meeting=meeting)
    return reverse("participants:feedback", kwargs={"token": token})


def search_path() -> str:
    query = {"q": SEARCH_WORD[translation.get_language()]}
    return f"{reverse('search:search')}?{urlencode(query)}"


PAGES = [
    Page("home", lambda: reverse("home")),
    Page("meetings", lambda: reverse("events:list")),
    Page("meetings-bad-filter", lambda: reverse("events:list") + "?year=abc", status=400),
    Page("meeting", lambda: reverse("events:detail", kwargs={"slug": MEETING_SLUG})),
    Page("example-meeting", lambda: reverse("events:detail", kwargs={"slug": EXAMPLE_SLUG})),
    Page("themes", lambda: reverse("themes:list")),
    Page("theme", lambda: reverse("themes:detail", kwargs={"slug": THEME_SLUG})),
    Page("explorer", lambda: reverse("themes:explorer")),
    Page("explorer-bad-filter", lambda: reverse("themes:explorer") + "?year=abc", status=400),
    Page("finding", finding_path),
    Page("recommendations", lambda: reverse("themes:recommendations")),
    Page("recommendation", recommendation_path),
    Page("organisation", lambda: reverse("events:organisation", kwargs={"slug": OIF})),
    Page("search", search_path),
    Page("register", lambda: reverse("participants:register", kwargs={"slug": EXAMPLE_SLUG})),
    Page(
        "register-errors",
        lambda: reverse("participants:register", kwargs={"slug": EXAMPLE_SLUG}),
        status=400,
        submit_empty=True,
    ),
    Page(
        "check-email",
        lambda: reverse("participants:check_email", kwargs={"slug": EXAMPLE_SLUG}),
    ),
    Page("confirm", confirm_path),
    Page("manage", manage_path),
    Page(
        "link-invalid",
        lambda: reverse("participants:confirm", kwargs={"token": "altered"}),
        status=400,
    ),
    Page(
        "cancel-confirm",
        manage_path,
        click="button[name=cancel][value=all]",
        post={"cancel": "all"},
    ),
    Page(
        "email-not-sent",
        lambda: reverse("participants:email_not_sent", kwargs={"slug": EXAMPLE_SLUG}),
    ),
    Page("feedback", feedback_path),
    Page("feedback-errors", feedback_path, status=400, submit_empty=True),
    Page("privacy", lambda: reverse("participants:privacy")),
    Page("about", lambda: reverse("events:about")),
    Page("accessibility", lambda: reverse("events:accessibility")),
    Page(
        "not-found",
        lambda: reverse("events:detail", kwargs={"slug": "no-such-meeting"}),
        status=404,
    ),
]

RUN_AXE = """
const [tags, done] = arguments;
axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then(results => done(results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(node => node.target.join(" ")),
  }))))
  .catch(error => done({error: String(error)}));
"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        message = f"accessibility tests need axe-core from npm: run `npm ci` (no {AXE})"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: an accessibility test is never skipped there
        pytest.skip(message)
    return AXE.read_text()


@pytest.fixture
def demo(transactional_db):
    """The demo data: the meeting of 15 April 2025, its findings and the fictional example.

    The live server reads the database from another thread: the data must be committed, and
    is flushed after each test, so each test loads it again (a tenth of a second).
    """
    call_command("load_demo", stdout=io.StringIO())


def client_response(client, page: Page, path: str):
    """The page as the test client gets it: a GET, or the post that leads to it."""
    if page.submit_empty:
        return client.post(path, {})
    if page.post is not None:
        return client.post(path, page.post)
    return client.get(path)


def path_in(language: str, name: str) -> str:
    page = next(page for page in PAGES if page.name == name)
    with translation.override(language):
        return page.path()


def axe_violations(driver, axe_source: str) -> list[str]:
    """axe's WCAG 2.2 AA violations on the current page, one readable line each."""
    driver.execute_script(axe_source)
    driver.set_script_timeout(AXE_TIMEOUT)
    violations = driver.execute_async_script(RUN_AXE, AXE_TAGS)
    assert "error" not in violations, violations
    lines = []
    for violation in violations:
        targets = violation["targets"]
        shown = ", ".join(targets[:TARGETS_SHOWN])
        if len(targets) > TARGETS_SHOWN:
            shown += f" and {len(targets) - TARGETS_SHOWN} more"
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {shown}")
    return lines


def console_errors(driver, *, page_url: str, status: int) -> list[str]:
    """SEVERE console entries; a page that answers 4xx on purpose may say so about itself."""
    errors = []
    for entry in driver.get_log("browser"):
        message = entry["message"]
        if entry["level"] != "SEVERE" or "favicon.ico" in message:
            continue
        if status >= 400 and message.startswith(page_url) and f"status of {status}" in message:
            continue
        errors.append(message)
    return errors


def active_element(driver) -> dict:
    return driver.execute_script(
        "const e = document.activeElement;"
        "return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className,"
        " href: e.getAttribute('href')};"
    )


def press(driver, *keys):
    ActionChains(driver).send_keys(*keys).perform()


# The focused element, and whether an outline or a box shadow shows it; `done` once the focus
# has gone round the page (back to the body or to an element already met).
FOCUS_STYLE = """
const element = document.activeElement;
window.tabStops = window.tabStops || new Set();
if (element === document.body || window.tabStops.has(element)) return {done: true};
window.tabStops.add(element);
const style = getComputedStyle(element);
const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
return {
  done: false,
  visible: outline || style.boxShadow !== "none",
  what: element.outerHTML.slice(0, 100),
};
"""
MAX_TAB_STOPS = 300


def tab_through(driver) -> tuple[list[str], list[str]]:
    """Press Tab until the focus has been everywhere: every stop, and those not shown."""
    stops, hidden = [], []
    for _ in range(MAX_TAB_STOPS):
        press(driver, Keys.TAB)
        focus = driver.execute_script(FOCUS_STYLE)
        if focus["done"]:
            break
        stops.append(focus["what"])
        if not focus["visible"]:
            hidden.append(focus["what"])
    return stops, hidden


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_page_has_no_axe_violation(browser, live_server, client, demo, axe_source, page, language):
    path = path_in(language, page.name)
    response = client_response(client, page, path)
    assert response.status_code == page.status, "not the page meant to be checked"
    url = live_server.url + path

    browser.get(url)
    if page.submit_empty:
        form = browser.find_element(By.CSS_SELECTOR, "form.form")
        click_to_next_page(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert browser.find_elements(By.ID, "form-errors"), "the form did not show its errors"
    if page.click:
        click_to_next_page(browser, browser.find_element(By.CSS_SELECTOR, page.click))

    assert browser.execute_script("return document.documentElement.lang") == language
    violations = axe_violations(browser, axe_source)
    errors = console_errors(browser, page_url=url, status=page.status)

    assert violations == [], "axe-core (WCAG 2.2 AA) violations:\n" + "\n".join(violations)
    assert errors == [], "console errors"


@pytest.mark.parametrize("language", LANGUAGES)
def test_skip_link_is_first_and_moves_focus_to_main(browser, live_server, demo, language):
    browser.get(live_server.url + path_in(language, "home"))

    press(browser, Keys.TAB)
    first = active_element(browser)
    skip_link = browser.switch_to.active_element
    on_screen = skip_link.rect["x"] >= 0 and skip_link.is_displayed()
    press(browser, Keys.ENTER)

    assert (first["tag"], first["cls"], first["href"]) == ("a", "skip-link", "#main")
    assert on_screen, "the skip link stays off screen when focused"
    wait(browser).until(lambda d: active_element(d)["id"] == "main")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["home", "example-meeting", "explorer", "register"])
def test_keyboard_focus_is_always_visible(browser, live_server, demo, name, language):
    browser.get(live_server.url + path_in(language, name))

    stops, hidden = tab_through(browser)

    assert len(stops) > 10, f"only {len(stops)} elements take the keyboard focus"
    assert hidden == [], "elements whose keyboard focus cannot be seen"


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_errors_are_tied_to_their_fields(browser, live_server, demo, language):
    browser.get(live_server.url + path_in(language, "register"))
    form = browser.find_element(By.CSS_SELECTOR, "form.form")

    click_to_next_page(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    untied = browser.execute_script(
        "return [...document.querySelectorAll('.field__error')].filter(error => {"
        "  const described = document.querySelectorAll("
        "    `[aria-describedby~='${error.id}']`);"
        "  return !error.id || described.length === 0;"
        "}).map(error => error.textContent.trim());"
    )
    invalid = browser.execute_script(
        "return [...document.querySelectorAll('.field--error input, .field--error select,"
        " .field--error textarea')].filter(c => c.getAttribute('aria-invalid') !== 'true')"
        ".map(c => c.id);"
    )

    assert browser.find_elements(By.CSS_SELECTOR, ".field__error"), "no error shown"
    assert untied == [], "error messages no field points to with aria-describedby"
    assert invalid == [], "fields in error without aria-invalid"


def test_passage_in_the_other_language_says_so(browser, live_server, demo):
    finding = Finding.objects.public().filter(meeting__slug=MEETING_SLUG).first()
    Finding.objects.filter(pk=finding.pk).update(title_en="")  # shown in French, its fallback

    with translation.override("en"):
        browser.get(live_server.url + finding.get_absolute_url())
    title = wait(browser).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
    switcher = browser.find_element(By.CSS_SELECTOR, ".language-switcher a[hreflang='fr']")

    assert browser.execute_script("return document.documentElement.lang") == "en"
    assert title.get_attribute("lang") == "fr"
    assert switcher.get_attribute("lang") == "fr"


@pytest.mark.parametrize("language", LANGUAGES)
def test_meeting_page_prints_without_navigation(browser, live_server, demo, language):
    browser.get(live_server.url + path_in(language, "meeting"))
    navigation = browser.find_element(By.CSS_SELECTOR, ".site-nav")
    heading = browser.find_element(By.TAG_NAME, "h1")
    assert navigation.is_displayed()

    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        printed = (navigation.is_displayed(), heading.is_displayed())
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    assert printed == (False, True)
