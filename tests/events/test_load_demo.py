import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import translation

from events.models import Meeting, Session, Speaker
from tests.factories import FindingFactory, SessionFactory, SpeakerFactory
from themes.demo import CYCLE_RECORDS, data_read
from themes.management.commands.load_demo import EXAMPLE_SLUG, MEETING_SLUG, Command
from themes.models import Finding

pytestmark = pytest.mark.django_db

COUNTED = [
    "events.Cycle",
    "events.Organisation",
    "events.StrategicProject",
    "events.Meeting",
    "events.MeetingOrganiser",
    "events.Session",
    "events.Speaker",
    "events.SessionSpeaker",
    "themes.Theme",
    "themes.Finding",
]


def row_counts() -> dict[str, int]:
    counts = {label: apps.get_model(label).objects.count() for label in COUNTED}
    counts["finding themes"] = Finding.themes.through.objects.count()
    return counts


def load_demo(*args: str) -> str:
    """Run the command; its output in English."""
    out = StringIO()
    with translation.override("en"):
        call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_load_demo_twice_gives_the_same_rows():
    load_demo()
    first = row_counts()

    load_demo()

    assert row_counts() == first
    assert first["events.Meeting"] == 2


def test_first_load_says_what_it_created_and_the_second_what_it_left_alone():
    first = load_demo()

    second = load_demo()

    assert "Created: 9 themes, 1 meeting cycle, 2 strategic projects" in first
    assert "2 meetings" in first and "4 sessions" in first and "4 speakers" in first
    assert "Left as they were" not in first
    assert "Created nothing" in second
    assert "Left as they were: 2 meetings." in second


def test_staff_edits_of_the_real_meeting_and_of_a_finding_survive_a_second_load():
    load_demo()
    meeting = Meeting.objects.get(slug=MEETING_SLUG)
    Meeting.objects.filter(pk=meeting.pk).update(
        title_fr="Titre revu par l’équipe", status=Meeting.Status.DRAFT
    )
    finding = meeting.findings.get(kind="risk", order=0)
    Finding.objects.filter(pk=finding.pk).update(text_en="Wording checked by staff.")

    load_demo()

    meeting.refresh_from_db()
    finding.refresh_from_db()
    assert meeting.title_fr == "Titre revu par l’équipe"
    assert meeting.status == Meeting.Status.DRAFT
    assert finding.text_en == "Wording checked by staff."


def test_an_unpublished_example_stays_unpublished_and_keeps_its_dates():
    load_demo()
    example = Meeting.objects.get(slug=EXAMPLE_SLUG)
    moved = example.start - dt.timedelta(days=30)
    Meeting.objects.filter(pk=example.pk).update(
        status=Meeting.Status.DRAFT, start=moved, end=moved + dt.timedelta(hours=8)
    )

    load_demo()

    example.refresh_from_db()
    assert example.status == Meeting.Status.DRAFT
    assert example.start == moved


def test_a_finding_staff_added_with_the_key_of_a_demo_finding_does_not_crash_it():
    load_demo()
    meeting = Meeting.objects.get(slug=MEETING_SLUG)
    added = FindingFactory(meeting=meeting, kind="risk", order=0, title_en="Added by staff")

    load_demo()
    load_demo("--reset")

    added.refresh_from_db()
    assert added.title_en == "Added by staff"
    assert meeting.findings.filter(kind="risk", order=0).count() == 2


def test_sessions_and_speakers_staff_added_to_the_example_do_not_crash_a_reset():
    load_demo()
    example = Meeting.objects.get(slug=EXAMPLE_SLUG)
    added = SessionFactory(meeting=example, order=0, title_en="Added by staff")
    SpeakerFactory(name="Intervenante exemple A")

    load_demo("--reset")

    added.refresh_from_db()
    assert added.title_en == "Added by staff"
    assert Session.objects.filter(meeting=example).count() == 5
    assert Speaker.objects.filter(name="Intervenante exemple A").count() == 2


