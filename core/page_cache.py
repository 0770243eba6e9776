"""The page cache: public pages as anonymous visitors get them, kept in the shared cache (Redis)
and versioned by the content generation (core/models.py), so that invalidation is exact.

- What is cached: the answer to an anonymous visitor's GET (served to GET and HEAD) on any
  route outside PAGE_CACHE_EXCLUDED_NAMESPACES (the admin, the registration pages), when it is
  a complete 200 response that sets no cookie, used no CSRF token, carries no message, did not
  change the session, and says nothing against it (`Cache-Control: private`, `no-store`,
  `no-cache`, an ETag (a feed's Last-Modified is fine: a 200 always answers) or a Vary on
  anything but the cookie and the language). Such a response
  is the same for everybody who asks that URL in that language.
- The key: the full URL (scheme, host, path, query string), the language, and a hash of the
  code, templates, translations and static manifest (a deployment never serves pages of the
  code before); the cache version is the content generation, read once per request.
- Invalidation: triggers bump the generation in the same transaction as any change to a
  table of PAGE_CACHE_CONTENT, so the first request after the commit, in any process, reads
  the new generation and misses. The generation is read before anything else of the page:
  a page rendered while a change commits is at worst stored under the old generation, which
  nobody asks for any more. Old entries expire after PAGE_CACHE_SECONDS.
- What depends on the clock alone (a meeting turning from upcoming to past) is at most
  PAGE_CACHE_SECONDS late.
- PostgreSQL refuses to alter or index a table with trigger events still pending in the
  transaction: a migration that changes rows of a content table and then alters that table
  runs `SET CONSTRAINTS ALL IMMEDIATE` first (as search/migrations/0002 does).
- When the cache is unreachable, pages are rendered without it, and it is left alone for
  RETRY_AFTER_SECONDS so that no request waits for its timeouts.
"""

import functools
import hashlib
import logging
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language

from .models import ContentGeneration

logger = logging.getLogger(__name__)

# Tells what the page cache did with a response: "hit" (served from it) or "miss" (stored).
HEADER = "X-Page-Cache"
# After a failure, the cache is tried again only after this many seconds.
RETRY_AFTER_SECONDS = 30
# Response headers that do not make a page differ between visitors of one URL and language.
HARMLESS_VARY = {"cookie", "accept-language", "accept-encoding"}
# What the code hash reads: the project's sources, templates, translations and static files.
CODE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo", ".css", ".js", ".json", ".svg"}

TRIGGER = "core_content_generation"
FUNCTION = "core_bump_content_generation"

_unusable_until = 0.0  # on time.monotonic()'s clock


@receiver(setting_changed)
def _forget_outage(*, setting, **kwargs):
    """Another cache configured (tests do it): the state of the old one does not carry over."""
    global _unusable_until
    if setting == "CACHES":
        _unusable_until = 0.0


class PageCacheMiddleware:
    """Serves and stores public pages (see the module's docstring). Place it after the
    authentication and messages middleware: it needs `request.user` and the messages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not cacheable_request(request):
            return self.get_response(request)
        generation = current_generation()
        if generation is None:  # no row (a flushed database): nothing to version pages by
            return self.get_response(request)
        key = page_key(request)
        stored = _shared("get", key, version=generation)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and storable(request, response):
            stored = (response.content, list(response.items()))
            _shared("set", key, stored, timeout=seconds, version=generation)
            if time.monotonic() >= _unusable_until:  # stored
                response[HEADER] = "miss"
        return response


def cacheable_request(request) -> bool:
    """An anonymous visitor's GET or HEAD, with no message to show, on a cacheable route."""
    if request.method not in {"GET", "HEAD"} or request.user.is_authenticated:
        return False
    if len(get_messages(request)):
        return False
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return not set(match.namespaces) & set(settings.PAGE_CACHE_EXCLUDED_NAMESPACES)


