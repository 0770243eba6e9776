"""A fixed-window rate limit on the registration form, kept in Django's cache.

Keys hold a hash, never the address itself, so the cache holds no personal data.

The cache is Redis in production, shared by every app server. When it is down or hangs, the
limits are counted in this process alone, with a warning in the log, and the shared cache is
left alone for a while: a registration never fails, nor waits for more than one socket timeout,
because of the rate limit.
"""

import hashlib
import logging
import time

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600
# After a failure, the shared cache is tried again only after this many seconds.
RETRY_SHARED_AFTER_SECONDS = 30

# This process's own counts, used while the shared cache cannot be reached.
fallback = LocMemCache("participants.ratelimit", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
_shared_unusable_until = 0.0  # on time.monotonic()'s clock


@receiver(setting_changed)
def _forget_outage(*, setting, **kwargs):
    """Another cache configured (tests do it): the state of the old one does not carry over."""
    global _shared_unusable_until
    if setting == "CACHES":
        _shared_unusable_until = 0.0
        fallback.clear()


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{kind}:{digest}"


def _count(store, key: str) -> int:
    store.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr
        store.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def hit(kind: str, value: str, *, limit: int) -> bool:
    """Count one attempt; False once more than `limit` were made within the window."""
    global _shared_unusable_until
    key = _key(kind, value)
    if time.monotonic() >= _shared_unusable_until:
        try:
            return _count(cache, key) <= limit
        except Exception as error:  # noqa: BLE001 - whatever the cache's failure, register
            _shared_unusable_until = time.monotonic() + RETRY_SHARED_AFTER_SECONDS
            # The kind of failure only: the key would be a hash of personal data.
            logger.warning(
                "Rate-limit cache unreachable (%s): limits are counted per process "
                "for the next %s s",
                type(error).__name__,
                RETRY_SHARED_AFTER_SECONDS,
            )
    return _count(fallback, key) <= limit