def test_a_demo_finding_staff_deleted_stays_deleted():
    load_demo()
    meeting = Meeting.objects.get(slug=MEETING_SLUG)
    count = meeting.findings.count()
    meeting.findings.get(kind="risk", order=0).delete()

    load_demo()

    assert meeting.findings.count() == count - 1
    assert not meeting.findings.filter(kind="risk", order=0).exists()


def test_a_demo_meeting_staff_deleted_is_created_again_with_its_findings():
    load_demo()
    meeting = Meeting.objects.get(slug=MEETING_SLUG)
    count = meeting.findings.count()
    meeting.delete()

    output = load_demo()

    assert Meeting.objects.get(slug=MEETING_SLUG).findings.count() == count
    assert f"Created: 1 meeting, 3 organisers, {count} findings, 1 addressee." in output
    assert "Left as they were: 1 meeting, 9 themes" in output


def test_reset_restores_the_shipped_texts_status_and_deleted_rows():
    load_demo()
    meeting = Meeting.objects.get(slug=MEETING_SLUG)
    Meeting.objects.filter(pk=meeting.pk).update(title_en="Edited", status=Meeting.Status.DRAFT)
    Meeting.objects.filter(slug=EXAMPLE_SLUG).update(status=Meeting.Status.CANCELLED)
    count = meeting.findings.count()
    finding = meeting.findings.get(kind="opportunity", order=0)
    shipped = finding.title_en
    Finding.objects.filter(pk=finding.pk).update(title_en="Edited")
    meeting.findings.get(kind="risk", order=0).delete()

    output = load_demo("--reset")

    meeting.refresh_from_db()
    finding.refresh_from_db()
    assert meeting.title_en == data_read(CYCLE_RECORDS)["meetings"][0]["title"]["en"]
    assert meeting.status == Meeting.Status.PUBLISHED
    assert Meeting.objects.get(slug=EXAMPLE_SLUG).status == Meeting.Status.PUBLISHED
    assert finding.title_en == shipped
    assert meeting.findings.count() == count
    assert "Created: 1 finding." in output
    assert "Restored to their shipped content: 9 themes" in output


def test_help_names_the_reset_option():
    with translation.override("en"):
        text = Command().create_parser("manage.py", "load_demo").format_help()

    assert "--reset" in text
    assert "never changes, republishes or deletes" in " ".join(text.split())


def test_demo_holds_the_meeting_of_15_april_2025_and_its_findings():
    call_command("load_demo")

    meeting = Meeting.objects.get(is_example=False)
    organisers = {
        o.organisation.acronym_fr or o.organisation.name_fr
        for o in meeting.meeting_organisers.all()
    }
    kinds = set(meeting.findings.values_list("kind", flat=True))

    assert meeting.local_start.date().isoformat() == "2025-04-15"
    assert meeting.city_fr == "Genève"
    assert meeting.reported_participants == 80 and meeting.reported_participants_is_minimum
    assert {"OIF", "UNIDIR"} <= organisers and len(organisers) == 3
    assert meeting.strategic_projects.count() == 2
    assert kinds == {"opportunity", "risk", "recommendation"}
    assert not meeting.sessions.exists()
    assert all(f.title_en and f.title_fr for f in meeting.findings.all())


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("fr", ["Opportunités", "Risques", "Recommandations"]),
        ("en", ["Opportunities", "Risks", "Recommendations"]),
    ],
)
def test_demo_meeting_page_lists_its_findings_in_each_language(client, language, headings):
    call_command("load_demo")
    meeting = Meeting.objects.get(is_example=False)
    finding = meeting.findings.filter(kind="risk").first()

    response = client.get(
        f"/{language}/{'rencontres' if language == 'fr' else 'meetings'}/{meeting.slug}/"
    )

    assert response.status_code == 200
    for heading in headings:
        assert heading in response.text
    assert getattr(finding, f"title_{language}") in response.text


def test_demo_example_meeting_is_upcoming_with_sessions_and_capacities():
    call_command("load_demo")

    example = Meeting.objects.get(is_example=True)

    assert example.is_upcoming
    assert example.sessions.filter(capacity__isnull=False).count() >= 3
    assert example.title_fr.startswith("Exemple fictif")
