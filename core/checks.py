"""Deployment checks (`manage.py check --deploy`): settings that are fine on a laptop and
wrong in production. They say nothing while DEBUG is on."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - names, not a bind


@register(Tags.security, deploy=True)
def check_email_backend(app_configs, **kwargs):
    if settings.DEBUG or settings.EMAIL_BACKEND != "django.core.mail.backends.console.EmailBackend":
        return []
    return [
        Warning(
            "E-mails are printed on the console: no participant receives a confirmation link.",
            hint="Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to send through SMTP.",
            id="core.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    host = urlsplit(settings.SITE_URL).hostname or ""
    if settings.DEBUG or not (host in LOCAL_HOSTS or host.endswith(".localhost")):
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL}: the links in e-mails lead nowhere for participants.",
            hint="Set SITE_URL to the public address of the portal, e.g. https://cycle.example.org",
            id="core.W002",
        )
    ]


@register(Tags.caches, Tags.security, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The cache is kept by each process: every app server counts the registration "
            "form's rate limits on its own, so they allow many times more than configured.",
            hint="Set REDIS_URL, e.g. redis://redis:6379/0, to share the cache.",
            id="core.W003",
        )
    ]
