"""The meeting page in Chromium: what the meeting found is on the first screen.

On the demo's meeting of 15 April 2025, the words for opportunities, risks and recommendations
all show within the first 900 pixels of a 1280×900 window, in French and in English; on a wide
screen opportunities and risks sit side by side; on a phone nothing is wider than the screen.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from themes.management.commands.load_demo import MEETING_SLUG

WORDS = {
    "fr": {"opportunity": "opportunités", "risk": "risques", "recommendation": "recommandations"},
    "en": {"opportunity": "opportunities", "risk": "risks", "recommendation": "recommendations"},
}
FIRST_SCREEN = 900

# For each kind: the top (px, from the top of the page at scroll 0) of the first element, the
# count link under the title or the section's heading, whose text holds the word.
TOPS = """
const [kind, word] = arguments;
const candidates = [
  ...document.querySelectorAll(`a[href="#findings-${kind}"]`),
  document.getElementById(`findings-${kind}`),
].filter((element) => element && element.textContent.toLowerCase().includes(word));
const tops = candidates.map((element) => element.getBoundingClientRect().top + window.scrollY);
return tops.length ? Math.min(...tops) : null;
"""


@pytest.fixture
def demo(transactional_db):
    """The demo data, committed: the live server reads it from another thread."""
    call_command("load_demo", stdout=io.StringIO())


def open_meeting_page(browser, live_server, language: str, width: int, height: int = 900):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    with translation.override(language):
        path = reverse("events:detail", kwargs={"slug": MEETING_SLUG})
    browser.get(live_server.url + path)


@pytest.fixture
def window(browser):
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("language", ["fr", "en"])
def test_findings_words_are_on_the_first_screen(window, live_server, demo, language):
    open_meeting_page(window, live_server, language, 1280)

    tops = {kind: window.execute_script(TOPS, kind, word) for kind, word in WORDS[language].items()}

    assert all(top is not None and top < FIRST_SCREEN for top in tops.values()), tops


@pytest.mark.parametrize("language", ["fr", "en"])
def test_opportunities_and_risks_side_by_side_on_a_wide_screen(window, live_server, demo, language):
    open_meeting_page(window, live_server, language, 1280)

    opportunities, risks, recommendations = (
        window.execute_script(
            f"return document.getElementById('findings-{kind}').getBoundingClientRect().toJSON()"
        )
        for kind in ("opportunity", "risk", "recommendation")
    )

    assert opportunities["top"] == risks["top"]
    assert opportunities["right"] < risks["left"]
    assert recommendations["top"] > opportunities["bottom"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_meeting_page_fits_a_phone(window, live_server, demo, language):
    open_meeting_page(window, live_server, language, 390)

    width = window.execute_script("return document.documentElement.scrollWidth")

    assert width <= 390
    assert window.get_log("browser") == []
