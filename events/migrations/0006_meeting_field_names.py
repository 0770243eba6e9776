# The fields that still said "event" say "meeting" (Session.meeting, MeetingOrganiser.meeting,
# and the reverse names: cycle.meetings, organisation.meetings, meeting.meeting_organisers),
# and Meeting.programmes is Meeting.strategic_projects. The foreign-key columns follow
# (event_id becomes meeting_id); every row stays where it is.

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_meeting_strategicproject"),
    ]

    operations = [
        # The unique constraint names the renamed field: dropped before, made again after (on
        # SQLite, renaming a field rebuilds the table from the constraints Django knows of).
        migrations.RemoveConstraint(
            model_name="meetingorganiser", name="unique_organiser_per_event"
        ),
        migrations.RenameField(model_name="session", old_name="event", new_name="meeting"),
        migrations.RenameField(model_name="meetingorganiser", old_name="event", new_name="meeting"),
        migrations.RenameField(
            model_name="meeting", old_name="programmes", new_name="strategic_projects"
        ),
        migrations.AlterField(
            model_name="meeting",
            name="cycle",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meetings",
                to="events.cycle",
                verbose_name="cycle",
            ),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="strategic_projects",
            field=models.ManyToManyField(
                blank=True,
                related_name="meetings",
                to="events.strategicproject",
                verbose_name="strategic projects",
            ),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="organisations",
            field=models.ManyToManyField(
                related_name="meetings",
                through="events.MeetingOrganiser",
                to="events.organisation",
                verbose_name="organisers",
            ),
        ),
        migrations.AlterField(
            model_name="meetingorganiser",
            name="meeting",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="meeting_organisers",
                to="events.meeting",
                verbose_name="meeting",
            ),
        ),
        migrations.AlterField(
            model_name="meetingorganiser",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meeting_roles",
                to="events.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="meetingorganiser",
            constraint=models.UniqueConstraint(
                fields=("meeting", "organisation"),
                name="unique_organiser_per_event",
                violation_error_message="This organisation is already an organiser.",
            ),
        ),
    ]
