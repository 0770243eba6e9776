"""Layout in Debian's Chromium: no public page is wider than a 390 px phone, in French and in
English; the typeface is the portal's own; on paper, the meeting page keeps its findings whole
and spells out the addresses of its links. And the stylesheets are valid CSS (vnu)."""

from pathlib import Path

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from events.models import Organisation
from tests.e2e.test_accessibility import (
    LANGUAGES,
    PAGES,
    client_response,
    demo,  # noqa: F401
    path_in,
)
from tests.e2e.test_html_validity import vnu_command, vnu_errors
from tests.e2e.test_registration_browser import click_to_next_page
from themes.management.commands.load_demo import OIF

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}


@pytest.fixture
def phone(browser):
    """The browser as a 390 px wide phone, for one test."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_no_page_is_wider_than_a_phone(phone, live_server, client, demo, page, language):  # noqa: F811
    path = path_in(language, page.name)
    assert client_response(client, page, path).status_code == page.status

    phone.get(live_server.url + path)
    if page.submit_empty:
        form = phone.find_element(By.CSS_SELECTOR, "form.form")
        click_to_next_page(phone, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    if page.click:
        click_to_next_page(phone, phone.find_element(By.CSS_SELECTOR, page.click))
    viewport = phone.execute_script("return window.innerWidth")
    width = phone.execute_script("return document.documentElement.scrollWidth")
    # What sticks out, to say where to look when it fails.
    wider = phone.execute_script(
        "return [...document.body.querySelectorAll('*')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)"
        ".slice(0, 5).map(e => e.outerHTML.slice(0, 120));"
    )

    assert viewport == PHONE["width"]
    assert width <= PHONE["width"], f"{width} px wide: {wider}"


def test_pages_are_set_in_the_portals_own_typeface(browser, live_server, demo):  # noqa: F811
    browser.get(live_server.url + path_in("fr", "home"))

    loaded = browser.execute_async_script(
        "const done = arguments[0];"
        "document.fonts.ready.then(() => done(["
        "  getComputedStyle(document.body).fontFamily,"
        "  document.fonts.check('1em \"Source Sans 3\"', 'é'),"
        "  [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family),"
        "]));"
    )
    family, available, faces = loaded

    assert family.startswith('"Source Sans 3"')
    assert available
    assert '"Source Sans 3"' in faces or "Source Sans 3" in faces


# On paper: what hides, and how a finding and the first external link of the content print.
PRINTED = """
const shown = selector => [...document.querySelectorAll(selector)]
  .some(e => getComputedStyle(e).display !== 'none');
const finding = document.querySelector('.finding');
const external = [...document.querySelectorAll('main a[href^="http"]')][0];
return {
  header_nav: shown('.site-nav'), footer: shown('.site-footer'), forms: shown('main form'),
  skip: shown('.skip-link'), heading: shown('h1'),
  finding_breaks: finding ? getComputedStyle(finding).breakInside : null,
  link_after: external ? getComputedStyle(external, '::after').content : null,
  background: getComputedStyle(document.body).backgroundColor,
  colour: getComputedStyle(document.querySelector('h1')).color,
};
"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_meeting_page_prints_findings_whole_and_link_addresses(
    browser,
    live_server,
    demo,  # noqa: F811
    language,
):
    browser.get(live_server.url + path_in(language, "meeting"))

    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        printed = browser.execute_script(PRINTED)
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    assert printed["heading"]
    assert not any(printed[part] for part in ["header_nav", "footer", "forms", "skip"])
    assert printed["finding_breaks"] == "avoid"
    assert (printed["background"], printed["colour"]) == ("rgb(255, 255, 255)", "rgb(0, 0, 0)")


def test_printed_external_link_is_followed_by_its_address(browser, live_server, demo):  # noqa: F811
    Organisation.objects.filter(slug=OIF).update(website="https://www.francophonie.org/")
    browser.get(live_server.url + path_in("fr", "organisation"))

    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        printed = browser.execute_script(PRINTED)
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    assert printed["link_after"] == '" (https://www.francophonie.org/)"'


def test_stylesheets_are_valid_css():
    stylesheets = sorted((Path(settings.BASE_DIR) / "static" / "css").glob("*.css"))

    errors = vnu_errors([*vnu_command(), "--css"], stylesheets)

    assert stylesheets
    assert [f"{Path(e['url']).name}:{e.get('lastLine')}: {e['message']}" for e in errors] == []
