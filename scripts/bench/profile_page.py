"""Where the time of one page goes: SQL, template rendering, the rest (issue 10).

    .venv/bin/python scripts/bench/profile_page.py --database bench_10k [--path /fr/…/]

Production settings (DEBUG off), Django's test client, no cache. The page is requested a few
times to warm up, then `--runs` times under cProfile; it prints the mean time a request, the
part spent waiting for PostgreSQL and the part in template rendering (both timed around the
calls themselves), then the functions costing the most, in total and in their own code.
Without --path it takes the meeting page with the most findings.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(HERE)]

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--database", default="bench_10k")
parser.add_argument("--path", default="")
parser.add_argument("--runs", type=int, default=20)
parser.add_argument("--top", type=int, default=25)
parser.add_argument("--save", default="", help="write the cProfile stats to this file too")
options = parser.parse_args()

import run  # noqa: E402

os.environ.update(run.portal_env(options.database, static_root=""))
os.environ.update(ALLOWED_HOSTS="testserver", STATIC_MANIFEST="0", REDIS_URL="")
os.environ["DJANGO_SETTINGS_MODULE"] = "cycle_portal.settings"

import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.template.backends.django import Template  # noqa: E402
from django.test import Client  # noqa: E402

timers = {"sql": 0.0, "queries": 0, "template": 0.0}


def timed_sql(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        timers["sql"] += time.perf_counter() - started
        timers["queries"] += 1


render = Template.render


def timed_render(self, context=None, request=None):
    started = time.perf_counter()
    try:
        return render(self, context, request)
    finally:
        timers["template"] += time.perf_counter() - started


Template.render = timed_render


def main() -> None:
    listed = {name.split(" (")[0]: path for name, path, _target in run.pages(options.database)}
    path = options.path or listed["meeting page"]
    client = Client()
    for _ in range(3):
        assert client.get(path).status_code == 200, path
    timers.update(sql=0.0, queries=0, template=0.0)
    n = options.runs
    started = time.perf_counter()
    with connection.execute_wrapper(timed_sql):
        for _ in range(n):
            response = client.get(path)
    total = (time.perf_counter() - started) / n
    # SQL run while a template renders (lazy querysets) is counted in both.
    print(f"{path} on {options.database}: {len(response.content) / 1024:.0f} KB")
    print(
        f"a request: {total * 1000:.1f} ms, of which SQL {timers['sql'] / n * 1000:.1f} ms "
        f"({timers['queries'] / n:.0f} queries) and template rendering "
        f"{timers['template'] / n * 1000:.1f} ms (SQL run from templates counted in both)"
    )
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(n):
        client.get(path)
    profile.disable()
    print(f"cProfile over {n} requests (it slows Python code down, not the database):")
    if options.save:
        profile.dump_stats(options.save)
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(options.top)
        print(out.getvalue())


main()
