"""Every language list comes from settings.LANGUAGES: adding a third language is a settings
change plus its translations (and the migration `makemigrations` writes for its fields)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from core import languages
from core.translation_admin import missing_languages
from events.admin import MeetingAdmin
from events.models import Meeting
from participants.forms import RegistrationForm
from search import selectors as search
from tests.factories import FindingFactory, MeetingFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
THREE = [("fr", "Français"), ("en", "English"), ("es", "Español")]


@pytest.fixture(scope="module")
def third_language():
    """What the portal shows when settings add Spanish (in a process of its own: the
    translated fields are made when the models are imported)."""
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "tests.settings_three_languages"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 - our own script, with this interpreter
        [sys.executable, "-m", "tests.three_languages"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_third_language_passes_the_checks_and_needs_only_its_new_fields(third_language):
    planned = [line.strip() for line in third_language["planned_migrations"].splitlines()]
    operations = [line for line in planned if line.startswith("+ ") or line.startswith("- ")]

    assert "no issues" in third_language["check"]
    assert operations
    assert all(re.fullmatch(r"\+ Add field \w+_es to \w+", line) for line in operations)


def test_third_language_has_its_pages_alternates_and_og_locale(third_language):
    assert third_language["home_status"] == 200
    assert third_language["home_lang"] == "es"
    assert third_language["home_alternates"] == [
        ["fr", "http://testserver/fr/"],
        ["en", "http://testserver/en/"],
        ["es", "http://testserver/es/"],
        ["x-default", "http://testserver/fr/"],
    ]
    assert third_language["home_og_locales"] == ["es_ES", "fr_FR", "en_GB"]
    assert third_language["sitemap_has_spanish_alternates"]


def test_third_language_shows_its_texts_and_falls_back_to_the_default_one(third_language):
    assert third_language["meeting_status"] == 200
    assert third_language["meeting_shows_spanish_title"]
    assert third_language["fallback_status"] == 200
    assert third_language["fallback_shows_french_title"]


def test_third_language_is_searched_with_the_simple_configuration(third_language):
    assert third_language["search_configs"] == {
        "fr": "portal_fr",
        "en": "portal_en",
        "es": "simple",
    }
    assert third_language["search_finds_spanish_finding"]


def test_third_language_gets_admin_tabs_status_filter_and_emails(third_language):
    assert third_language["admin_add_status"] == 200
    assert third_language["admin_add_has_spanish_tab"]
    assert third_language["admin_missing_es_status"] == 200
    assert third_language["admin_missing_es_lists_untranslated"]
    assert third_language["admin_filter_offers_spanish"]
    assert "Español" in third_language["admin_statuses"][0]
    assert third_language["register_status"] == 200
    assert third_language["register_offers_spanish_emails"]
    assert third_language["email_mentions_spanish_session"]
    assert third_language["email_links_spanish_pages"]


# The two languages of today, read from the same settings


def test_pages_give_og_locale_and_its_alternate_in_each_language(client):
    french = client.get("/fr/").text
    english = client.get("/en/").text

    assert '<meta property="og:locale" content="fr_FR">' in french
    assert '<meta property="og:locale:alternate" content="en_GB">' in french
    assert '<meta property="og:locale" content="en_GB">' in english
    assert '<meta property="og:locale:alternate" content="fr_FR">' in english


def test_registration_form_offers_the_languages_of_the_settings():
    meeting = MeetingFactory(registration_mode=Meeting.RegistrationMode.OPEN)

    with override_settings(LANGUAGES=THREE):
        offered = [
            code for code, _name in RegistrationForm(meeting=meeting).fields["language"].choices
        ]

    assert offered == ["fr", "en", "es"]


def test_missing_translation_counts_every_language_of_the_settings():
    finding = FindingFactory(title_en="", text_en="")

    with override_settings(LANGUAGES=THREE):
        missing = missing_languages(finding)

    assert missing == ["en", "es"]


def test_missing_translation_filter_offers_each_language(staff_client):
    MeetingFactory(title_fr="Pas traduite", title_en="", summary_en="")

    response = staff_client.get(reverse("admin:events_meeting_changelist"))

    assert "?missing=fr" in response.text
    assert "?missing=en" in response.text


def test_admin_searches_and_slugs_follow_the_settings(rf):
    admin = MeetingAdmin(Meeting, None)

    assert admin.search_fields[:2] == ["title_fr", "title_en"]
    assert admin.prepopulated_fields == {"slug": ("title_fr",)}
    assert languages.localized("name") == ["name_fr", "name_en"]


def test_a_language_without_its_own_search_configuration_is_searched_simply(client, monkeypatch):
    FindingFactory(title_en="Maritime security", text_en="Piracy at sea.")
    monkeypatch.setitem(search.CONFIGS, "en", "simple")

    response = client.get("/en/search/", {"q": "security"})

    assert response.status_code == 200
    assert "Maritime <mark>security</mark>" in response.text


@pytest.mark.parametrize(
    ("code", "og"),
    [("fr", "fr_FR"), ("en", "en_GB"), ("es", "es_ES"), ("pt-br", "pt_BR"), ("zh-hans", "zh_Hans")],
)
def test_og_locale_has_a_territory_where_one_is_known(code, og):
    assert languages.og_locale(code) == og
