# Finding.event is Finding.meeting (its column event_id becomes meeting_id) and Theme.events
# is Theme.meetings (the same table, events_event_themes, and the same rows).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0006_meeting_field_names"),
        ("themes", "0003_theme_events"),
    ]

    operations = [
        migrations.RenameField(model_name="finding", old_name="event", new_name="meeting"),
        migrations.RenameField(model_name="theme", old_name="events", new_name="meetings"),
        migrations.AlterModelOptions(
            name="finding",
            options={
                "ordering": ["meeting", "kind", "order", "pk"],
                "verbose_name": "finding",
                "verbose_name_plural": "findings",
            },
        ),
    ]
