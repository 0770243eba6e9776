import pytest
from django.apps import apps
from django.core.management import call_command

from events.models import Event
from themes.models import Finding

pytestmark = pytest.mark.django_db

COUNTED = [
    "events.Cycle",
    "events.Organisation",
    "events.Programme",
    "events.Event",
    "events.EventOrganiser",
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


def test_load_demo_twice_gives_the_same_rows():
    call_command("load_demo")
    first = row_counts()

    call_command("load_demo")

    assert row_counts() == first
    assert first["events.Event"] == 2


def test_demo_holds_the_meeting_of_15_april_2025_and_its_findings():
    call_command("load_demo")

    meeting = Event.objects.get(is_example=False)
    organisers = {
        o.organisation.acronym_fr or o.organisation.name_fr for o in meeting.event_organisers.all()
    }
    kinds = set(meeting.findings.values_list("kind", flat=True))

    assert meeting.local_start.date().isoformat() == "2025-04-15"
    assert meeting.city_fr == "Genève"
    assert meeting.reported_participants == 80 and meeting.reported_participants_is_minimum
    assert {"OIF", "UNIDIR"} <= organisers and len(organisers) == 3
    assert meeting.programmes.count() == 2
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
    meeting = Event.objects.get(is_example=False)
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

    example = Event.objects.get(is_example=True)

    assert example.is_upcoming
    assert example.sessions.filter(capacity__isnull=False).count() >= 3
    assert example.title_fr.startswith("Exemple fictif")
