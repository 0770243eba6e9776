"""A recommendation is found by the words of its status updates' notes (PostgreSQL only).

The stored vectors of findings (`search_vector_fr` / `_en`, 0002_stored_vectors.py) add the
notes of the finding's status updates with weight C, in each language: the note in that
language, or in the other one where it has no translation (as the pages show it, through the
modeltranslation fallback). The title vectors (0003) do not change: a match in a note ranks
with the matches in the text.

Two triggers keep them up to date: the findings' own (0003's function, which now reads the
notes too, on insert and on update of a title or text), and a new one on `themes_statusupdate`,
which computes again the vectors of the finding whose notes changed (after an insert, a delete,
or an update of a note or of the recommendation it belongs to). The GIN indexes of 0002 serve
as they are. This migration fills the vectors of the findings already there.
"""

import importlib

from django.db import migrations

vectors = importlib.import_module("search.migrations.0002_stored_vectors")
titles = importlib.import_module("search.migrations.0003_title_vectors")
LANGUAGES = vectors.LANGUAGES
FINDINGS = "themes_finding"
UPDATES = "themes_statusupdate"


def notes(language: str, row: str) -> str:
    """The SQL of a finding's notes in one language, in date order (the other language where
    a note has none)."""
    other = next(code for code in LANGUAGES if code != language)
    return (
        f"(SELECT string_agg(coalesce(nullif(u.\"note_{language}\", ''), u.\"note_{other}\", ''), "
        f"' ' ORDER BY u.date, u.id) FROM \"{UPDATES}\" u WHERE u.recommendation_id = {row}.id)"
    )


def stored_vector(language: str, row: str = "NEW") -> str:
    """0002's vector of a finding (title A, text B) and its notes (C)."""
    config = f"'portal_{language}'::regconfig"
    return (
        f"{vectors.stored_vector(FINDINGS, language, row)} || "
        f"setweight(to_tsvector({config}, coalesce({notes(language, row)}, '')), 'C')"
    )


def assignments(row: str = "NEW") -> list[str]:
    """Every stored vector of a finding: with its notes, and the titles' of 0003."""
    return [
        f"search_vector_{language} = {stored_vector(language, row)}" for language in LANGUAGES
    ] + titles.assignments(FINDINGS, row)[len(LANGUAGES) :]


def refill(row: str) -> str:
    """The statement that computes again the vectors with notes of the findings in `row`."""
    quoted = f'"{FINDINGS}"'
    filled = ", ".join(
        f"search_vector_{language} = {stored_vector(language, quoted)}" for language in LANGUAGES
    )
    return f'UPDATE "{FINDINGS}" SET {filled} {row}'


UPDATES_TRIGGER = f"""CREATE OR REPLACE FUNCTION {UPDATES}_search_vectors() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
    IF TG_OP = 'DELETE'
        OR (TG_OP = 'UPDATE' AND OLD.recommendation_id <> NEW.recommendation_id) THEN
        {refill('WHERE id = OLD.recommendation_id')};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {refill('WHERE id = NEW.recommendation_id')};
    END IF;
    RETURN NULL;
    END $$"""


def create_note_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.execute(titles.trigger_function(FINDINGS, assignments()))
    schema_editor.execute(UPDATES_TRIGGER)
    schema_editor.execute(
        f"CREATE TRIGGER {UPDATES}_search_vectors "
        f'AFTER INSERT OR DELETE OR UPDATE OF "note_fr", "note_en", "recommendation_id" '
        f'ON "{UPDATES}" FOR EACH ROW EXECUTE FUNCTION {UPDATES}_search_vectors()'
    )
    schema_editor.execute(refill(f'WHERE id IN (SELECT recommendation_id FROM "{UPDATES}")'))
    schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def drop_note_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.execute(f'DROP TRIGGER IF EXISTS {UPDATES}_search_vectors ON "{UPDATES}"')
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {UPDATES}_search_vectors()")
    schema_editor.execute(titles.trigger_function(FINDINGS, titles.assignments(FINDINGS)))
    quoted = f'"{FINDINGS}"'
    filled = ", ".join(
        f"search_vector_{language} = {vectors.stored_vector(FINDINGS, language, quoted)}"
        for language in LANGUAGES
    )
    schema_editor.execute(
        f'UPDATE "{FINDINGS}" SET {filled} '
        f'WHERE id IN (SELECT recommendation_id FROM "{UPDATES}")'
    )
    schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_title_vectors"),
        ("themes", "0006_recommendation_follow_up"),
    ]

    operations = [migrations.RunPython(create_note_vectors, drop_note_vectors)]
