"""Full-text search on PostgreSQL (search/views.py); nothing happens on other databases.

Until the search app existed, themes/migrations/0002_search.py made all this: on a database
where it did, every statement below finds its object there and does nothing.

- the `unaccent` extension (a "trusted" extension since PostgreSQL 13: the owner of the
  database may create it without being a superuser);
- the text search configurations `portal_fr` and `portal_en`: French and English stemming
  with accents removed first, so that `securite` finds « sécurité »;
- GIN indexes for meetings and findings, in each language: on the vector of the searched
  fields; on the same vector for the rows whose title is missing in the other language (they
  are searched through this one there: a partial index, so that PostgreSQL need not recompute
  any vector to tell them apart); on the vector of the title, where a match ranks first.

PostgreSQL uses an expression index only for a query whose expression is the same: each
vector below is written exactly as Django compiles the `SearchVector` of search/views.py
(tests/themes/test_search.py checks that the query plans use these indexes).
"""

from django.db import migrations

LANGUAGES = {"fr": "french", "en": "english"}

# table: the searched fields of `KINDS` in search/views.py; the first one is the title.
INDEXED = {
    "events_event": ["title", "summary", "city"],
    "themes_finding": ["title", "text"],
}


def vector(fields, language):
    """The SQL of `SearchVector(*fields, config=...)`, column by column."""
    text = " || ' ' || ".join(f"COALESCE(\"{field}_{language}\", '')" for field in fields)
    return f"to_tsvector('portal_{language}'::regconfig, {text})"


def indexes():
    """(name, table, vector, condition) of every index."""
    for table, fields in INDEXED.items():
        title = fields[0]
        for language in LANGUAGES:
            other = next(code for code in LANGUAGES if code != language)
            untranslated = f'("{title}_{other}" IS NULL OR "{title}_{other}" = \'\')'
            yield f"{table}_search_{language}", table, vector(fields, language), ""
            yield (
                f"{table}_search_{language}_for_{other}",
                table,
                vector(fields, language),
                f" WHERE {untranslated}",
            )
            yield f"{table}_title_{language}", table, vector(fields[:1], language), ""


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for language, dictionary in LANGUAGES.items():
        # PostgreSQL has no CREATE TEXT SEARCH CONFIGURATION IF NOT EXISTS.
        schema_editor.execute(
            f"""DO $$ BEGIN
            IF NOT EXISTS (
                SELECT 1 FROM pg_ts_config
                WHERE cfgname = 'portal_{language}' AND pg_ts_config_is_visible(oid)
            ) THEN
                CREATE TEXT SEARCH CONFIGURATION portal_{language} (COPY = pg_catalog.{dictionary});
                ALTER TEXT SEARCH CONFIGURATION portal_{language}
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {dictionary}_stem;
            END IF;
            END $$"""
        )
    for name, table, expression, condition in indexes():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({expression})){condition}'
        )


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression, _condition in indexes():
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    for language in LANGUAGES:
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_{language}")
    # The extension stays: it may have been there before, and other code may use it.


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("events", "0004_themes_owned_by_themes"),
        ("themes", "0003_theme_events"),
    ]

    operations = [
        migrations.RunPython(create_search, drop_search),
    ]
