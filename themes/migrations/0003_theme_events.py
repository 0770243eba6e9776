# Takes over the meeting–theme relation from events.Event.themes (events 0004): the same
# table, events_event_themes, with the same columns (event_id, theme_id) and rows. Only
# Django's state changes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_themes_owned_by_themes"),
        ("themes", "0002_search"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="theme",
                    name="events",
                    field=models.ManyToManyField(
                        blank=True,
                        db_table="events_event_themes",
                        related_name="themes",
                        to="events.event",
                        verbose_name="meetings",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
