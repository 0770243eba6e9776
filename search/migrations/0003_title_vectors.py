"""Stored vectors of the titles alone, with GIN indexes (PostgreSQL only).

A match in the title ranks first (search/selectors.py reads the matches in the title, then the
others, each in order and up to the page's last row). With a vector of its own, the title has
its own statistics: PostgreSQL then knows whether few or many titles match, and reads the few
from this index rather than walking every meeting in order looking for them.
"""

import importlib

from django.db import migrations

vectors = importlib.import_module("search.migrations.0002_stored_vectors")
LANGUAGES, STORED = vectors.LANGUAGES, vectors.STORED


def title_vector(table: str, language: str, row: str = "NEW") -> str:
    title, _others = STORED[table]
    return f"to_tsvector('portal_{language}'::regconfig, coalesce({row}.\"{title}_{language}\", ''))"


def assignments(table: str, row: str = "NEW") -> list[str]:
    """Every stored vector of a row: those of 0002 and the titles'."""
    return [
        f"search_vector_{language} = {vectors.stored_vector(table, language, row)}"
        for language in LANGUAGES
    ] + [f"search_title_{language} = {title_vector(table, language, row)}" for language in LANGUAGES]


def trigger_function(table: str, assigned: list[str]) -> str:
    body = "\n".join(f"NEW.{assignment.replace(' = ', ' := ', 1)};" for assignment in assigned)
    return f"""CREATE OR REPLACE FUNCTION {table}_search_vectors() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
        {body}
        RETURN NEW;
        END $$"""


def create_title_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in STORED:
        for language in LANGUAGES:
            schema_editor.execute(
                f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS search_title_{language} tsvector'
            )
        schema_editor.execute(trigger_function(table, assignments(table)))
        quoted = f'"{table}"'
        filled = ", ".join(
            f"search_title_{language} = {title_vector(table, language, row=quoted)}"
            for language in LANGUAGES
        )
        schema_editor.execute(f'UPDATE "{table}" SET {filled}')
        for language in LANGUAGES:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{table}_title_vector_{language}" '
                f'ON "{table}" USING gin (search_title_{language})'
            )
    schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def drop_title_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in STORED:
        only_0002 = assignments(table)[: len(LANGUAGES)]
        schema_editor.execute(trigger_function(table, only_0002))
        for language in LANGUAGES:
            schema_editor.execute(
                f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS search_title_{language}'
            )


class Migration(migrations.Migration):
    dependencies = [("search", "0002_stored_vectors")]

    operations = [migrations.RunPython(create_title_vectors, drop_title_vectors)]
