"""E-mails through real Celery workers: separate processes on Redis (database 14, a queue of
this test's own) and the test database, sending to a real SMTP server (aiosmtpd, in a thread
of this process) that counts what it accepted.

- A registration is answered at once; its e-mail waits in the broker until a worker starts.
- A worker killed with SIGKILL in the middle of 500 e-mails, then started again: each one
  reaches the server exactly once, and every row says "sent".
- A server that refuses twice (451): the worker tries again after 1 s, then 2 s, and the
  e-mail arrives once.
- The broker down: a batch waits for it once, and the next worker to start sends it.

The tests never empty a Redis database: they delete only the keys of their own queue.
"""

import asyncio
import contextlib
import datetime as dt
import email
import email.policy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import kombu.pools
import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from cycle_portal.celery import app as celery_app
from participants import outbox
from participants.models import Delivery, Participant, Registration
from tests.factories import MeetingFactory, SessionFactory
from tests.participants.conftest import form_data

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")
REDIS_URL = "redis://127.0.0.1:6379/14"  # CI's REDIS_URL is database 15: never touched here


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, seconds: float, what: str, workers=()) -> None:
    """Polls `condition` every 50 ms; fails after `seconds`, or as soon as a worker died."""
    deadline = time.monotonic() + seconds
    while not condition():
        for worker in workers:
            assert worker.poll() is None, f"the worker stopped: {worker.log.read_text()[-2000:]}"
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


class Sink:
    """An SMTP server's DATA handler that keeps the messages it accepted (answered 250).

    `refuse`: how many messages to answer "451 try again later" first. `hold_after`: once
    this many are accepted, the next one is held unanswered (the sender waits for its 250)
    until `release` is set; the test kills the worker meanwhile, so that the kill falls
    between two messages' deliveries and never after a 250 that the worker did not record.
    """

    def __init__(self):
        self.accepted: list[email.message.EmailMessage] = []
        self.refuse = 0
        self.refused = 0
        self.hold_after: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            if self.refuse:
                self.refuse -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            hold = self.hold_after is not None and len(self.accepted) >= self.hold_after
        if hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.accepted.append(message)
        return "250 OK"

    def recipients(self) -> list[str]:
        with self.lock:
            return [str(message["To"]) for message in self.accepted]

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(message["Message-ID"]) for message in self.accepted]


@pytest.fixture
def sink():
    handler = Sink()
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), server_hostname="localhost"
    )
    controller.start()
    handler.port = controller.port
    yield handler
    handler.release.set()
    controller.stop()


