"""The content generation's table and its one row (core/models.py).

The triggers that bump it are not made here: core/page_cache.py installs them after every
`migrate` on each table of PAGE_CACHE_CONTENT, so that a table made or rebuilt by a later
migration (SQLite rebuilds a table to alter it, dropping its triggers) always has them.
"""

import secrets

from django.db import migrations, models


def first_row(apps, schema_editor):
    # A random start: a database made again never reuses the keys of an older one.
    apps.get_model("core", "ContentGeneration").objects.using(
        schema_editor.connection.alias
    ).get_or_create(pk=1, defaults={"value": secrets.randbelow(2**40)})


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ContentGeneration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(verbose_name="generation")),
            ],
            options={
                "verbose_name": "content generation",
                "verbose_name_plural": "content generation",
            },
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
    ]
