"""Settings of the cycle portal, read from the environment (see `.env.example`).

Local defaults are safe and need nothing installed: SQLite, console e-mail, DEBUG off
unless asked for. Production hardening is switched on by the environment. A variable that
is set but empty (`EMAIL_BACKEND=`, as `.env.example` has) means "use the default".
"""

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

import dj_database_url
import environ
from csp.constants import NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


class _SetVariables(Mapping):
    """The process environment without its empty variables.

    django-environ returns an empty variable as it is (`""` for a string, `False` for a
    boolean, an error for a number) instead of the default; hiding them gives the default.
    """

    def __getitem__(self, name):
        value = os.environ[name]
        if not value.strip():
            raise KeyError(name)
        return value

    def __iter__(self):
        return (name for name, value in os.environ.items() if value.strip())

    def __len__(self):
        return sum(1 for _ in self)


class Env(environ.Env):
    ENVIRON = _SetVariables()


env = Env()

DEBUG = env.bool("DEBUG", default=False)

# Values published in this repository: a key anybody can read signs nothing.
PLACEHOLDER_SECRET_KEYS = {
    "change-me-to-a-long-random-string-of-at-least-fifty-characters",  # .env.example
    "change-me-to-a-long-random-string",  # .env.example before
    "change-me-in-dot-env",  # docker-compose.yml before
    "collectstatic-only",  # Dockerfile before
}


def _secret_key(value: str, *, debug: bool) -> str:
    """The key to sign with; with DEBUG off, refuse a missing, published or weak one."""
    if debug:
        return value or f"{SECRET_KEY_INSECURE_PREFIX}local-development-only"
    if not value:
        problem = "SECRET_KEY is not set"
    elif value in PLACEHOLDER_SECRET_KEYS:
        problem = "SECRET_KEY is a placeholder published in this repository"
    elif value.startswith(SECRET_KEY_INSECURE_PREFIX):
        problem = f"SECRET_KEY starts with {SECRET_KEY_INSECURE_PREFIX!r}"
    elif len(value) < SECRET_KEY_MIN_LENGTH or len(set(value)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        problem = (
            f"SECRET_KEY is too weak: it needs at least {SECRET_KEY_MIN_LENGTH} characters, "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different"
        )
    else:
        return value
    raise ImproperlyConfigured(
        f"{problem}, and DEBUG is off. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))' "
        "and set it in the environment (or in .env for docker compose). "
        "For local development only: DEBUG=1."
    )


SECRET_KEY = _secret_key(env.str("SECRET_KEY", default=""), debug=DEBUG)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", cast=str.strip, default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", cast=str.strip, default=[])
# How many reverse proxies in front of the portal append to X-Forwarded-For: the client's
# address is the one the outermost of them saw. 0: the peer's address (REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "django_filters",
    "axes",
    "csp",
    "core",
    "events",
    "themes",
    "participants",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After the user and the messages are known; the headers of the middleware above are
    # added to a cached page as to a rendered one (PAGE_CACHE_SECONDS).
    "core.page_cache.PageCacheMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cycle_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "cycle_portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env.int("CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the portal's queries are small and many, and PostgreSQL compiled
    # some (a grouping over wide rows, estimated costly on tiny tables) for about 20 ms each,
    # far more than they take to run. Set per connection, so no server setting is needed.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no row locks: an immediate transaction takes the write lock at once, so
    # registrations are serialised there too.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the rate limits of the registration form: Redis when given (shared by every
# worker), memory of the process otherwise. Short socket timeouts: a hanging Redis must not
# hold a visitor's request for long.
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Public pages as anonymous visitors get them, kept this many seconds in the cache above and
# versioned by the content generation, which database triggers bump with any change to the
# tables below (core/page_cache.py): a change shows at the next request, in every process.
# Default: 600 with REDIS_URL, 0 (off) without. Sessions are in the database (Django's
# default), the admin's lockouts too (django-axes): nothing else lives in one process.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600 if REDIS_URL else 0)
# Apps ("app") and models ("app.Model") whose rows show on public pages: seats left come
# from the registrations.
PAGE_CACHE_CONTENT = ["events", "themes", "participants.Registration"]
# URL namespaces never cached: the admin, and the registration pages (forms, links of one
# participant).
PAGE_CACHE_EXCLUDED_NAMESPACES = ["admin", "participants"]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin login: after 5 failures for one account from one address, that pair is locked for
# 30 minutes (a superuser can unlock it sooner: Axes › Access attempts).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "core.views.login_locked_out"
AXES_RESET_ON_SUCCESS = True
# Failed attempts are all the lockout needs: successful sign-ins are not recorded.
AXES_DISABLE_ACCESS_LOG = True
# No banner in the log at every start of a command or worker.
AXES_VERBOSE = False
# The client's address as the rest of the portal reads it (TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"

# Languages: French is the reference language of the cycle, English the second one.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Zurich")
FORMAT_MODULE_PATH = ["cycle_portal.formats"]

# The translated fields' languages are those of LANGUAGES (modeltranslation's default).
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
# A text missing in one language is shown in another rather than left blank.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": tuple(code for code, _name in LANGUAGES)}
# Slugs are made from the default language's title, whatever the staff member's language.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = LANGUAGE_CODE

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Uploads (organisations' logos), through Django's storage API.
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail: printed on the console unless an SMTP host is given.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if EMAIL_HOST
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Cycle de rencontres <noreply@localhost>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Background work (Celery, cycle_portal/celery.py): every e-mail, the reminders, the follow-ups
# and the scheduled clean-ups. With a broker (Redis: `redis://host:6379/1`), a worker sends them
# (`make worker`); without one, as in the quick start, each task runs in the process that asks
# for it, once the transaction commits.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged once done, not when received: a worker killed mid-task leaves it to
# another one (the outbox row, not the broker, says whether the e-mail left).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="cycle-portal")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that publishes a task never waits long on an unreachable broker: the e-mail stays
# in the outbox and the worker's sweep sends it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# What beat starts, and how often (seconds).
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "participants.tasks.outbox_sweep", "schedule": 300},
    "reminders": {"task": "participants.tasks.send_reminders", "schedule": 900},
    "follow-ups": {"task": "participants.tasks.send_follow_ups", "schedule": 3600},
    "anonymisation": {"task": "participants.tasks.anonymise_participants", "schedule": 86400},
}
# An e-mail that the SMTP server refuses is tried again this many times, waiting 30 s, 60 s,
# 120 s… (at most an hour) between tries; then staff see it as failed.
EMAIL_MAX_RETRIES = env.int("EMAIL_MAX_RETRIES", default=8)
# The first of those waits, in seconds; each next one doubles.
EMAIL_RETRY_BASE_SECONDS = env.int("EMAIL_RETRY_BASE_SECONDS", default=30)