@pytest.fixture
def redis_queue():
    """A queue name of this test's own on Redis database 14; its keys are deleted after."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("needs Redis on 127.0.0.1:6379 (CI starts one)")
    queue = f"cycle-portal-test-{uuid.uuid4().hex[:12]}"
    yield queue
    # The queue, its bindings, the workers' remote-control bindings (named after the queue),
    # and the messages that killed workers left unacknowledged.
    if keys := list(client.scan_iter(match=f"*{queue}*")):
        client.delete(*keys)
    for bindings in client.scan_iter(match="_kombu.binding.*", _type="set"):
        for member in client.sscan_iter(bindings, match=f"*{queue}*"):
            client.srem(bindings, member)
    for tag, raw in client.hscan_iter("unacked"):
        with contextlib.suppress(ValueError, IndexError, TypeError):
            if json.loads(raw)[2] == queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    client.close()


@pytest.fixture
def publish_to_broker(redis_queue, settings, monkeypatch):
    """This process publishes tasks to the test's queue, as the site does with a broker.
    Returns how many tasks wait in the queue."""
    # Read before the change: Celery reads the Django settings at its first use.
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    assert saved["task_always_eager"]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery prefers this variable to its configuration (CI sets an odd one).
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    celery_app.conf.update(
        broker_url=REDIS_URL, task_always_eager=False, task_default_queue=redis_queue
    )
    # Celery builds its connection pool and routing once, from the configuration of then.
    celery_app.__dict__.pop("amqp", None)
    celery_app._pool = None
    client = redis.Redis.from_url(REDIS_URL)
    yield lambda: client.llen(redis_queue)
    client.close()
    # Kombu keeps its connection pools in a registry of its own, by address: closed, and gone.
    kombu.pools.reset()
    celery_app.conf.update(saved)
    celery_app.__dict__.pop("amqp", None)
    celery_app._pool = None


@pytest.fixture
def start_worker(redis_queue, sink, tmp_path):
    """Starts a Celery worker (a process group of its own) on the test database, the test's
    queue and the sink; every worker still running is killed at the end."""
    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    started, logs = [], []

    def start(*, concurrency: int = 1) -> subprocess.Popen:
        environment = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "cycle_portal.settings",
            "DEBUG": "1",
            "SECRET_KEY": settings.SECRET_KEY,  # the links this process signs and checks
            "SITE_URL": settings.SITE_URL,
            "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
            "DATABASE_URL": (
                f"postgres://{credentials}@{database['HOST'] or 'localhost'}:"
                f"{database['PORT'] or 5432}/{database['NAME']}"
            ),
            "CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_QUEUE": redis_queue,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "30",
            "EMAIL_RETRY_BASE_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
        }
        log = tmp_path / f"worker-{len(started)}.log"
        logs.append(log.open("w"))
        worker = subprocess.Popen(  # noqa: S603 - our own command
            [
                str(CELERY),
                "--app",
                "cycle_portal",
                "worker",
                "--concurrency",
                str(concurrency),
                "--hostname",
                f"{redis_queue}-{len(started)}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=logs[-1],
            start_new_session=True,  # its own process group: killed whole, children included
        )
        worker.log = log
        started.append(worker)
        return worker

    yield start
    for worker in started:
        kill(worker)
    for log in logs:
        log.close()


def ready(worker: subprocess.Popen) -> None:
    """Waits until the worker has started, run its sweep, and takes tasks."""
    wait_until(
        lambda: " ready." in worker.log.read_text(), seconds=30, what="ready", workers=[worker]
    )


def kill(worker: subprocess.Popen) -> None:
    """SIGKILL to the worker and its pool's processes: nothing gets to clean up."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)


def make_batch(count: int, status: str = Registration.Status.CONFIRMED) -> list[int]:
    """`count` participants of one session, and an e-mail to each (their personal link; the
    confirmed ones get the session's .ics) recorded in the outbox but not yet published."""
    meeting = MeetingFactory(
        start=timezone.now() + dt.timedelta(days=20),
        end=timezone.now() + dt.timedelta(days=20, hours=8),
    )
    session = SessionFactory(meeting=meeting, capacity=count)
    with transaction.atomic():
        people = Participant.objects.bulk_create(
            Participant(
                first_name="Awa",
                last_name=f"Diallo {n}",
                email=f"person{n}@example.org",
                language="fr" if n % 2 else "en",
            )
            for n in range(count)
        )
        registrations = Registration.objects.bulk_create(
            Registration(participant=person, session=session, status=status) for person in people
        )
        return [
            outbox.record(
                key=f"test-batch:{registration.pk}",
                kind=Delivery.Kind.REGISTRATION,
                template="manage_link",
                participant=registration.participant,
                meeting=meeting,
                language=registration.participant.language,
                registrations=[registration],
            ).pk
            for registration in registrations
        ]


def statuses() -> dict[str, int]:
    return dict(Delivery.objects.values_list("status").annotate(n=Count("pk")).order_by("status"))


