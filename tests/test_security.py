"""Hardening against abuse: the admin login locks after repeated failures (django-axes),
every page sends its security headers, the client's address is read through the trusted
proxies only, and logs never hold the tokens of participants' links."""

import datetime as dt
import io
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from gunicorn.config import Config

from core.http import client_ip
from core.logs import RedactTokens
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every sign-in hashes the password: the slow production hasher would take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user():
    user = StaffFactory(username="amina")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(
    client, *, username="amina", password=PASSWORD, language="fr", address="10.0.0.1", **headers
):
    return client.post(
        f"/{language}/admin/login/",
        {"username": username, "password": password, "next": f"/{language}/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def fail_until_locked(client, **where):
    responses = [sign_in(client, password="wrong", **where) for _ in range(LIMIT)]
    return responses[-1]


# The admin login lockout.


def test_failures_below_the_limit_still_let_the_right_password_in(client, admin_user):
    for _ in range(LIMIT - 1):
        assert sign_in(client, password="wrong").status_code == 200

    assert sign_in(client).status_code == 302


def test_repeated_failures_lock_the_account_from_that_address(client, admin_user):
    locked = fail_until_locked(client, language="en")
    again = sign_in(client, language="en")

    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.text
    assert "30 minutes" in locked.text
    assert "ask an administrator to unlock" in locked.text
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_message_is_in_french_on_the_french_admin(client, admin_user):
    locked = fail_until_locked(client, language="fr")

    assert locked.status_code == 429
    assert '<html lang="fr"' in locked.text
    assert "Trop de tentatives de connexion" in locked.text


def test_lockout_is_per_account_and_address(client, admin_user):
    StaffFactory(username="bruno").set_password(PASSWORD)
    fail_until_locked(client, address="10.0.0.1")

    from_elsewhere = sign_in(client, address="10.0.0.2")
    client.logout()
    other_account = sign_in(client, username="bruno", password="wrong", address="10.0.0.1")

    assert from_elsewhere.status_code == 302
    assert other_account.status_code == 200  # the ordinary "wrong password" form


def test_clients_behind_one_proxy_are_locked_separately(client, admin_user):
    behind_proxy = {"address": "192.0.2.10"}

    with override_settings(TRUSTED_PROXY_COUNT=1):
        fail_until_locked(client, **behind_proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
        other_client = sign_in(client, **behind_proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert other_client.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"


def test_a_superuser_unlocks_an_account_in_the_admin(client, admin_user, staff_client):
    fail_until_locked(client)
    attempt = AccessAttempt.objects.get(username="amina")
    listing = staff_client.get(reverse("admin:axes_accessattempt_changelist"))

    unlocked = staff_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert listing.status_code == 200
    assert "amina" in listing.text
    assert unlocked.status_code == 302
    assert sign_in(client).status_code == 302


def test_registration_managers_do_not_see_login_attempts(client, admin_user):
    manager = StaffFactory(is_superuser=False)
    manager.groups.add(Group.objects.get(name="Gestion des inscriptions"))
    client.force_login(manager)

    response = client.get(reverse("admin:axes_accessattempt_changelist"))

    assert response.status_code == 403


# Security headers.


@pytest.mark.parametrize("path", ["/fr/", "/en/", "/fr/rencontres/", "/en/findings/"])
def test_public_pages_send_the_security_headers(client, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "form-action 'self'" in policy
    assert "base-uri 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["Referrer-Policy"] == "same-origin"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions


def test_public_pages_have_no_inline_script(client):
    for path in ("/fr/", "/en/", "/fr/rencontres/"):
        text = client.get(path).text

        scripts = text.split("<script")[1:]
        assert all(
            'type="application/ld+json"' in script.split(">")[0] or "src=" in script.split(">")[0]
            for script in scripts
        ), path
        assert " onclick=" not in text and " style=" not in text


def test_admin_sends_the_same_policy(staff_client):
    public = staff_client.get("/fr/").headers["Content-Security-Policy"]

    admin = staff_client.get("/fr/admin/").headers["Content-Security-Policy"]

    assert admin == public


# The client's address.


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "192.0.2.10"),  # no proxy: the header is the client's word
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client wrote the first entry
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.3", "203.0.113.5"),
        (1, "", "192.0.2.10"),
        (1, "not-an-address", "192.0.2.10"),
    ],
)
def test_client_address_is_read_through_the_trusted_proxies_only(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected


# Logs.


def token_paths() -> list[str]:
    confirm = signing.dumps({"r": [7], "n": "nonce", "e": 3}, salt="participants.confirm")
    manage = signing.dumps({"p": 7, "e": 3, "k": "K" * 22}, salt="participants.manage")
    paths = []
    for language in ("fr", "en"):
        with translation.override(language):
            paths.append(reverse("participants:confirm", kwargs={"token": confirm}))
            paths.append(reverse("participants:manage", kwargs={"token": manage}))
    return paths


@pytest.fixture
def access_log(tmp_path):
    """gunicorn's logger as gunicorn.conf.py configures it, writing to a file."""
    config = Config()
    for name, value in runpy.run_path(Path(settings.BASE_DIR) / "gunicorn.conf.py").items():
        if name in config.settings:
            config.set(name, value)
    log_file = tmp_path / "access.log"
    config.set("accesslog", str(log_file))
    logger = config.logger_class(config)

    def write(*, path, query="", referer="-"):
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": path + (f"?{query}" if query else ""),
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_REFERER": referer,
            "REMOTE_ADDR": "203.0.113.5",
        }
        request = SimpleNamespace(headers=[("REFERER", referer), ("USER-AGENT", "Firefox")])
        response = SimpleNamespace(status="200 OK", sent=512, headers=[])
        logger.access(response, request, environ, dt.timedelta(milliseconds=12))
        return log_file.read_text().splitlines()[-1]

    yield write
    # gunicorn leaves its log files open on the logging module's loggers.
    for log in (logger.error_log, logger.access_log):
        for handler in list(log.handlers):
            log.removeHandler(handler)
            handler.close()


@pytest.mark.parametrize("path", token_paths())
def test_access_log_line_has_no_token(access_log, path):
    token = path.rstrip("/").rsplit("/", 1)[1]

    line = access_log(path=path, query="email=eloise%40example.org", referer=f"https://x{path}")

    assert token not in line
    assert "eloise" not in line
    assert "[redacted]" in line
    assert '" 200 512 ' in line  # still a useful line: status and size
    assert path.rsplit("/", 2)[0] in line  # and the route


def test_access_log_keeps_ordinary_paths(access_log):
    line = access_log(path="/fr/rencontres/atelier-ia/", referer="https://cycle.example.org/fr/")

    assert "GET /fr/rencontres/atelier-ia/ HTTP/1.1" in line
    assert "https://cycle.example.org/fr/" in line
    assert "203.0.113.5" not in line  # no client address: personal data


def test_django_log_messages_show_no_token():
    path = token_paths()[1]
    (console,) = [
        handler
        for handler in logging.getLogger("django").handlers
        if any(isinstance(each, RedactTokens) for each in handler.filters)
    ]
    printed = io.StringIO()
    previous = console.setStream(printed)

    try:
        logging.getLogger("django.request").warning("%s: %s", "Bad Request", path)
    finally:
        console.setStream(previous)

    assert "Bad Request: /fr/inscription/gerer/[redacted]/" in printed.getvalue()
    assert path.rstrip("/").rsplit("/", 1)[1] not in printed.getvalue()
