"""Time the search (search/views.py) on a PostgreSQL database of many findings.

Usage, on a database of its own (never the portal's: this one gets thousands of fictional rows):

    createdb -h 127.0.0.1 -U cycle cycle_bench
    DEBUG=1 DATABASE_URL=postgres://cycle@127.0.0.1:5432/cycle_bench \\
        .venv/bin/python scripts/bench_search.py --findings 10000
    dropdb -h 127.0.0.1 -U cycle cycle_bench

It migrates the database, fills it up to the number of findings asked for (a second run reuses
the rows), runs VACUUM ANALYZE, then prints for each query the median time of the search
function and of the whole page over several runs, the number of SQL queries of the page, and
EXPLAIN ANALYZE of the findings queries to show which indexes serve them.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import zoneinfo
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cycle_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

from events.models import Cycle, Meeting  # noqa: E402
from search import selectors as search  # noqa: E402
from themes.demo import CYCLE_RECORDS, data_read  # noqa: E402
from themes.models import Finding  # noqa: E402

GENEVA = zoneinfo.ZoneInfo("Europe/Zurich")


def pairs(item: dict) -> dict:
    """The data file's {"fr": …, "en": …} texts as (French, English) pairs."""
    return {k: (v["fr"], v["en"]) if isinstance(v, dict) else v for k, v in item.items()}


MEETING = pairs(data_read(CYCLE_RECORDS)["meetings"][0])
THEMES = [pairs(theme) for theme in data_read(CYCLE_RECORDS)["themes"]]
FINDINGS = [pairs(finding) for finding in MEETING["findings"]]
QUERIES = [
    ("fr", "securite"),
    ("fr", "sécurité internationale"),
    ("fr", "droit international humanitaire"),
    ("fr", "désarmement -nucléaire"),
    ("fr", '"intelligence artificielle"'),
    ("fr", "gouvernance"),
    ("fr", "piraterie"),
    ("fr", "introuvable"),
    ("en", "security"),
    ("en", "disarmament"),
    ("en", "artificial intelligence"),
]
# Said of a finding's subject, to vary the texts (French, English).
QUALIFIERS = [
    ("dans les zones de crise", "in crisis areas"),
    ("en Afrique de l’Ouest", "in West Africa"),
    ("pour les pays en développement", "for developing countries"),
    ("dans l’espace numérique", "in cyberspace"),
    ("face aux armes nucléaires", "in the face of nuclear weapons"),
    ("dans le domaine maritime", "in the maritime domain"),
    ("pour les opérations de maintien de la paix", "for peacekeeping operations"),
    ("au sein de la Conférence du désarmement", "within the Conference on Disarmament"),
    ("avec la société civile", "with civil society"),
    ("et les entreprises technologiques", "and technology companies"),
]


def sentences() -> tuple[list[str], list[str]]:
    """French and English sentences of the demo data: the cycle's own vocabulary."""
    french, english = [], []
    texts = [finding["text"] for finding in FINDINGS] + [theme["description"] for theme in THEMES]
    texts += [MEETING["summary"], MEETING["description"]]
    for fr, en in texts:
        french += [part.strip() + "." for part in fr.split(".") if len(part.strip()) > 20]
        english += [part.strip() + "." for part in en.split(".") if len(part.strip()) > 20]
    return french, english


