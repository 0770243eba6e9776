"""Bring the database of DATABASE_URL to one of the benchmark's sizes (scripts/bench/data.py).

    DATABASE_URL=postgres://cycle@127.0.0.1:5432/bench_10k DEBUG=1 \\
        .venv/bin/python scripts/bench/generate.py 10k

It migrates, loads the demo (`load_demo`), adds the fictional rows and runs VACUUM ANALYZE.
A database that already holds the size is left as it is (exit 0, "reused"); one holding other
counts is refused (exit 3): drop it first, as `make bench` does.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cycle_portal.settings")

import django  # noqa: E402

django.setup()

import data  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def main(name: str) -> int:
    size = data.SIZES[name]
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)  # creates only what is missing
    if data.has_bench_rows():
        if data.counts() == size:
            print(f"{name}: reused {data.counts()}")
            return 0
        print(f"{name}: the database holds {data.counts()}; drop it first", file=sys.stderr)
        return 3
    data.fill(size)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"{name}: generated {data.counts()} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
