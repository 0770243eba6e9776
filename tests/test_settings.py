"""The configuration works as documented: `.env.example`, the Makefile's quick start and the
Docker image start the portal as their comments say."""

import os
import re
import runpy
import secrets
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from tests.participants.conftest import form_data, open_meeting, session  # noqa: F401

pytestmark = pytest.mark.django_db

BASE_DIR = Path(django_settings.BASE_DIR)
SETTINGS_FILE = BASE_DIR / "cycle_portal" / "settings.py"
REAL_KEY = secrets.token_urlsafe(50)
CONSOLE = "django.core.mail.backends.console.EmailBackend"
# Read by docker compose and the image, not by the settings.
COMPOSE_ONLY = {"LOAD_DEMO", "LOAD_CYCLE_RECORDS", "GUNICORN_WORKERS"}


def env_example() -> dict[str, str]:
    """`.env.example`'s variables, as docker compose's env_file reads them."""
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


@pytest.fixture
def load_settings(monkeypatch):
    """Evaluates the settings module in an environment holding only the given variables."""

    def load(environment: dict[str, str]) -> dict:
        for name in list(os.environ):
            monkeypatch.delenv(name)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE))

    return load


def test_env_example_names_every_variable_the_settings_read():
    read = set(re.findall(r"""env\.\w+\(\s*["'](\w+)["']""", SETTINGS_FILE.read_text()))

    assert read
    assert set(env_example()) == read | COMPOSE_ONLY


def test_env_example_values_send_e_mail_to_the_console_and_keep_the_defaults(load_settings):
    loaded = load_settings(env_example() | {"SECRET_KEY": REAL_KEY})

    assert loaded["DEBUG"] is False
    assert loaded["EMAIL_BACKEND"] == CONSOLE
    assert loaded["EMAIL_PORT"] == 587
    assert loaded["EMAIL_USE_TLS"] is True
    assert loaded["EMAIL_TIMEOUT"] == 10
    assert loaded["SERVER_EMAIL"] == "Cycle de rencontres <noreply@example.org>"
    assert loaded["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert loaded["REGISTRATION_LINK_MAX_AGE_HOURS"] == 48
    assert loaded["TRUSTED_PROXY_COUNT"] == 0
    assert loaded["TIME_ZONE"] == "Europe/Zurich"
    assert loaded["OPEN_DATA_LICENCE"] == "CC BY 4.0"


def test_registration_with_env_example_settings_prints_the_confirmation_e_mail(
    load_settings,
    settings,
    client,
    session,  # noqa: F811 - the fixture imported above
    capsys,
    django_capture_on_commit_callbacks,
):
    loaded = load_settings(env_example() | {"SECRET_KEY": REAL_KEY})
    for name in loaded:
        if name.startswith("EMAIL_") or name in {"DEFAULT_FROM_EMAIL", "SITE_URL"}:
            setattr(settings, name, loaded[name])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/fr/inscription/atelier/", form_data(session))

    assert response.status_code == 302
    printed = capsys.readouterr().out
    assert "To: eloise@example.org" in printed
    assert "From: Cycle de rencontres francophones <noreply@example.org>" in printed
    assert f"{loaded['SITE_URL']}/fr/inscription/confirmer/" in printed


def test_empty_variables_mean_the_defaults(load_settings):
    names = ["DEBUG", "EMAIL_BACKEND", "EMAIL_PORT", "EMAIL_USE_TLS", "ALLOWED_HOSTS"]
    names += ["TRUSTED_PROXY_COUNT", "STATIC_MANIFEST", "SITE_URL", "REDIS_URL", "CONN_MAX_AGE"]

    loaded = load_settings(dict.fromkeys(names, "") | {"SECRET_KEY": REAL_KEY})

    assert loaded["DEBUG"] is False
    assert loaded["EMAIL_BACKEND"] == CONSOLE
    assert loaded["EMAIL_PORT"] == 587
    assert loaded["EMAIL_USE_TLS"] is True
    assert loaded["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1"]
    assert loaded["TRUSTED_PROXY_COUNT"] == 0
    assert loaded["SITE_URL"] == "http://127.0.0.1:8000"
    assert "Manifest" in loaded["STORAGES"]["staticfiles"]["BACKEND"]
    assert loaded["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")


def test_set_variables_are_read(load_settings):
    loaded = load_settings(
        {
            "SECRET_KEY": REAL_KEY,
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_USE_TLS": "0",
            "ALLOWED_HOSTS": "cycle.example.org, www.cycle.example.org",
            "REDIS_URL": "redis://redis:6379/0",
            "TRUSTED_PROXY_COUNT": "2",
        }
    )

    assert loaded["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["EMAIL_USE_TLS"] is False
    assert loaded["ALLOWED_HOSTS"] == ["cycle.example.org", "www.cycle.example.org"]
    assert loaded["CACHES"]["default"]["LOCATION"] == "redis://redis:6379/0"
    assert loaded["CACHES"]["default"]["OPTIONS"] == loaded["REDIS_CACHE_OPTIONS"]
    assert loaded["REDIS_CACHE_OPTIONS"]["socket_timeout"] <= 1
    assert loaded["TRUSTED_PROXY_COUNT"] == 2


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        (None, "SECRET_KEY is not set"),
        ("", "SECRET_KEY is not set"),
        (env_example()["SECRET_KEY"], "placeholder"),
        ("change-me-in-dot-env", "placeholder"),
        (secrets.token_urlsafe(36)[:49], "at least 50 characters"),
        ("abcd" * 20, "5 of them different"),
        ("django-insecure-" + secrets.token_urlsafe(50), "starts with 'django-insecure-'"),
    ],
    ids=["missing", "empty", "env-example", "old-compose", "short", "repetitive", "insecure"],
)
def test_debug_off_refuses_to_start_without_a_real_secret_key(load_settings, key, problem):
    environment = {"DEBUG": "0"} | ({} if key is None else {"SECRET_KEY": key})

    with pytest.raises(ImproperlyConfigured, match=re.escape(problem)) as refused:
        load_settings(environment)

    assert "secrets.token_urlsafe(50)" in str(refused.value)


