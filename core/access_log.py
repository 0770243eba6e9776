"""gunicorn's access log without tokens (see core/logs.py): the request line, the path, the
query string and the referrer (a page opened from a participant's link sends that link as
the referrer of its style sheets) are redacted."""

from gunicorn.glogging import Logger

from core.logs import REDACTED, redact

# Atoms of gunicorn's log format that hold a URL, a path or a query string.
URL_ATOMS = ("r", "U", "f", "{referer}i", "{raw_uri}e", "{path_info}e", "{http_referer}e")
QUERY_ATOMS = ("q", "{query_string}e")


class TokenRedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in URL_ATOMS:
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        for name in QUERY_ATOMS:
            if atoms.get(name):
                atoms[name] = REDACTED
        return atoms