def test_registration_is_answered_at_once_and_its_e_mail_leaves_when_a_worker_starts(
    client, session, sink, publish_to_broker, start_worker
):
    waiting = publish_to_broker
    response = client.post("/fr/inscription/atelier/", form_data(session))

    assert response.status_code == 302
    assert response["Location"] == reverse("participants:check_email", args=["atelier"])
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.QUEUED
    assert waiting() == 1
    assert sink.accepted == []

    worker = start_worker()
    wait_until(lambda: sink.accepted, seconds=30, what="the e-mail", workers=[worker])
    wait_until(lambda: statuses() == {"sent": 1}, seconds=10, what="the row", workers=[worker])
    delivery.refresh_from_db()

    assert sink.recipients() == ["eloise@example.org"]
    assert delivery.status == Delivery.Status.SENT
    assert sink.message_ids() == [outbox.message_id(delivery)]
    # Its link confirms the registration, and the worker sends the outcome, with the .ics.
    text = sink.accepted[0].get_body(("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/fr/\S*/confirmer/\S+/)", text).group(1)
    assert "Confirmer mon inscription" in client.get(link).text
    assert client.post(link).status_code == 302
    wait_until(lambda: len(sink.accepted) == 2, seconds=30, what="the outcome", workers=[worker])
    outcome = sink.accepted[1]
    assert str(outcome["To"]) == "eloise@example.org"
    assert [part.get_filename() for part in outcome.iter_attachments()] == ["rencontre.ics"]
    wait_until(lambda: statuses() == {"sent": 2}, seconds=10, what="the rows", workers=[worker])


def test_a_worker_killed_mid_batch_loses_and_repeats_no_e_mail(
    sink, publish_to_broker, start_worker
):
    waiting = publish_to_broker
    ids = make_batch(500, Registration.Status.WAITLISTED)  # no .ics: a quicker test
    outbox.dispatch(ids)
    assert waiting() == 500
    sink.hold_after = 100

    worker = start_worker()
    wait_until(sink.holding.is_set, seconds=60, what="100 e-mails", workers=[worker])
    kill(worker)  # while the 101st waits for the server's answer

    assert len(sink.accepted) == 100
    assert statuses() == {"queued": 400, "sent": 100}
    sink.hold_after = None
    sink.release.set()

    # Started again: its sweep queues the 400 again; two processes share them.
    worker = start_worker(concurrency=2)
    wait_until(lambda: len(sink.accepted) >= 500, seconds=60, what="500", workers=[worker])
    wait_until(lambda: statuses() == {"sent": 500}, seconds=10, what="500 rows", workers=[worker])
    # Every task taken, those published again by the two sweeps included: the later copies
    # found their rows sent.
    wait_until(lambda: waiting() == 0, seconds=30, what="an empty queue", workers=[worker])
    time.sleep(0.3)

    assert len(sink.accepted) == 500
    assert sorted(sink.recipients()) == sorted(f"person{n}@example.org" for n in range(500))
    expected = {outbox.message_id(d) for d in Delivery.objects.all()}
    assert sorted(sink.message_ids()) == sorted(expected)


def test_a_refused_e_mail_is_tried_again_later_and_arrives_once(
    sink, publish_to_broker, start_worker
):
    sink.refuse = 2
    worker = start_worker()
    ready(worker)  # its sweep done: the e-mail recorded next is sent by one task alone
    [delivery_id] = make_batch(1)
    started = time.monotonic()
    outbox.dispatch([delivery_id])

    wait_until(lambda: sink.accepted, seconds=30, what="the e-mail", workers=[worker])
    took = time.monotonic() - started
    wait_until(lambda: statuses() == {"sent": 1}, seconds=10, what="the row", workers=[worker])
    delivery = Delivery.objects.get(pk=delivery_id)

    assert sink.refused == 2
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 3
    assert delivery.last_error == ""
    # Tried again after 1 s, then 2 s (EMAIL_RETRY_BASE_SECONDS=1, doubling).
    assert took >= 3
    time.sleep(0.5)
    assert sink.recipients() == ["person0@example.org"]
    assert not Registration.objects.filter(email_failed=True).exists()


def test_with_the_broker_down_a_batch_waits_once_and_leaves_with_the_next_worker(
    sink, publish_to_broker, start_worker, caplog
):
    waiting = publish_to_broker
    ids = make_batch(20, Registration.Status.WAITLISTED)
    # This process publishes to a closed port; the worker, started later, has the real broker.
    celery_app.conf.update(broker_url=f"redis://127.0.0.1:{free_port()}/14")
    celery_app.__dict__.pop("amqp", None)
    celery_app._pool = None

    started = time.monotonic()
    outbox.dispatch(ids)
    took = time.monotonic() - started

    # One wait for the broker (2 s), not one per e-mail; every row waits for the sweep.
    assert took < 2 * settings.CELERY_BROKER_CONNECTION_TIMEOUT
    assert "20 e-mail(s) from" in caplog.text
    assert statuses() == {"queued": 20}
    assert waiting() == 0

    worker = start_worker()
    wait_until(lambda: statuses() == {"sent": 20}, seconds=30, what="20 rows", workers=[worker])
    assert sorted(sink.recipients()) == sorted(f"person{n}@example.org" for n in range(20))
