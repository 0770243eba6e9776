"""The registration form's rate limits: shared through Redis, and what happens when Redis is
down or hangs, and which address counts behind reverse proxies."""

import logging
import socket
import threading
import time
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import override_settings

from participants.models import Participant, Registration
from tests.participants.conftest import form_data

pytestmark = pytest.mark.django_db

REGISTER = "/fr/inscription/atelier/"
CHECK_EMAIL = "/fr/inscription/atelier/verifiez-vos-e-mails/"


def redis_at(port: int):
    """Settings for a Redis cache at this local port, with the production socket timeouts."""
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": settings.REDIS_CACHE_OPTIONS,
            }
        }
    )


@pytest.fixture
def unused_port():
    """A port nothing listens on: a Redis that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class HangingServer:
    port: int
    connections: list[socket.socket]


@pytest.fixture
def hanging_redis():
    """A server that accepts connections and never answers: a Redis that hangs."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    hanging = HangingServer(port=server.getsockname()[1], connections=[])
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                hanging.connections.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield hanging
    stop.set()
    thread.join()
    for connection in hanging.connections:
        connection.close()
    server.close()


def assert_registered(response, mailoutbox, caplog):
    assert response.status_code == 302
    assert response.headers["Location"] == CHECK_EMAIL
    registration = Registration.objects.select_related("participant").get(
        participant__email="eloise@example.org"
    )
    assert registration.participant.last_name == "Dûpont"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["eloise@example.org"]
    warnings = [r for r in caplog.records if r.name == "participants.ratelimit"]
    assert [r.levelno for r in warnings] == [logging.WARNING]
    assert "per process" in warnings[0].getMessage()
    assert "eloise" not in caplog.text.lower()


def test_registration_works_with_redis_down(client, session, mailoutbox, caplog, unused_port):
    with redis_at(unused_port):
        response = client.post(REGISTER, form_data(session))

    assert_registered(response, mailoutbox, caplog)


def timed_post(client, data) -> tuple:
    started = time.monotonic()
    response = client.post(REGISTER, data)
    return response, time.monotonic() - started


def test_registration_answers_within_a_second_with_redis_hanging(
    client, session, mailoutbox, caplog, hanging_redis
):
    # A first registration loads code, templates and catalogues, as on a running server.
    client.post(REGISTER, form_data(session, email="premiere@example.org"))
    mailoutbox.clear()

    with redis_at(hanging_redis.port):
        started = time.monotonic()
        response = client.post(REGISTER, form_data(session))
        elapsed = time.monotonic() - started

    print(f"\n[redis hanging] the registration answered in {elapsed:.2f} s")
    # Redis was waited for once: one socket timeout (0.5 s in the settings), not one per limit.
    assert len(hanging_redis.connections) == 1
    assert settings.REDIS_CACHE_OPTIONS["socket_timeout"] <= 0.5
    # The issue asks for 1 s; an idle machine answers in about 0.6 s. The bound is generous
    # (1.5 s) because the tests share two cores with other work.
    assert elapsed < 1.5, f"{elapsed:.2f} s"
    assert_registered(response, mailoutbox, caplog)


def test_next_requests_do_not_wait_for_a_hanging_redis_again(
    client, session, caplog, hanging_redis
):
    with redis_at(hanging_redis.port):
        first = client.post(REGISTER, form_data(session))
        second = client.post(REGISTER, form_data(session, email="autre@example.org"))

    assert (first.status_code, second.status_code) == (302, 302)
    assert len(hanging_redis.connections) == 1  # the second request did not try Redis
    assert caplog.text.count("Rate-limit cache unreachable") == 1
    assert Participant.objects.count() == 2


@override_settings(REGISTRATION_RATE_PER_EMAIL=2)
def test_limits_still_hold_per_process_with_redis_down(client, session, unused_port):
    with redis_at(unused_port):
        statuses = [client.post(REGISTER, form_data(session)).status_code for _ in range(3)]
        refused = client.post(REGISTER, form_data(session))

    assert statuses == [302, 302, 429]
    assert "Trop de demandes" in refused.text
    assert 'value="Dûpont"' in refused.text  # the visitor's input is given back


@override_settings(REGISTRATION_RATE_PER_IP=1, TRUSTED_PROXY_COUNT=1)
def test_two_clients_behind_one_proxy_get_separate_limits(client, session):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    first = client.post(REGISTER, form_data(session), HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    second = client.post(
        REGISTER,
        form_data(session, email="autre@example.org"),
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        **proxy,
    )
    first_again = client.post(
        REGISTER,
        form_data(session, email="troisieme@example.org"),
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )

    assert (first.status_code, second.status_code) == (302, 302)
    assert first_again.status_code == 429


@override_settings(REGISTRATION_RATE_PER_IP=1, TRUSTED_PROXY_COUNT=1)
def test_an_address_forged_before_the_proxy_does_not_escape_the_limit(client, session):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    client.post(REGISTER, form_data(session), HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    forged = client.post(
        REGISTER,
        form_data(session, email="autre@example.org"),
        HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7",
        **proxy,
    )

    assert forged.status_code == 429


@override_settings(REGISTRATION_RATE_PER_IP=1, TRUSTED_PROXY_COUNT=0)
def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit(client, session):
    client.post(REGISTER, form_data(session), HTTP_X_FORWARDED_FOR="198.51.100.7")

    forged = client.post(
        REGISTER,
        form_data(session, email="autre@example.org"),
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )

    assert forged.status_code == 429


@override_settings(REGISTRATION_RATE_PER_IP=1, TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize("header", ["", "not-an-address", "999.1.1.1", ",,,", "x" * 5000])
def test_malformed_forwarded_for_counts_the_proxy_address(client, session, header):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    client.post(REGISTER, form_data(session), HTTP_X_FORWARDED_FOR=header, **proxy)

    again = client.post(
        REGISTER,
        form_data(session, email="autre@example.org"),
        HTTP_X_FORWARDED_FOR=header,
        **proxy,
    )

    assert again.status_code == 429
