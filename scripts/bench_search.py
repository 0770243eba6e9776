"""Time the search (search/views.py) on a PostgreSQL database of many findings.

Usage, on a database of its own (never the portal's: this one gets 100,000 fictional findings):

    createdb -h 127.0.0.1 -U cycle bench_search_db
    DEBUG=1 DATABASE_URL=postgres://cycle@127.0.0.1:5432/bench_search_db \\
        .venv/bin/python scripts/bench_search.py --sizes 1000 10000 100000
    dropdb -h 127.0.0.1 -U cycle bench_search_db

It migrates the database and fills it size by size (1,000 findings over 20 meetings, 10,000
over 200, 100,000 over 2,000; 5 % of the meetings are drafts, 10 % of the findings French
only; the texts come from the generators of `make bench`'s data, scripts/bench/data.py; a
second run reuses the rows), runs VACUUM ANALYZE, then prints for each shape of search (a
word, several words, a negation, a quoted phrase) the findings found, the median time of the
search function and of the whole French search page, and the page's SQL queries.
`--explain` adds EXPLAIN ANALYZE of the findings queries (docs/search.md).
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from functools import partial
from pathlib import Path

# The repository, for the portal's apps; this file's folder is already on the path, for
# scripts/bench/data.py (`bench.data`).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cycle_portal.settings")

import django  # noqa: E402

django.setup()

# The texts of the findings and meetings: the generators of `make bench`'s data.
from bench.data import (  # noqa: E402
    FINDINGS,
    GENEVA,
    QUALIFIERS,
    THEMES,
    sentences,
)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

from events.models import Cycle, Meeting  # noqa: E402
from search import selectors as search  # noqa: E402
from themes.models import Finding  # noqa: E402

# The four shapes of search measured: (page language, words).
SHAPES = {
    "word": ("fr", "sécurité"),
    "words": ("fr", "sécurité internationale"),
    "negation": ("fr", "désarmement -nucléaire"),
    "phrase": ("fr", '"intelligence artificielle"'),
}


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


# (meetings, findings) of each size; each size adds to the rows of the one before.
SIZES = {1_000: 20, 10_000: 200, 100_000: 2_000}


def database_ms(function, runs: int) -> float:
    """The median time the database took for the queries of one call, as Django measures
    them (DEBUG): without the Python around them."""
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            function()
        times.append(sum(float(query["time"]) for query in queries) * 1000)
    return statistics.median(times)


def measure(runs: int) -> dict[str, tuple[int, float, float, float, int]]:
    """For each query shape: findings found, search, its SQL and page p50 in ms, queries."""
    client = Client(HTTP_HOST="localhost")
    measured = {}
    for shape, (language, text) in SHAPES.items():
        url = f"/{language}/{'recherche' if language == 'fr' else 'search'}/"
        with QueryCounter() as queries:
            response = client.get(url, {"q": text})
        assert response.status_code == 200, response.status_code
        with translation.override(language):
            results = search.search(text, language=language)
            search_ms = median_ms(partial(search.search, text, language=language), runs)
            sql_ms = database_ms(partial(search.search, text, language=language), runs)
        page_ms = median_ms(partial(client.get, url, {"q": text}), runs)
        count = next(found.count for found in results if found.kind.key == "findings")
        measured[shape] = (count, search_ms, sql_ms, page_ms, queries.count)
    return measured


def explain(text: str) -> None:
    """EXPLAIN ANALYZE of the findings queries of one search, as the page runs them."""
    with translation.override("fr"), CaptureQueriesContext(connection) as queries:
        search.search(text, language="fr", kind="findings")
    for query in queries:
        if "themes_finding" in query["sql"] and "SAVEPOINT" not in query["sql"]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"\nEXPLAIN ANALYZE for `{text}` (fr, findings only):\n{plan}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(SIZES),
        choices=list(SIZES),
        help="numbers of findings to measure, in increasing order",
    )
    parser.add_argument(
        "--runs", type=int, default=21, help="runs per measure; the median is shown"
    )
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    arguments = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit("Give a PostgreSQL database of its own whose name says 'bench' in DATABASE_URL.")

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    print(f"{version}; database {name}; p50 of {arguments.runs} runs, in ms\n")
    print(
        f"{'findings':>8} {'shape':12} {'query':30} {'found':>6} {'search':>7} {'its SQL':>7} "
        f"{'page':>7} queries"
    )
    rng = random.Random(4)  # noqa: S311 - fictional texts, not secrets
    for size in sorted(arguments.sizes):
        # Every smaller size first, so that each size holds the same rows whatever is asked.
        for smaller in [s for s in SIZES if s <= size]:
            fill(findings=smaller, meetings=SIZES[smaller], rng=rng)
        with connection.cursor() as cursor:
            # As autovacuum would: statistics, and the GIN indexes' pending lists merged.
            cursor.execute("VACUUM ANALYZE")
        if Finding.objects.count() != size:
            print(f"{size:>8} skipped: the database holds {Finding.objects.count()} findings")
            continue
        for shape, (count, search_ms, sql_ms, page_ms, queries) in measure(arguments.runs).items():
            text = SHAPES[shape][1]
            print(
                f"{size:>8} {shape:12} {text:30} {count:>6} {search_ms:>7.1f} {sql_ms:>7.1f} "
                f"{page_ms:>7.1f} "
                f"{queries:>3}",
                flush=True,
            )
        if arguments.explain:
            for _language, text in SHAPES.values():
                explain(text)


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