def fill(*, findings: int, meetings: int, rng: random.Random) -> None:
    """Create the meetings and findings still missing; 5 % drafts, 10 % French only."""
    missing = findings - Finding.objects.count()
    if missing <= 0:
        return
    french, english = sentences()
    cycle, _created = Cycle.objects.get_or_create(
        slug="bench", defaults={"name_fr": "Cycle de test", "name_en": "Test cycle"}
    )
    existing = Meeting.objects.count()
    new_meetings = []
    for number in range(existing, existing + meetings):
        subject_fr, subject_en = rng.choice(THEMES)["name"]
        where_fr, where_en = rng.choice(QUALIFIERS)
        start = dt.datetime(2020, 1, 1, 9, tzinfo=GENEVA) + dt.timedelta(days=9 * number)
        new_meetings.append(
            Meeting(
                cycle=cycle,
                slug=f"bench-{number}",
                title_fr=f"{subject_fr} {where_fr}",
                title_en=f"{subject_en} {where_en}",
                summary_fr=" ".join(rng.sample(french, 3)),
                summary_en=" ".join(rng.sample(english, 3)),
                description_fr=" ".join(rng.sample(french, 12)),
                description_en=" ".join(rng.sample(english, 12)),
                start=start,
                end=start + dt.timedelta(hours=9),
                status=Meeting.Status.DRAFT if number % 20 == 0 else Meeting.Status.PUBLISHED,
            )
        )
    events = Meeting.objects.bulk_create(new_meetings)
    batch = []
    for number in range(missing):
        source = rng.choice(FINDINGS)
        qualifier = rng.choice(QUALIFIERS)
        french_only = number % 10 == 0
        batch.append(
            Finding(
                meeting=rng.choice(events),
                kind=source["kind"],
                sector=source["sector"],
                title_fr=f"{source['title'][0]} {qualifier[0]}",
                title_en="" if french_only else f"{source['title'][1]} {qualifier[1]}",
                text_fr=" ".join([source["text"][0], *rng.sample(french, rng.randint(1, 4))]),
                text_en=""
                if french_only
                else " ".join([source["text"][1], *rng.sample(english, rng.randint(1, 4))]),
                order=number % 30,
            )
        )
    Finding.objects.bulk_create(batch, batch_size=2000)


def median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--meetings", type=int, default=200)
    parser.add_argument(
        "--runs", type=int, default=21, help="runs per measure; the median is shown"
    )
    arguments = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit("Give a PostgreSQL database of its own whose name says 'bench' in DATABASE_URL.")

    call_command("migrate", verbosity=0)
    rng = random.Random(4)  # noqa: S311 - fictional texts, not secrets
    fill(findings=arguments.findings, meetings=arguments.meetings, rng=rng)
    with connection.cursor() as cursor:
        # As autovacuum would: statistics, and the GIN indexes' pending lists merged.
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    print(
        f"{version}; database {name}: {Meeting.objects.count()} meetings, "
        f"{Finding.objects.count()} findings ({Finding.objects.public().count()} public); "
        f"median of {arguments.runs} runs\n"
    )

    client = Client(HTTP_HOST="localhost")
    print(f"{'page':4} {'query':34} {'findings':>8} {'search ms':>10} {'page ms':>8} {'SQL':>4}")
    for language, text in QUERIES:
        url = f"/{language}/{'recherche' if language == 'fr' else 'search'}/"
        with QueryCounter() as queries:
            response = client.get(url, {"q": text})
        assert response.status_code == 200, response.status_code
        with translation.override(language):
            results = search.search(text, language=language)
            search_ms = median_ms(partial(search.search, text, language=language), arguments.runs)
        page_ms = median_ms(partial(client.get, url, {"q": text}), arguments.runs)
        count = next(found.count for found in results if found.kind.key == "findings")
        print(
            f"{language:4} {text:34} {count:>8} {search_ms:>10.1f} {page_ms:>8.1f} "
            f"{queries.count:>4}"
        )

    deep = {"q": "securite", "kind": "findings", "page": 20}
    with QueryCounter() as queries:
        assert client.get("/fr/recherche/", deep).status_code == 200
    deep_ms = median_ms(partial(client.get, "/fr/recherche/", deep), arguments.runs)
    print(f"\nfindings only, page 20 of `securite`: {deep_ms:.1f} ms, {queries.count} SQL queries")

    kind = search.KINDS["findings"]
    for language, other, text in [("fr", "en", "securite"), ("en", "fr", "disarmament")]:
        queryset = search.full_text(kind, text, language, other)
        page = queryset.order_by("-rank", *kind.ordering)[: search.PREVIEW_SIZE]
        print(f"\nEXPLAIN ANALYZE of the findings query for `{text}` ({language}):")
        print(page.explain(analyze=True, buffers=True))
    for text in ["securite", '"intelligence artificielle"']:
        queryset = search.full_text(kind, text, "fr", "en")
        with CaptureQueriesContext(connection) as queries:
            queryset.count()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + queries[0]["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"\nEXPLAIN ANALYZE of the findings count for `{text}` (fr):\n{plan}")


class QueryCounter:
    """Counts the SQL queries run in its block."""

    def __enter__(self):
        self.count = 0
        self.wrapper = connection.execute_wrapper(self)
        self.wrapper.__enter__()
        return self

    def __exit__(self, *exc_info):
        self.wrapper.__exit__(*exc_info)

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


if __name__ == "__main__":
    main()
