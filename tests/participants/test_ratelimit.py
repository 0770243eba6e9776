"""The registration form's rate limits: shared through Redis, and what happens when Redis is
down or hangs, and which address counts behind reverse proxies."""

import logging
import socket
import threading
import time

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


@pytest.fixture
def hanging_port():
    """A server that accepts connections and never answers: a Redis that hangs."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def assert_registered(response, mailoutbox, caplog):
    assert response.status_code == 302
    assert response.headers["Location"] == CHECK_EMAIL
    registration = Registration.objects.select_related("participant").get()
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


def test_registration_answers_within_a_second_with_redis_hanging(
    client, session, mailoutbox, caplog, hanging_port
):
    with redis_at(hanging_port):
        started = time.monotonic()
        response = client.post(REGISTER, form_data(session))
        elapsed = time.monotonic() - started

    # The bound: one socket timeout (0.5 s) at most, then the per-process limit.
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    assert_registered(response, mailoutbox, caplog)


def test_next_requests_do_not_wait_for_a_hanging_redis_again(client, session, hanging_port):
    with redis_at(hanging_port):
        client.post(REGISTER, form_data(session))
        started = time.monotonic()
        response = client.post(REGISTER, form_data(session, email="autre@example.org"))
        elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 0.4, f"{elapsed:.2f} s"  # less than one socket timeout: Redis skipped
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
