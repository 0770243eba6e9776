"""Run by tests/test_languages.py in a process of its own, under
tests/settings_three_languages.py: checks the portal, builds its database, renders pages,
admin forms and an e-mail in the third language, and prints what it saw as JSON."""

import datetime as dt
import io
import json
import os
import re

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings_three_languages"
django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from events.models import Meeting  # noqa: E402
from participants import emails  # noqa: E402
from participants.models import Registration  # noqa: E402
from search import selectors as portal_search  # noqa: E402
from tests.factories import (  # noqa: E402
    FindingFactory,
    MeetingFactory,
    RegistrationFactory,
    SessionFactory,
    StaffFactory,
)


def page(client, name, **kwargs) -> tuple[int, str]:
    with translation.override("es"):
        response = client.get(reverse(name, kwargs=kwargs))
    return response.status_code, response.content.decode()


def main() -> dict:
    setup_test_environment()
    checked = io.StringIO()
    call_command("check", stdout=checked)
    planned = io.StringIO()
    with override_settings(MIGRATION_MODULES={}):  # the project's own migrations
        call_command("makemigrations", dry_run=True, stdout=planned)
    call_command("migrate", run_syncdb=True, verbosity=0)

    start = timezone.now() + dt.timedelta(days=30)
    meeting = MeetingFactory(
        slug="desarme",
        title_es="Reunión sobre el desarme",
        summary_es="Un resumen en español.",
        start=start,
        end=start + dt.timedelta(hours=8),
        registration_mode=Meeting.RegistrationMode.OPEN,
    )
    session = SessionFactory(meeting=meeting, title_es="Mesa redonda")
    untranslated = MeetingFactory(slug="sin-traduccion", title_fr="Rencontre en français")
    FindingFactory(
        meeting=meeting, title_es="La seguridad marítima", text_es="Piratería en el mar."
    )
    client = Client()

    home = page(client, "home")
    detail = page(client, "events:detail", slug=meeting.slug)
    fallback = page(client, "events:detail", slug=untranslated.slug)
    register = page(client, "participants:register", slug=meeting.slug)
    with translation.override("es"):
        search = client.get(reverse("search:search"), {"q": "seguridad"}).content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()

    client.force_login(StaffFactory())
    admin_add = page(client, "admin:events_meeting_add")
    with translation.override("es"):
        missing_es = client.get(reverse("admin:events_meeting_changelist"), {"missing": "es"})

    admin_list = missing_es.content.decode()

    registration = RegistrationFactory(
        session=session, participant__language="es", status=Registration.Status.CONFIRMED
    )
    message = emails.build(template="outcome", registrations=[registration], language="es")

    return {
        "check": checked.getvalue(),
        "search_configs": portal_search.CONFIGS,
        "planned_migrations": planned.getvalue(),
        "home_status": home[0],
        "home_lang": re.search(r'<html lang="([^"]+)"', home[1]).group(1),
        "home_alternates": re.findall(r'hreflang="([^"]+)" href="([^"]+)"', home[1]),
        "home_og_locales": re.findall(
            r'property="og:locale(?::alternate)?" content="([^"]+)"', home[1]
        ),
        "meeting_status": detail[0],
        "meeting_shows_spanish_title": "Reunión sobre el desarme" in detail[1],
        "fallback_status": fallback[0],
        "fallback_shows_french_title": "Rencontre en français" in fallback[1],
        "register_status": register[0],
        "register_offers_spanish_emails": 'value="es"' in register[1],
        "search_finds_spanish_finding": "La <mark>seguridad</mark> marítima" in search,
        "sitemap_has_spanish_alternates": 'hreflang="es"' in sitemap,
        "admin_add_status": admin_add[0],
        "admin_add_has_spanish_tab": 'name="title_es"' in admin_add[1],
        "admin_missing_es_status": missing_es.status_code,
        "admin_missing_es_lists_untranslated": "Rencontre en français"
        in missing_es.content.decode(),
        "admin_statuses": re.findall(r'class="field-translation_status">([^<]*)<', admin_list),
        "admin_filter_offers_spanish": "?missing=es" in admin_list,
        "email_subject": message.subject,
        "email_mentions_spanish_session": "Mesa redonda" in message.body,
        "email_links_spanish_pages": "/es/" in message.body,
    }


if __name__ == "__main__":
    print(json.dumps(main()))
