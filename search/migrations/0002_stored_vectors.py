"""Stored search vectors for meetings and findings, kept up to date by triggers (PostgreSQL only).

Each table gets a `tsvector` column per language, `search_vector_fr` and `search_vector_en`:
the title with weight A, the other searched fields with weight B, in that language's
configuration (0001_initial.py). A trigger fills them on every insert, and on every update of
a searched field; this migration fills them for the rows already there. Triggers rather than
generated columns: PostgreSQL refuses to change the type of a column a generated column reads,
so a longer `max_length` for a title, in the app that owns the table, would fail there.

Indexes (GIN), for each language: the vector, for the rows shown in that language; the same
vector for the rows whose title is missing in the other language (they are shown, and so
searched, in this one there: a partial index). The title's weight tells a match in the title
(ranked first) on the rows found, so it needs no index of its own; the expression indexes of
0001_initial.py are dropped.

The models of `events` and `themes` do not know these columns: Django ignores them, and
search/selectors.py reads them by name (`StoredVector`).
"""

import importlib

from django.db import migrations

# The expression indexes of 0001_initial.py, which these replace.
initial = importlib.import_module("search.migrations.0001_initial")

LANGUAGES = ("fr", "en")
# table: (title, other searched fields), as `KINDS` in search/selectors.py searches them.
STORED = {
    "events_event": ("title", ("summary", "city")),
    "themes_finding": ("title", ("text",)),
}


def stored_vector(table: str, language: str, row: str = "NEW") -> str:
    """The SQL of a row's vector in one language: the title weighs A, the rest B."""
    title, others = STORED[table]
    rest = " || ' ' || ".join(f"coalesce({row}.\"{field}_{language}\", '')" for field in others)
    config = f"'portal_{language}'::regconfig"
    return (
        f"setweight(to_tsvector({config}, coalesce({row}.\"{title}_{language}\", '')), 'A') || "
        f"setweight(to_tsvector({config}, {rest}), 'B')"
    )


def indexes():
    """(name, table, column, condition) of every index."""
    for table, (title, _others) in STORED.items():
        for language in LANGUAGES:
            other = next(code for code in LANGUAGES if code != language)
            untranslated = f'("{title}_{other}" IS NULL OR "{title}_{other}" = \'\')'
            column = f"search_vector_{language}"
            yield f"{table}_vector_{language}", table, column, ""
            yield f"{table}_vector_{language}_for_{other}", table, column, f" WHERE {untranslated}"


# The newest matches are read in order from this index, and the reading stops at the page's
# last row (`Ranked` in search/selectors.py); without it PostgreSQL sorts every match.
START_INDEX = 'CREATE INDEX IF NOT EXISTS "events_event_start_search" ON "events_event" (start)'


def create_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # PostgreSQL refuses to index a table with checks of foreign keys still pending in the
    # transaction (rows saved before the migration, as in tests/test_migrations.py).
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _table, _expression, _condition in initial.indexes():
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    for table, (title, others) in STORED.items():
        fields = [f"{field}_{language}" for field in (title, *others) for language in LANGUAGES]
        assignments = "\n".join(
            f"NEW.search_vector_{language} := {stored_vector(table, language)};"
            for language in LANGUAGES
        )
        for language in LANGUAGES:
            schema_editor.execute(
                f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS search_vector_{language} tsvector'
            )
        schema_editor.execute(
            f"""CREATE OR REPLACE FUNCTION {table}_search_vectors() RETURNS trigger
            LANGUAGE plpgsql AS $$ BEGIN
            {assignments}
            RETURN NEW;
            END $$"""
        )
        columns = ", ".join(f'"{field}"' for field in fields)
        schema_editor.execute(
            f'CREATE TRIGGER {table}_search_vectors BEFORE INSERT OR UPDATE OF {columns} ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {table}_search_vectors()"
        )
        quoted = f'"{table}"'
        filled = ", ".join(
            f"search_vector_{language} = {stored_vector(table, language, row=quoted)}"
            for language in LANGUAGES
        )
        schema_editor.execute(f'UPDATE "{table}" SET {filled}')
    for name, table, column, condition in indexes():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ({column}){condition}'
        )
    schema_editor.execute(START_INDEX)
    schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.execute('DROP INDEX IF EXISTS "events_event_start_search"')
    for table in STORED:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS {table}_search_vectors ON "{table}"')
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_search_vectors()")
        for language in LANGUAGES:
            # Its indexes go with it.
            schema_editor.execute(
                f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS search_vector_{language}'
            )
    for name, table, expression, condition in initial.indexes():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({expression})){condition}'
        )
    schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("events", "0008_admin_wording"),
        ("themes", "0005_admin_wording"),
    ]

    operations = [
        migrations.RunPython(create_vectors, drop_vectors),
    ]