# Production hardening, switched on by the environment.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only the portal's own files, no inline script or
# style, never framed. The e-mails' inline styles are not web pages: CSP does not apply.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}
# Browser features no page of the portal uses, denied to every page and frame.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# Logs never show the tokens of participants' links (Django logs the path of an error).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "core.logs.RedactTokens"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own messages (and the development server's request lines) through the same
    # handler, instead of Django's default ones, which print paths unfiltered.
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

EVENTS_PER_PAGE = 12

# Registrations. The privacy notice's version is recorded with each participant's consent.
PRIVACY_NOTICE_VERSION = "2026-11-29"
REGISTRATION_LINK_MAX_AGE_HOURS = env.int("REGISTRATION_LINK_MAX_AGE_HOURS", default=48)
# Form submissions allowed per hour, from one IP address and for one e-mail address.
REGISTRATION_RATE_PER_IP = env.int("REGISTRATION_RATE_PER_IP", default=20)
REGISTRATION_RATE_PER_EMAIL = env.int("REGISTRATION_RATE_PER_EMAIL", default=5)
# Participants of meetings that ended longer ago than this are anonymised.
PARTICIPANT_RETENTION_DAYS = env.int("PARTICIPANT_RETENTION_DAYS", default=365)
# A participant's manage link stops working this many days after the end of the meeting.
MANAGE_LINK_DAYS_AFTER_MEETING = env.int("MANAGE_LINK_DAYS_AFTER_MEETING", default=30)
# Where participants write for help, shown when their e-mail could not be sent. Empty: the
# page tells them to contact the meeting's organisers.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")

# The address the portal is reached at, for the links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Licence under which the meetings and findings are published as open data (CSV, JSON, feeds).
OPEN_DATA_LICENCE = env.str("OPEN_DATA_LICENCE", default="CC BY 4.0")
OPEN_DATA_LICENCE_URL = env.str(
    "OPEN_DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/"
)
