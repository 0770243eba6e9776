"""A bare Django project: one page rendering one row from PostgreSQL, the floor the portal's
pages are measured against (scripts/bench/run.py serves it under gunicorn beside the portal).

No app, the middleware of a plain site, persistent connections as the portal has them.
"""

import os
from pathlib import Path

import dj_database_url

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bare.urls"
WSGI_APPLICATION = "bare.wsgi.application"
INSTALLED_APPS: list[str] = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
    }
]
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["BARE_DATABASE_URL"], conn_max_age=60, conn_health_checks=True
    )
}
USE_TZ = True
