import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from events.calendar import sessions_calendar
from events.models import Meeting
from tests.factories import MeetingFactory, SessionFactory, geneva

pytestmark = pytest.mark.django_db


def entries(response) -> list:
    return Calendar.from_ical(response.content).events


def soon(days: int, hour: int = 9) -> dt.datetime:
    """A Geneva time some days from now, for upcoming meetings."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return geneva(day.year, day.month, day.day, hour)


def test_meeting_file_has_one_entry_at_the_local_time_of_the_venue(client):
    MeetingFactory(
        slug="ia",
        title_fr="L’IA et la paix",
        start=geneva(2025, 4, 15, 9),
        end=geneva(2025, 4, 15, 18),
    )

    response = client.get("/fr/rencontres/ia/calendrier.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="ia.ics"'
    calendar = Calendar.from_ical(response.content)
    [entry] = calendar.events
    assert entry["summary"] == "L’IA et la paix"
    assert entry["dtstart"].params["TZID"] == "Europe/Zurich"
    assert entry["dtstart"].dt == geneva(2025, 4, 15, 9)
    assert entry["dtstart"].dt.hour == 9
    assert entry["dtend"].dt == geneva(2025, 4, 15, 18)
    assert [tz["tzid"] for tz in calendar.timezones] == ["Europe/Zurich"]
    assert entry["url"] == "http://testserver/fr/rencontres/ia/"
    assert entry["location"] == "Palais des Nations, Genève (Suisse)"
    assert entry["description"] == "Un résumé en français."
    assert entry["status"] == "CONFIRMED"


def test_multi_day_meeting_ends_on_its_last_day(client):
    MeetingFactory(slug="deux-jours", start=geneva(2025, 4, 15, 9), end=geneva(2025, 4, 16, 17))

    [entry] = entries(client.get("/fr/rencontres/deux-jours/calendrier.ics"))

    assert entry["dtstart"].dt == geneva(2025, 4, 15, 9)
    assert entry["dtend"].dt.date() == dt.date(2025, 4, 16)
    assert entry["dtend"].dt == geneva(2025, 4, 16, 17)


def test_meeting_in_another_time_zone_keeps_its_own(client):
    montreal = zoneinfo.ZoneInfo("America/Toronto")
    MeetingFactory(
        slug="montreal",
        timezone="America/Toronto",
        start=dt.datetime(2025, 6, 10, 9, tzinfo=montreal),
        end=dt.datetime(2025, 6, 10, 17, tzinfo=montreal),
    )

    response = client.get("/fr/rencontres/montreal/calendrier.ics")

    [entry] = entries(response)
    assert entry["dtstart"].params["TZID"] == "America/Toronto"
    assert (entry["dtstart"].dt.hour, entry["dtend"].dt.hour) == (9, 17)
    assert [tz["tzid"] for tz in Calendar.from_ical(response.content).timezones] == [
        "America/Toronto"
    ]


def test_meeting_recorded_without_hours_is_an_all_day_entry(client):
    MeetingFactory(
        slug="sans-heures",
        start=geneva(2025, 4, 15, 0),
        end=dt.datetime(2025, 4, 16, 23, 59, 59, tzinfo=zoneinfo.ZoneInfo("Europe/Zurich")),
    )

    [entry] = entries(client.get("/fr/rencontres/sans-heures/calendrier.ics"))

    assert entry["dtstart"].dt == dt.date(2025, 4, 15)
    # The end of an all-day entry is the day after its last day (RFC 5545).
    assert entry["dtend"].dt == dt.date(2025, 4, 17)


def test_meeting_file_follows_the_language_of_its_address(client):
    MeetingFactory(slug="ia", title_fr="L’IA et la paix", title_en="AI and peace")

    [entry] = entries(client.get("/en/meetings/ia/calendar.ics"))

    assert entry["summary"] == "AI and peace"
    assert entry["url"] == "http://testserver/en/meetings/ia/"
    assert entry["location"] == "Palais des Nations, Geneva (Switzerland)"
    assert entry["description"] == "A summary in English."
    assert entry["description"].params["LANGUAGE"] == "en"


def test_cancelled_meeting_is_cancelled_in_its_file(client):
    MeetingFactory(slug="annulee", title_en="AI and peace", status=Meeting.Status.CANCELLED)

    [entry] = entries(client.get("/en/meetings/annulee/calendar.ics"))

    assert entry["status"] == "CANCELLED"
    assert entry["summary"] == "Cancelled: AI and peace"


def test_session_file_has_the_session_times_and_room(client):
    meeting = MeetingFactory(slug="ia", title_fr="L’IA et la paix")
    session = SessionFactory(
        meeting=meeting,
        title_fr="Table ronde",
        room_fr="Salle XII",
        start=geneva(2025, 4, 15, 14, 30),
        end=geneva(2025, 4, 15, 16),
    )

    response = client.get(f"/fr/rencontres/ia/seances/{session.pk}/calendrier.ics")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="ia-seance-{session.pk}.ics"'
    )
    [entry] = entries(response)
    assert entry["summary"] == "Table ronde — L’IA et la paix"
    assert entry["dtstart"].params["TZID"] == "Europe/Zurich"
    assert entry["dtstart"].dt == geneva(2025, 4, 15, 14, 30)
    assert entry["dtend"].dt == geneva(2025, 4, 15, 16)
    assert entry["location"].startswith("Salle XII, Palais des Nations")
    assert entry["uid"] == f"session-{session.pk}@127.0.0.1"


def test_session_of_another_meeting_is_not_found(client):
    MeetingFactory(slug="ia")
    other = SessionFactory(meeting=MeetingFactory(slug="autre"))

    response = client.get(f"/fr/rencontres/ia/seances/{other.pk}/calendrier.ics")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/fr/rencontres/inconnue/calendrier.ics",
        "/fr/rencontres/brouillon/calendrier.ics",
        "/en/meetings/brouillon/calendar.ics",
    ],
)
def test_unknown_or_draft_meeting_has_no_file(client, path):
    MeetingFactory(slug="brouillon", status=Meeting.Status.DRAFT)

    response = client.get(path)

    assert response.status_code == 404


def test_session_of_a_draft_meeting_has_no_file(client):
    session = SessionFactory(meeting=MeetingFactory(slug="brouillon", status=Meeting.Status.DRAFT))

    response = client.get(f"/fr/rencontres/brouillon/seances/{session.pk}/calendrier.ics")

    assert response.status_code == 404


def test_upcoming_calendar_has_one_entry_per_upcoming_public_meeting(client):
    MeetingFactory(title_fr="Rencontre passée")
    first = MeetingFactory(title_fr="Prochaine rencontre", start=soon(10), end=soon(10, 17))
    cancelled = MeetingFactory(
        title_fr="Rencontre annulée",
        start=soon(20),
        end=soon(21, 17),
        status=Meeting.Status.CANCELLED,
    )
    MeetingFactory(title_fr="Rencontre en préparation", start=soon(5), status=Meeting.Status.DRAFT)

    response = client.get("/fr/rencontres/calendrier.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'inline; filename="rencontres.ics"'
    calendar = Calendar.from_ical(response.content)
    assert calendar["x-wr-calname"] == "Rencontres sur la paix, la stabilité et le désarmement"
    assert [entry["uid"] for entry in calendar.events] == [
        f"event-{first.pk}@127.0.0.1",
        f"event-{cancelled.pk}@127.0.0.1",
    ]
    assert [entry["status"] for entry in calendar.events] == ["CONFIRMED", "CANCELLED"]
    assert calendar.events[1]["dtend"].dt == soon(21, 17)


def test_upcoming_calendar_name_follows_the_language(client):
    MeetingFactory(title_en="Next meeting", start=soon(10), end=soon(10, 17))

    calendar = Calendar.from_ical(client.get("/en/meetings/calendar.ics").content)

    assert calendar["x-wr-calname"] == "Meetings on peace, stability and disarmament"
    assert [entry["summary"] for entry in calendar.events] == ["Next meeting"]


def test_upcoming_calendar_queries_do_not_grow_with_the_number_of_meetings(
    client, django_assert_max_num_queries
):
    for index in range(3):
        MeetingFactory(start=soon(index + 1), end=soon(index + 1, 17))

    with django_assert_max_num_queries(1) as small_queries:
        client.get("/fr/rencontres/calendrier.ics")
    for index in range(27):
        MeetingFactory(start=soon(index + 5), end=soon(index + 5, 17))
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get("/fr/rencontres/calendrier.ics")

    assert len(entries(response)) == 30


def test_e_mail_calendar_and_session_file_share_the_session_uid(client):
    meeting = MeetingFactory(slug="ia")
    first = SessionFactory(meeting=meeting, start=geneva(2025, 4, 15, 9))
    second = SessionFactory(meeting=meeting, start=geneva(2025, 4, 15, 14))

    attached = Calendar.from_ical(sessions_calendar(meeting=meeting, sessions=[first, second]))
    downloaded = entries(client.get(f"/fr/rencontres/ia/seances/{second.pk}/calendrier.ics"))

    assert [entry["dtstart"].dt.hour for entry in attached.events] == [9, 14]
    assert attached.events[1]["uid"] == downloaded[0]["uid"]


def test_zone_with_utcs_offset_is_still_named_in_the_file(client):
    dakar = zoneinfo.ZoneInfo("Africa/Dakar")
    MeetingFactory(
        slug="dakar",
        timezone="Africa/Dakar",
        start=dt.datetime(2026, 3, 10, 9, 30, tzinfo=dakar),
        end=dt.datetime(2026, 3, 10, 17, 0, tzinfo=dakar),
    )

    response = client.get("/fr/rencontres/dakar/calendrier.ics")

    assert b"DTSTART;TZID=Africa/Dakar:20260310T093000" in response.content
    assert b"DTEND;TZID=Africa/Dakar:20260310T170000" in response.content
    assert [tz["tzid"] for tz in Calendar.from_ical(response.content).timezones] == ["Africa/Dakar"]
