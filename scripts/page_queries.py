"""Print the number of SQL queries each public page makes, on the current database.

Usage: DEBUG=1 .venv/bin/python scripts/page_queries.py   (after `manage.py load_demo`)
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cycle_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from events.models import Meeting, Organisation  # noqa: E402
from themes.models import Finding, Theme  # noqa: E402


def pages() -> list[str]:
    meeting = Meeting.objects.public().filter(is_example=False).first()
    example = Meeting.objects.public().filter(is_example=True).first()
    finding = Finding.objects.public().first()
    theme = Theme.objects.first()
    organisation = Organisation.objects.filter(meeting_roles__isnull=False).first()
    return [
        "/fr/",
        "/fr/rencontres/",
        f"/fr/rencontres/{meeting.slug}/",
        "/fr/themes/",
        f"/fr/themes/{theme.slug}/",
        "/fr/constats/",
        "/fr/constats/?kind=risk&sector=both",
        f"/fr/constats/{finding.pk}/",
        f"/fr/organisations/{organisation.slug}/",
        "/fr/recherche/?q=securite",
        f"/fr/inscription/{example.slug}/",
        "/fr/confidentialite/",
        "/fr/rencontres/export.json",
        "/fr/constats/export.csv",
        "/sitemap.xml",
    ]


def main() -> None:
    client = Client(HTTP_HOST="localhost")
    print(f"database: {connection.vendor}")
    for path in pages():
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        print(f"{len(queries):3d} queries  {status}  {path}")


if __name__ == "__main__":
    main()
