"""Settings of the test suite: the portal's settings with every tunable value pinned.

The suite must pass whatever the environment says (CI runs it a second time with odd values
of every variable of `.env.example`). Only the database is left to the environment
(DATABASE_URL: PostgreSQL in CI, SQLite for the quick start). Tests that need another value
change it with pytest-django's `settings` fixture, and derive their time offsets from these.
"""

import tempfile
from pathlib import Path

from cycle_portal.settings import *  # noqa: F403

# Signing key of the tests' links; fixed, so that no test depends on the one in the environment.
SECRET_KEY = "tests-only-" + "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
CSRF_TRUSTED_ORIGINS = []
TRUSTED_PROXY_COUNT = 0

# In memory, per process: `cache.clear()` in a test never empties a real Redis named by
# REDIS_URL. Tests of the Redis behaviour give their own CACHES.
REDIS_URL = ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# No page cache: tests of it turn it on.
PAGE_CACHE_SECONDS = 0

TIME_ZONE = "Europe/Zurich"
LANGUAGE_CODE = "fr"

# Uploads go to a folder of the test run's own, never into the project or MEDIA_ROOT.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="cycle-portal-test-media-"))

# No collected static files needed, whatever DEBUG or STATIC_MANIFEST say.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# pytest-django puts e-mails in `mailoutbox` (locmem); never a real SMTP server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_HOST = ""
EMAIL_PORT = 587
EMAIL_HOST_USER = ""
EMAIL_HOST_PASSWORD = ""  # noqa: S105 - no password
EMAIL_USE_TLS = True
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = "Cycle de rencontres <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Tasks run in-process, whatever CELERY_BROKER_URL says; the worker tests start real workers.
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_DEFAULT_QUEUE = "cycle-portal"
EMAIL_MAX_RETRIES = 8
EMAIL_RETRY_BASE_SECONDS = 30

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_PROXY_SSL_HEADER = None

LOG_LEVEL = "INFO"
LOGGING["root"]["level"] = LOG_LEVEL  # noqa: F405
LOGGING["loggers"]["django"]["level"] = LOG_LEVEL  # noqa: F405

REGISTRATION_LINK_MAX_AGE_HOURS = 48
REGISTRATION_RATE_PER_IP = 20
REGISTRATION_RATE_PER_EMAIL = 5
PARTICIPANT_RETENTION_DAYS = 365
MANAGE_LINK_DAYS_AFTER_MEETING = 30
CONTACT_EMAIL = ""

SITE_URL = "http://127.0.0.1:8000"
OPEN_DATA_LICENCE = "CC BY 4.0"
OPEN_DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