def test_debug_off_starts_with_a_real_secret_key(load_settings):
    assert load_settings({"SECRET_KEY": REAL_KEY})["SECRET_KEY"] == REAL_KEY


def test_debug_on_starts_without_a_secret_key(load_settings):
    loaded = load_settings({"DEBUG": "1"})

    assert loaded["SECRET_KEY"].startswith("django-insecure-")


# The quick start.


def test_make_run_on_another_port_puts_that_port_in_e_mail_links(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    # The portal's settings, as `make run` reads them, not the tests' pinned ones.
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    dry_run = subprocess.run(  # noqa: S603 - our own Makefile
        ["make", "--dry-run", "--always-make", "run", "PORT=8100"],  # noqa: S607
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    serve = next(line for line in dry_run.splitlines() if "runserver" in line)
    # The same command, asking for the setting instead of serving.
    ask = serve.replace(
        "runserver 127.0.0.1:8100",
        "shell --no-imports -c 'from django.conf import settings; print(settings.SITE_URL)'",
    )

    site_url = subprocess.run(  # noqa: S603 - the Makefile's own command
        ["sh", "-c", ask],  # noqa: S607
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "runserver 127.0.0.1:8100" in serve
    assert site_url.strip() == "http://127.0.0.1:8100"


def test_readme_keeps_the_two_first_commands():
    first_block = (BASE_DIR / "README.md").read_text().split("```")[1]

    assert "make run" in first_block
    assert "make test" in first_block


# Docker: read, since docker cannot run here; the start script runs for real.


@pytest.fixture
def start_web(tmp_path):
    """Runs the image's start script with stand-ins for python and gunicorn that log calls."""
    calls = tmp_path / "calls"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text(
        '#!/bin/sh\necho "python $*" >> "$CALLS"\ncase "$*" in *"$FAIL"*) exit 1;; esac\n'
    )
    (bin_dir / "gunicorn").write_text('#!/bin/sh\necho "gunicorn $*" >> "$CALLS"\n')
    for stand_in in bin_dir.iterdir():
        stand_in.chmod(0o755)

    def run(*, fail: str = "no command fails", **environment) -> tuple[int, list[str]]:
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "CALLS": str(calls), "FAIL": fail}
        result = subprocess.run(  # noqa: S603 - our own script
            ["sh", str(BASE_DIR / "scripts" / "start-web.sh")],  # noqa: S607
            cwd=BASE_DIR,
            env=env | environment,
            capture_output=True,
            text=True,
        )
        return result.returncode, calls.read_text().splitlines() if calls.exists() else []

    return run


def test_container_start_does_not_load_the_demo_by_default(start_web):
    status, calls = start_web()

    assert status == 0
    assert calls == [
        "python manage.py migrate --noinput",
        "gunicorn --config gunicorn.conf.py cycle_portal.wsgi:application",
    ]


def test_container_start_serves_even_when_the_demo_fails_to_load(start_web):
    status, calls = start_web(LOAD_DEMO="1", fail="load_demo")

    assert status == 0
    assert "python manage.py load_demo" in calls
    assert calls[-1].startswith("gunicorn --config gunicorn.conf.py")


def test_container_start_stops_when_migrations_fail(start_web):
    status, calls = start_web(fail="migrate")

    assert status != 0
    assert not any(call.startswith("gunicorn") for call in calls)


def test_image_runs_as_an_unprivileged_user_with_a_healthcheck():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)

    assert users and users[-1] not in {"root", "0"}
    assert "HEALTHCHECK" in dockerfile and "core.healthcheck" in dockerfile
    assert "scripts/start-web.sh" in dockerfile


def test_compose_needs_a_secret_key_and_does_not_load_the_demo_by_default():
    compose = (BASE_DIR / "docker-compose.yml").read_text()
    web = compose.split("\n  web:\n")[1]

    assert re.search(r"SECRET_KEY: \$\{SECRET_KEY:\?[^}]+\}", web)
    assert "LOAD_DEMO: ${LOAD_DEMO:-0}" in web
    assert "healthcheck:" in web and "core.healthcheck" in web
    assert "command:" not in web  # the image's start script, not a chain of `&&`
    assert env_example()["LOAD_DEMO"] == "0"


def test_healthcheck_tells_a_live_portal_from_a_dead_one(live_server, monkeypatch):
    from core.healthcheck import portal_answers

    monkeypatch.setenv("SITE_URL", "http://localhost:8000")
    port = int(live_server.url.rsplit(":", 1)[1])

    assert portal_answers(host="localhost", port=port)
    assert not portal_answers(host="127.0.0.1", port=1, timeout=1)


def test_ci_runs_the_suite_again_with_odd_values_of_every_variable():
    ci = (BASE_DIR / ".ci" / "run").read_text()
    odd_run = ci.split("\nenv \\\n", 1)[1].split("make test", 1)[0]
    odd = set(re.findall(r"^\s+(\w+)=", odd_run, flags=re.MULTILINE))
    # Set for both runs: PostgreSQL, and a real Redis the tests must leave alone.
    exported = set(re.findall(r"^export (\w+)=", ci, flags=re.MULTILINE))

    assert {"DATABASE_URL", "REDIS_URL"} <= exported
    assert odd | {"DATABASE_URL", "REDIS_URL"} == set(env_example())


@pytest.mark.postgresql
@pytest.mark.django_db
def test_postgresql_never_jit_compiles_the_portals_small_queries():
    # JIT took about 20 ms to compile the related-meetings query of every meeting page.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
