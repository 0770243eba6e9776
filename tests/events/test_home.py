"""The home page: the cycle's purpose, the next meeting, the latest findings and key figures
that count only real meetings already held."""

import datetime as dt

import pytest
from django.utils import timezone

from events import selectors
from events.models import Meeting
from tests.factories import FindingFactory, MeetingFactory, MeetingOrganiserFactory, ThemeFactory
from themes.models import Finding

pytestmark = pytest.mark.django_db


def in_days(days: int) -> dict:
    start = timezone.now() + dt.timedelta(days=days)
    return {"start": start, "end": start + dt.timedelta(hours=8)}


def figure(page: str, label: str) -> str:
    """The number shown under a key figure's label."""
    after = page[page.index(f"<dt>{label}</dt>") :]
    return after[after.index("<dd>") + 4 : after.index("</dd>")]


def test_meetings_held_are_past_published_real_meetings_only(client):
    MeetingFactory.create_batch(2, country="CH")
    MeetingFactory(**in_days(30), country="SN")  # upcoming
    MeetingFactory(is_example=True, country="FR")
    MeetingFactory(status=Meeting.Status.DRAFT, country="BE")
    MeetingFactory(status=Meeting.Status.CANCELLED, country="CA")

    page = client.get("/en/").text

    assert figure(page, "Meetings held") == "2"
    assert figure(page, "Host countries") == "1"


def test_participants_reported_as_more_than_a_number_show_as_over_the_total(client):
    MeetingFactory(reported_participants=80, reported_participants_is_minimum=True)
    MeetingFactory(reported_participants=20)
    MeetingFactory(reported_participants=500, is_example=True)
    MeetingFactory(reported_participants=300, **in_days(10))

    page = client.get("/en/").text

    assert figure(page, "Participants reported") == "over 100"


def test_participants_all_counted_exactly_show_as_a_plain_total(client):
    MeetingFactory(reported_participants=80)
    MeetingFactory(reported_participants=20)

    page = client.get("/en/").text

    assert figure(page, "Participants reported") == "100"


def test_a_meeting_held_without_a_reported_number_makes_the_total_a_floor():
    MeetingFactory(reported_participants=40)
    MeetingFactory(reported_participants=None)

    figures = selectors.key_figures()

    assert (figures.participants, figures.participants_is_minimum) == (40, True)


def test_findings_are_counted_by_kind_for_meetings_held_only():
    held = MeetingFactory()
    FindingFactory.create_batch(2, meeting=held, kind=Finding.Kind.RISK)
    FindingFactory(meeting=MeetingFactory(is_example=True), kind=Finding.Kind.RISK)

    figures = selectors.key_figures()

    assert figures.findings_by_kind == {"risk": 2}


def test_the_page_reads_purpose_then_next_meeting_then_findings_then_figures(client):
    MeetingFactory(title_en="Later one", **in_days(90))
    MeetingFactory(title_en="Soonest one", **in_days(20))
    FindingFactory(title_en="A featured finding", featured=True)

    page = client.get("/en/").text

    order = [
        page.index('id="intro-title"'),
        page.index("Next meeting"),
        page.index("Latest findings"),
        page.index("The cycle in figures"),
    ]
    assert order == sorted(order)
    assert page.index("Soonest one") < page.index("Later meetings") < page.index("Later one")
    assert "event-card--featured" in page[page.index("Next meeting") : page.index("Soonest one")]
    assert page.index("A featured finding") > page.index("Latest findings")


def test_no_upcoming_meeting_says_so(client):
    MeetingFactory()

    page = client.get("/fr/").text

    assert "Aucune rencontre n’est annoncée pour le moment." in page


def test_home_queries_stay_fixed_with_many_meetings(client, django_assert_max_num_queries):
    def build(count: int) -> None:
        for index in range(count):
            days = 10 + index if index % 2 else -10 - index
            meeting = MeetingOrganiserFactory(
                meeting__reported_participants=10,
                meeting__start=in_days(days)["start"],
                meeting__end=in_days(days)["end"],
            ).meeting
            meeting.themes.add(ThemeFactory())
            FindingFactory(meeting=meeting, featured=True, themes=[ThemeFactory()])

    build(4)
    with django_assert_max_num_queries(20) as few:
        client.get("/fr/")
    build(40)

    with django_assert_max_num_queries(len(few)):
        response = client.get("/fr/")

    assert response.context["figures"].meetings == 22
