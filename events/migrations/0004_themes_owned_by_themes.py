# The meeting–theme relation is now declared on themes.Theme (themes 0003), so that the
# events app never names the themes app. Only Django's state changes: the table
# events_event_themes and its rows stay as they are.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_timezone_choices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(model_name="event", name="themes")],
            database_operations=[],
        ),
    ]
