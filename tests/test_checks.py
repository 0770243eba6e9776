"""`manage.py check --deploy` warns about settings that are fine on a laptop and wrong in
production: e-mail on the console, links to localhost, rate limits kept per process."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db

CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DUMMY = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}
PRODUCTION = {
    "DEBUG": False,
    "EMAIL_BACKEND": SMTP,
    "SITE_URL": "https://cycle.example.org",
    "CACHES": REDIS,
}


def deploy_check() -> str:
    """What an operator reads from `manage.py check --deploy` (warnings do not fail it)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("check", "--deploy", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_production_settings_raise_none_of_the_portals_warnings():
    with override_settings(**PRODUCTION):
        output = deploy_check()

    assert "core.W" not in output


@pytest.mark.parametrize(
    ("change", "warning", "hint"),
    [
        ({"EMAIL_BACKEND": CONSOLE}, "core.W001", "EMAIL_HOST"),
        ({"SITE_URL": "http://localhost:8000"}, "core.W002", "public address"),
        ({"SITE_URL": "http://127.0.0.1:8000/"}, "core.W002", "public address"),
        ({"CACHES": LOCMEM}, "core.W003", "REDIS_URL"),
        ({"CACHES": DUMMY}, "core.W003", "REDIS_URL"),
    ],
    ids=["console-email", "localhost", "loopback", "locmem-cache", "dummy-cache"],
)
def test_deploy_check_warns_about_a_laptop_setting(change, warning, hint):
    with override_settings(**(PRODUCTION | change)):
        output = deploy_check()

    assert warning in output
    assert hint in output
    assert output.count("core.W") == 1


def test_debug_silences_the_portals_warnings():
    laptop = {"DEBUG": True, "EMAIL_BACKEND": CONSOLE, "SITE_URL": "http://localhost:8000"}

    with override_settings(**laptop, CACHES=LOCMEM):
        output = deploy_check()

    assert "core.W" not in output


def test_plain_check_leaves_deployment_warnings_to_check_deploy():
    out = io.StringIO()

    with override_settings(DEBUG=False, EMAIL_BACKEND=CONSOLE, CACHES=LOCMEM):
        call_command("check", stdout=out)

    assert "core.W" not in out.getvalue()
