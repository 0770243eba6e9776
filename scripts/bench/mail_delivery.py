"""`make bench-email`: how many e-mails per second the outbox sends with 1, then 2 workers.

    .venv/bin/python scripts/bench/mail_delivery.py --emails 1000 --workers 1 2

In a fresh PostgreSQL database of its own (bench_email, dropped and created again), with
production settings (DEBUG off), it records 1,000 participants confirmed in one session.
For each number of workers N it starts N Celery workers (`celery worker --concurrency 1`
each, as `docker compose up --scale worker=N` would: N processes sending), waits until they
are ready, then records one e-mail to each participant in the outbox (their personal link
with the session's .ics: the portal's usual e-mail) and publishes them to Redis (database 13,
a queue of the run's own). The clock runs from the start of that enqueue to the moment a
local SMTP server (aiosmtpd, in this process, accepting everything at once) has accepted the
last one. Prints a Markdown table for docs/email.md.
"""

# A developer's tool: fixed commands, and SQL built from its own database's name. Its imports
# come after the line that takes its folder off sys.path.
# ruff: noqa: S603, S608, E402

import sys
from pathlib import Path

# This file is named like the standard library's `email`, which aiosmtpd and Django import:
# its own folder, first on sys.path when run as a script, must not shadow it.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import datetime as dt
import os
import platform
import secrets
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CELERY = str(Path(PYTHON).with_name("celery"))
PG = "postgres://cycle@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/13"


class Sink:
    """Accepts every message at once; counts them and notes when the last one came."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0
        self.last = 0.0
        self.recipients: set[str] = set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.count += 1
            self.last = time.monotonic()
            self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def start_workers(count: int, environment: dict, logs: Path) -> list[subprocess.Popen]:
    workers = []
    for n in range(count):
        log = logs / f"worker-{count}-{n}.log"
        worker = subprocess.Popen(
            [CELERY, "--app", "cycle_portal", "worker", "--concurrency", "1"]
            + ["--hostname", f"{environment['CELERY_QUEUE']}-{count}-{n}@%h"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"]
            + ["--loglevel", "INFO"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
            start_new_session=True,
        )
        worker.log = log
        workers.append(worker)
    deadline = time.monotonic() + 60
    for worker in workers:
        while " ready." not in worker.log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"a worker did not start: {worker.log.read_text()[-2000:]}")
            time.sleep(0.1)
    return workers


def stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)


def clean_redis(queue: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*{queue}*"))
    if keys:
        client.delete(*keys)
    for bindings in client.scan_iter(match="_kombu.binding.*", _type="set"):
        for member in client.sscan_iter(bindings, match=f"*{queue}*"):
            client.srem(bindings, member)
    client.close()


def people(count: int) -> list:
    """`count` participants confirmed in one session of a meeting in three weeks."""
    from django.db import transaction
    from django.utils import timezone

    from events.models import Meeting
    from participants.models import Participant, Registration
    from tests.factories import MeetingFactory, SessionFactory

    start = timezone.now() + dt.timedelta(days=21)
    with transaction.atomic():
        meeting = MeetingFactory(
            start=start,
            end=start + dt.timedelta(hours=8),
            registration_mode=Meeting.RegistrationMode.OPEN,
        )
        session = SessionFactory(meeting=meeting, capacity=count)
        persons = Participant.objects.bulk_create(
            Participant(
                first_name="Awa",
                last_name=f"Diallo {n}",
                email=f"person{n}@example.org",
                language="fr" if n % 2 else "en",
            )
            for n in range(count)
        )
        return Registration.objects.bulk_create(
            Registration(participant=p, session=session, status=Registration.Status.CONFIRMED)
            for p in persons
        )


def run(workers: int, registrations: list, sink: Sink, environment: dict, logs: Path) -> dict:
    from django.db import transaction

    from participants import outbox
    from participants.models import Delivery

    processes = start_workers(workers, environment, logs)
    try:
        with sink.lock:
            sink.count, sink.last = 0, 0.0
            sink.recipients.clear()
        started = time.monotonic()
        with transaction.atomic():
            ids = [
                outbox.record(
                    key=f"bench:{workers}:{registration.pk}",
                    kind=Delivery.Kind.REGISTRATION,
                    template="manage_link",
                    participant=registration.participant,
                    meeting=registration.session.meeting,
                    language=registration.participant.language,
                    registrations=[registration],
                ).pk
                for registration in registrations
            ]
        recorded = time.monotonic()
        outbox.dispatch(ids)
        published = time.monotonic()
        deadline = published + 1200
        while sink.count < len(ids):
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise SystemExit(f"stopped at {sink.count} of {len(ids)} e-mails")
            time.sleep(0.05)
        last = sink.last
        while Delivery.objects.filter(pk__in=ids).exclude(status="sent").exists():
            time.sleep(0.05)
    finally:
        stop(processes)
    assert sink.count == len(ids) == len(sink.recipients), "an e-mail went twice"
    return {
        "workers": workers,
        "emails": len(ids),
        "record": recorded - started,
        "publish": published - recorded,
        "total": last - started,
        "rate": len(ids) / (last - started),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--database", default="bench_email")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    queue = f"bench-email-{uuid.uuid4().hex[:8]}"
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108 - a fallback for a bare env
        "DJANGO_SETTINGS_MODULE": "cycle_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://cycle.example.org",
        "STATIC_MANIFEST": "0",
        "DATABASE_URL": f"{PG}/{args.database}",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": queue,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
        "EMAIL_USE_TLS": "0",
        "DEFAULT_FROM_EMAIL": "Cycle de rencontres <noreply@cycle.example.org>",
        "LOG_LEVEL": "WARNING",
    }
    print(f"Database {args.database} (fresh), migrating…", flush=True)
    fresh_database(args.database)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    registrations = people(args.emails)
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-email-") as logs:
            for workers in args.workers:
                print(f"{workers} worker(s)…", flush=True)
                results.append(run(workers, registrations, sink, environment, Path(logs)))
    finally:
        controller.stop()
        clean_redis(queue)
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.database)

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    print()
    print(
        f"{dt.date.today().isoformat()}, {cpu}, {os.cpu_count()} cores, load "
        f"{os.getloadavg()[0]:.1f} at the end; Python {platform.python_version()}, "
        f"PostgreSQL and Redis on localhost; `make bench-email EMAILS={args.emails}`"
    )
    print()
    print(
        "| workers | e-mails | record (s) | publish (s) | enqueue → last delivery (s) | e-mails/s |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['workers']} | {r['emails']} | {r['record']:.1f} | {r['publish']:.1f} "
            f"| {r['total']:.1f} | {r['rate']:.0f} |"
        )


if __name__ == "__main__":
    main()
