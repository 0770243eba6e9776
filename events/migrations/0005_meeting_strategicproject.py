# The models Event, EventOrganiser and Programme are now Meeting, MeetingOrganiser and
# StrategicProject, the words the pages use. Their tables keep their names (Meta.db_table), so
# no row moves and the search indexes on events_event stay; only the columns of the
# many-to-many tables named after a model follow it (event_id becomes meeting_id,
# programme_id strategicproject_id). Django renames the content types; the permissions'
# codenames (view_event...) are renamed here, so that staff keep what they were given.

from django.db import migrations

RENAMED = {
    "event": "meeting",
    "eventorganiser": "meetingorganiser",
    "programme": "strategicproject",
}
ACTIONS = ("add", "change", "delete", "view")


def rename_permissions(apps, schema_editor, renamed=RENAMED):
    permissions = apps.get_model("auth", "Permission").objects.using(schema_editor.connection.alias)
    for old, new in renamed.items():
        for action in ACTIONS:
            if permissions.filter(content_type__app_label="events", codename=f"{action}_{new}"):
                continue
            permissions.filter(content_type__app_label="events", codename=f"{action}_{old}").update(
                codename=f"{action}_{new}"
            )


def restore_permissions(apps, schema_editor):
    rename_permissions(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0004_themes_owned_by_themes"),
        ("themes", "0003_theme_events"),
    ]

    operations = [
        migrations.AlterModelTable(name="event", table="events_event"),
        migrations.AlterModelTable(name="eventorganiser", table="events_eventorganiser"),
        migrations.AlterModelTable(name="programme", table="events_programme"),
        migrations.RenameModel(old_name="Programme", new_name="StrategicProject"),
        migrations.RenameModel(old_name="EventOrganiser", new_name="MeetingOrganiser"),
        migrations.RenameModel(old_name="Event", new_name="Meeting"),
        migrations.RunPython(rename_permissions, restore_permissions),
    ]
