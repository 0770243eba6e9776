"""Valid HTML: the Nu HTML Checker (vnu) finds no error on any public page, in French and in
English: the pages of the accessibility suite, plus a few states of the lists and the search.

The pages are rendered with Django's test client and checked together by one run of vnu:
Java takes seconds to start. vnu comes from npm (`npm ci`, see package.json), Java from
Debian (`openjdk-17-jre-headless`).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from participants import tokens
from participants.models import Feedback
from tests.e2e.test_accessibility import (  # noqa: F401 - demo is a fixture
    LANGUAGES,
    PAGES,
    SEARCH_WORD,
    THEME_SLUG,
    Page,
    client_response,
    demo,
    feedback_path,
)
from themes.models import Finding

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Seconds vnu may take over every page: Java starts slowly, and shares the machine's 2 cores.
VNU_TIMEOUT = 300


def search(**query) -> str:
    return f"{reverse('search:search')}?{urlencode(query)}"


def feedback_answered_path() -> str:
    """The feedback link of someone who has answered: the thank-you page."""
    path = feedback_path()
    link = tokens.read_feedback_token(path.rstrip("/").rpartition("/")[2])
    Feedback.objects.create(
        meeting_id=link.meeting_id,
        participant_id=link.participant_id,
        usefulness=4,
        attend_again=Feedback.Again.YES,
        language=translation.get_language(),
    )
    return path


# States of the pages that the accessibility suite does not open.
MORE_PAGES = [
    Page(
        "explorer-filtered",
        lambda: (
            reverse("themes:explorer")
            + "?"
            + urlencode({"kind": Finding.Kind.RISK, "theme": THEME_SLUG})
        ),
    ),
    Page(
        "meetings-searched",
        lambda: (
            reverse("events:list") + "?" + urlencode({"q": SEARCH_WORD[translation.get_language()]})
        ),
    ),
    Page(
        "search-one-kind",
        lambda: search(q=SEARCH_WORD[translation.get_language()], kind="findings"),
    ),
    Page("search-nothing-found", lambda: search(q="zzzz")),
    Page("search-too-long", lambda: search(q="a" * 201), status=400),
    Page("search-empty", lambda: search(q="")),
    Page(
        "recommendations-filtered",
        lambda: reverse("themes:recommendations") + "?" + urlencode({"status": "proposed"}),
    ),
    Page(
        "recommendations-bad-filter",
        lambda: reverse("themes:recommendations") + "?status=abandoned",
        status=400,
    ),
    Page("feedback-answered", feedback_answered_path),
]

# What these pages must show, for their HTML to be checked with it.
SHOWN = {
    "search": 'class="card search-result"',
    "search-one-kind": 'class="card search-result"',
    "explorer": 'class="chart"',
    "recommendations": 'class="chart"',
    "recommendations-filtered": 'class="label label--status label--proposed"',
    "recommendation": 'class="timeline__step timeline__step--taken_up"',
    "explorer-filtered": 'class="finding finding--risk"',
    "meetings-searched": 'class="card',
    "feedback": "<fieldset",
    "feedback-errors": 'id="form-errors"',
    "feedback-answered": 'class="notice notice--success"',
}


def rendered(client, page: Page, language: str) -> str:
    with translation.override(language):
        path = page.path()
    response = client_response(client, page, path)
    assert response.status_code == page.status, f"{language} {page.name}: not the page meant"
    return response.content.decode()


def vnu_command() -> list[str]:
    java = shutil.which("java")
    missing = [what for what, found in [("java", java), (str(VNU), VNU.is_file())] if not found]
    if missing:
        message = (
            "the HTML check needs Java (Debian's openjdk-17-jre-headless) and vnu-jar from npm"
            f" (`npm ci`): no {', '.join(missing)}"
        )
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs them: the check is never skipped there
        pytest.skip(message)
    return [java, "-jar", str(VNU), "--format", "json", "--errors-only"]


def vnu_errors(command: list[str], files: list[Path]) -> list[dict]:
    """vnu's errors over these files, in one run (it writes its JSON report to stderr)."""
    result = subprocess.run(  # noqa: S603 - our own command, no shell
        [*command, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=VNU_TIMEOUT,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout)
    return [message for message in report["messages"] if message["type"] != "info"]


def test_every_public_page_is_valid_html(client, demo, tmp_path):  # noqa: F811
    command = vnu_command()  # before rendering anything: skipped or failed at once
    files = []
    for language in LANGUAGES:
        for page in [*PAGES, *MORE_PAGES]:
            file = tmp_path / f"{language}-{page.name}.html"
            file.write_text(rendered(client, page, language), encoding="utf-8")
            files.append(file)

    errors = vnu_errors(command, files)

    for name, marker in SHOWN.items():
        for language in LANGUAGES:
            assert marker in (tmp_path / f"{language}-{name}.html").read_text(), (language, name)

    lines = [
        # The file's name says the language and the page: "en-search.html".
        f"{Path(error.get('url', '')).stem}:{error.get('lastLine', '?')}: {error['message']}"
        f"  «{' '.join((error.get('extract') or '').split())}»"
        for error in errors
    ]
    assert lines == [], "Nu HTML Checker errors:\n" + "\n".join(lines)
