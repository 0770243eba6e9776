"""The page cache across app servers: two gunicorn processes sharing PostgreSQL and a Redis
of the test's own; a change saved by a third process (this one) shows on both at the next
request. A third server, whose Redis is a closed port, renders the pages all the same."""

import contextlib
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from events.models import Meeting
from tests.factories import MeetingFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing answers on port {port}")


@pytest.fixture
def redis_url(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - a fixed command
        [  # noqa: S607 - Debian's redis-server, found on the PATH
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for(port, server)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def start_server(tmp_path):
    """Starts gunicorn (one worker) on the test database with the given REDIS_URL."""
    servers, logs = [], []
    database = connection.settings_dict

    def start(redis_url: str) -> str:
        port = free_port()
        credentials = database["USER"] + (
            f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        )
        environment = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "cycle_portal.settings",
            "DEBUG": "1",
            "DATABASE_URL": (
                f"postgres://{credentials}@{database['HOST'] or 'localhost'}:"
                f"{database['PORT'] or 5432}/{database['NAME']}"
            ),
            # No connection left open: the test database is dropped at the end.
            "CONN_MAX_AGE": "0",
            "REDIS_URL": redis_url,
            "PAGE_CACHE_SECONDS": "600",
            "LOG_LEVEL": "WARNING",
        }
        logs.append((tmp_path / f"gunicorn-{port}.log").open("w"))
        server = subprocess.Popen(  # noqa: S603 - our own command
            [
                str(GUNICORN),
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "cycle_portal.wsgi:application",
            ],
            cwd=BASE_DIR,
            env=environment,
            stderr=logs[-1],
        )
        servers.append(server)
        wait_for(port, server)
        return f"http://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.terminate()
    for server in servers:
        server.wait(10)
    for log in logs:
        log.close()


def fetch(url: str) -> tuple[str, str]:
    """The page's text and what the page cache did with it."""
    # One host name for every server, as behind the proxy (the URL's port differs).
    request = urllib.request.Request(url, headers={"Host": "localhost"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - our server
        return response.read().decode(), response.headers.get("X-Page-Cache", "")


@pytest.fixture
def meeting():
    start = timezone.now() + dt.timedelta(days=30)
    return MeetingFactory(
        slug="atelier",
        title_fr="Atelier sur l’IA",
        start=start,
        end=start + dt.timedelta(hours=8),
    )


def test_a_change_shows_at_once_on_every_app_server(meeting, redis_url, start_server):
    servers = [start_server(redis_url), start_server(redis_url)]
    page = "/fr/rencontres/atelier/"
    # The first server stores the page, the second gets it from the shared cache.
    assert fetch(servers[0] + page) == (fetch(servers[0] + page)[0], "miss")
    text, status = fetch(servers[1] + page)
    assert status == "hit"
    assert "Atelier sur l’IA" in text

    meeting.title_fr = "Atelier corrigé"
    meeting.save()

    for server in servers:
        text, _status = fetch(server + page)
        assert "Atelier corrigé" in text
        assert "Atelier sur l’IA" not in text

    Meeting.objects.filter(pk=meeting.pk).update(title_fr="Atelier corrigé deux fois")

    assert all("Atelier corrigé deux fois" in fetch(server + page)[0] for server in servers)
    # And the new page is cached again, for both.
    assert [fetch(server + page)[1] for server in servers] == ["hit", "hit"]


def test_with_redis_down_a_server_renders_the_pages(meeting, start_server):
    server = start_server(f"redis://127.0.0.1:{free_port()}/0")

    for _ in range(2):
        text, status = fetch(server + "/fr/rencontres/atelier/")
        assert "Atelier sur l’IA" in text
        assert status == ""
