"""`python -m core.healthcheck`: exit 0 when the portal in this container answers HTTP.

Used by the Docker healthcheck (the slim image has no curl). It asks for robots.txt, which
needs no database, with the public host name of SITE_URL so that ALLOWED_HOSTS accepts it.
"""

import http.client
import os
import sys
from urllib.parse import urlsplit


def portal_answers(*, host: str = "127.0.0.1", port: int = 8000, timeout: float = 4) -> bool:
    site = urlsplit(os.environ.get("SITE_URL") or "http://localhost:8000")
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(
            "GET",
            "/robots.txt",
            headers={"Host": site.netloc, "X-Forwarded-Proto": site.scheme or "http"},
        )
        return connection.getresponse().status < 500
    except OSError:
        return False
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(0 if portal_answers() else 1)
