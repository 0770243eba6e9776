"""A fixed-window rate limit on the registration form, kept in Django's cache.

Keys hold a hash, never the address itself, so the cache holds no personal data.
"""

import hashlib

from django.core.cache import cache

WINDOW_SECONDS = 3600


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{kind}:{digest}"


def hit(kind: str, value: str, *, limit: int) -> bool:
    """Count one attempt; False once more than `limit` were made within the window."""
    key = _key(kind, value)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= limit