def storable(request, response) -> bool:
    """Whether the response is the same for everyone, and so may be served to anyone."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # The page used a CSRF token (a form): CsrfViewMiddleware is about to set its cookie.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    if getattr(request, "session", None) is not None and request.session.modified:
        return False
    if len(get_messages(request)) or request.user.is_authenticated:
        return False
    cache_control = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if cache_control & {"private", "no-store", "no-cache"}:
        return False
    if response.has_header("ETag"):
        return False  # the view answers conditional requests itself (social cards)
    vary = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", ""))}
    return vary <= HARMLESS_VARY | {""}


def page_key(request) -> str:
    url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:40]
    return f"page:{code_version()}:{get_language()}:{url}"


def current_generation(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The content generation as committed now; None if its row is missing."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {ContentGeneration._meta.db_table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def _shared(method: str, *args, **kwargs):
    """Calls the cache's `method`; None, with a warning, when the cache cannot be reached."""
    global _unusable_until
    if time.monotonic() < _unusable_until:
        return None
    try:
        return getattr(cache, method)(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - whatever the backend raises
        _unusable_until = time.monotonic() + RETRY_AFTER_SECONDS
        logger.warning(
            "Page cache unreachable (%s): pages are rendered without it for %s s",
            type(error).__name__,
            RETRY_AFTER_SECONDS,
        )
        return None


@functools.cache
def code_version() -> str:
    """A hash of what makes a page besides the data, read once per process: identical on
    every app server running the same release, different after any change to it."""
    base = Path(settings.BASE_DIR)
    roots = [Path(config.path) for config in apps.get_app_configs()]
    roots = [root for root in roots if base in root.parents and ".venv" not in root.parts]
    roots += [Path(path) for path in settings.LOCALE_PATHS]
    roots += [Path(path) for options in settings.TEMPLATES for path in options["DIRS"]]
    roots += [Path(path) for path in settings.STATICFILES_DIRS]
    digest = hashlib.sha256()
    files = {file for root in roots for file in root.rglob("*") if file.suffix in CODE_SUFFIXES}
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest and Path(settings.STATIC_ROOT, manifest).exists():
        files.add(Path(settings.STATIC_ROOT, manifest))
    for file in sorted(files):
        if file.is_file() and "__pycache__" not in file.parts:
            digest.update(str(file.relative_to(base) if base in file.parents else file).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


# --- The triggers that bump the generation -------------------------------------------------


def content_tables() -> list[str]:
    """The tables of PAGE_CACHE_CONTENT ("app" for all its models, "app.Model" for one),
    with their many-to-many tables."""
    tables = []
    for entry in settings.PAGE_CACHE_CONTENT:
        label, _, model_name = entry.partition(".")
        config = apps.get_app_config(label)
        chosen = [config.get_model(model_name)] if model_name else config.get_models()
        for model in chosen:
            related = [field.remote_field.through for field in model._meta.local_many_to_many]
            for table_model in [model, *related]:
                options = table_model._meta
                if options.managed and not options.proxy and options.db_table not in tables:
                    tables.append(options.db_table)
    return tables


# Names from this module and table names from the models: nothing from outside.
POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction, however many rows and statements it changes.
    IF coalesce(current_setting('core.content_generation_bumped', true), '') <> '1' THEN
        PERFORM set_config('core.content_generation_bumped', '1', true);
        -- Made again, with a random start, if a flush emptied the table.
        INSERT INTO core_contentgeneration (id, value) VALUES (1, floor(random() * 2 ^ 40))
        ON CONFLICT (id) DO UPDATE SET value = core_contentgeneration.value + 1;
    END IF;
    RETURN NULL;
END $$
"""  # noqa: S608


SQLITE_BUMP = (
    "INSERT INTO core_contentgeneration (id, value) VALUES (1, abs(random() % 1099511627776)) "
    "ON CONFLICT (id) DO UPDATE SET value = value + 1;"
)


def install_triggers(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Gives every content table that lacks them the triggers bumping the generation;
    returns the tables it gave them to.

    PostgreSQL: a row trigger deferred to the commit, so that the generation's row is locked
    only while a transaction commits (never held while it waits for another lock: no
    deadlock with the registrations' row locks), plus a statement trigger for TRUNCATE.
    SQLite (no deferred or statement triggers): a row trigger per operation; SQLite writes
    one transaction at a time anyway.
    """
    connection = connections[using]
    existing_tables = set(connection.introspection.table_names())
    if ContentGeneration._meta.db_table not in existing_tables:
        return []
    tables = [table for table in content_tables() if table in existing_tables]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two processes migrating at once (several containers starting) take turns.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [TRIGGER])
            cursor.execute(POSTGRESQL_FUNCTION)
            missing = [table for table in tables if table in _tables_missing_triggers(cursor)]
            for table in missing:
                name = connection.ops.quote_name(table)
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {name}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_truncate ON {name}")
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
                    f"ON {name} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                    f"EXECUTE FUNCTION {FUNCTION}()"
                )
                cursor.execute(
                    f"CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON {name} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
                )
            return missing
        if connection.vendor == "sqlite":
            missing = [table for table in tables if table in _tables_missing_triggers(cursor)]
            for table in missing:
                for operation in ("INSERT", "UPDATE", "DELETE"):
                    name = f"{TRIGGER}_{table}_{operation.lower()}"
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {operation} "
                        f"ON {connection.ops.quote_name(table)} BEGIN {SQLITE_BUMP} END"
                    )
            return missing
    return []  # pragma: no cover - the portal runs on PostgreSQL or SQLite


def _tables_missing_triggers(cursor) -> set[str]:
    """The content tables without all of their triggers."""
    tables = set(content_tables())
    if cursor.db.vendor == "postgresql":
        cursor.execute(
            "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname IN (%s, %s) AND pg_table_is_visible(c.oid) GROUP BY c.relname",
            [TRIGGER, f"{TRIGGER}_truncate"],
        )
        complete = {table for table, count in cursor.fetchall() if count == 2}
    else:
        cursor.execute(
            "SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE %s GROUP BY tbl_name",
            [f"{TRIGGER}_%"],
        )
        complete = {table for table, count in cursor.fetchall() if count == 3}
    return tables - complete


def missing_triggers(using: str = DEFAULT_DB_ALIAS) -> set[str]:
    """The content tables whose changes would not bump the generation (none, after migrate)."""
    with connections[using].cursor() as cursor:
        return _tables_missing_triggers(cursor)


def install_triggers_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate receiver (core/apps.py): after every migrate and flush."""
    install_triggers(using)
