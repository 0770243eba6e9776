"""A database made before the apps were layered keeps its data when it is migrated: the
meetings' themes (a relation the themes app now owns, on the same table), the findings, and
the search indexes that the search app now owns."""

import datetime as dt
from importlib import import_module

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from events.models import Meeting
from themes.models import Theme

pytestmark = pytest.mark.django_db(transaction=True)

# The last migrations a database had before themes owned the relation and search had an app.
BEFORE = [("events", "0003_timezone_choices"), ("themes", "0002_search")]

SEARCH = import_module("search.migrations.0001_initial")
STORED_VECTORS = import_module("search.migrations.0002_stored_vectors")


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def searched_objects() -> tuple[int, int]:
    """The search indexes of meetings and findings, and the portal's text search configs."""
    with connection.cursor() as cursor:
        names = [name for name, _table, _column, _condition in STORED_VECTORS.indexes()]
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = ANY(%s)", [names])
        [indexes] = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_ts_config WHERE cfgname LIKE 'portal_%%'")
        [configs] = cursor.fetchone()
    return indexes, configs


def existing_database_search_made():
    """What themes/migrations/0002_search.py made on a database before search had its app."""
    with connection.schema_editor() as editor:
        SEARCH.create_search(None, editor)


def test_meetings_keep_their_themes_and_findings_through_the_layering_migrations():
    old = migrate_to(BEFORE)
    if connection.vendor == "postgresql":
        existing_database_search_made()
    cycle = old.get_model("events", "Cycle").objects.create(slug="cycle", name_fr="Cycle")
    start = dt.datetime(2025, 4, 15, 9, tzinfo=dt.UTC)
    meeting = old.get_model("events", "Event").objects.create(
        cycle=cycle, slug="ia-paix", title_fr="IA et paix", start=start, end=start
    )
    themes = old.get_model("themes", "Theme")
    ai, disarmament = (
        themes.objects.create(slug="ia", name_fr="IA"),
        themes.objects.create(slug="desarmement", name_fr="Désarmement"),
    )
    themes.objects.create(slug="sans-rencontre", name_fr="Sans rencontre")
    meeting.themes.set([ai, disarmament])
    old.get_model("themes", "Finding").objects.create(
        event=meeting, kind="risk", sector="both", title_fr="Un risque", text_fr="Texte"
    ).themes.set([ai])

    migrate_to(latest())

    event = Meeting.objects.get(slug="ia-paix")
    assert {theme.slug for theme in event.themes.all()} == {"ia", "desarmement"}
    assert [e.slug for e in Theme.objects.get(slug="ia").meetings.all()] == ["ia-paix"]
    assert not Theme.objects.get(slug="sans-rencontre").meetings.exists()
    [finding] = event.findings.all()
    assert (finding.title_fr, [t.slug for t in finding.themes.all()]) == ("Un risque", ["ia"])
    if connection.vendor == "postgresql":
        assert searched_objects() == (8, 2)


def test_renaming_event_and_programme_keeps_rows_links_and_staff_permissions():
    """Models renamed (events 0005), then their fields (events 0006, themes 0004)."""
    old = migrate_to([("events", "0004_themes_owned_by_themes"), ("themes", "0003_theme_events")])
    cycle = old.get_model("events", "Cycle").objects.create(slug="cycle", name_fr="Cycle")
    start = dt.datetime(2025, 4, 15, 9, tzinfo=dt.UTC)
    event = old.get_model("events", "Event").objects.create(
        cycle=cycle, slug="ia-paix", title_fr="IA et paix", start=start, end=start
    )
    project = old.get_model("events", "Programme").objects.create(slug="paix", name_fr="Paix")
    event.programmes.set([project])
    oif = old.get_model("events", "Organisation").objects.create(
        slug="oif", name_fr="OIF", kind="international"
    )
    old.get_model("events", "EventOrganiser").objects.create(event=event, organisation=oif)
    old.get_model("events", "Session").objects.create(
        event=event, title_fr="Ouverture", start=start, end=start + dt.timedelta(hours=1)
    )
    old.get_model("themes", "Finding").objects.create(
        event=event, kind="risk", sector="both", title_fr="Un risque", text_fr="Texte"
    )
    old.get_model("themes", "Theme").objects.create(slug="ia", name_fr="IA").events.set([event])
    editor = User.objects.create(username="editor", is_staff=True)
    editor.user_permissions.set([Permission.objects.get(codename="view_event")])

    migrate_to(latest())

    meeting = Meeting.objects.get(slug="ia-paix")
    assert [p.slug for p in meeting.strategic_projects.all()] == ["paix"]
    assert [o.slug for o in meeting.organisations.all()] == ["oif"]
    assert [o.organisation.slug for o in meeting.meeting_organisers.all()] == ["oif"]
    assert [s.title_fr for s in meeting.sessions.all()] == ["Ouverture"]
    assert [f.title_fr for f in meeting.findings.all()] == ["Un risque"]
    assert [t.slug for t in meeting.themes.all()] == ["ia"]
    assert User.objects.get(username="editor").has_perm("events.view_meeting")
    assert not Permission.objects.filter(codename__in=["view_event", "view_programme"]).exists()
