"""Logs without the secrets that travel in URLs.

The links participants get by e-mail carry a signed token as a path segment
(`/fr/inscription/confirmer/<token>/`, `/en/registration/manage/<token>/`): whoever reads it
in a log can confirm or cancel in that person's place. Logs show such segments, and every
query string, as a marker.
"""

import logging
import re

REDACTED = "[redacted]"
# The path segment after these names is a token: the participants' URLs in French and English.
TOKEN_ROUTES = ("confirm", "confirmer", "manage", "gerer")
_AFTER_ROUTE = re.compile(rf"(/(?:{'|'.join(TOKEN_ROUTES)})/)[^/\s?#]+", flags=re.IGNORECASE)
# Any other segment shaped like a Django signed value: base64 parts joined by ":" (or %3A).
_SIGNED_VALUE = re.compile(r"(?<=[^/]/)\.?[\w-]{8,}(?:(?::|%3[Aa])[\w-]+)+(?=[/\s?#]|$)")
_QUERY = re.compile(r"\?[^\s#\"']*")


def redact(text: str) -> str:
    """The text (a URL, a path, a request line, a log message) with tokens and queries replaced."""
    text = _QUERY.sub(f"?{REDACTED}", text)
    text = _AFTER_ROUTE.sub(rf"\g<1>{REDACTED}", text)
    return _SIGNED_VALUE.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrites each record's message through `redact` (Django logs the path of a 4xx/5xx)."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
