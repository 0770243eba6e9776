"""Times are the meeting's local times everywhere: typed, shown, e-mailed and exported.

Staff type times in the admin as a browser sends them; what they typed must come back
in the admin, on the meeting page, in the .ics files, the CSV and JSON exports and the
e-mails, whatever the zone of the site (Europe/Zurich).
"""

import csv
import datetime as dt
import io
import json
import re
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Meeting, Session
from tests.factories import CycleFactory, MeetingFactory, SessionFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
DAKAR = zoneinfo.ZoneInfo("Africa/Dakar")
MONTREAL = zoneinfo.ZoneInfo("America/Montreal")
SAIGON = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")


def fr_time(hour: int, minute: int) -> str:
    """A time as the French pages write it: « 9 h 30 », with no-break spaces."""
    return f"{hour}\u00a0h\u00a0{minute:02}"


class FormReader(HTMLParser):
    """What a browser submits from the page's main form, before anyone types anything."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.multiple = False
        self.textarea: str | None = None

    def add(self, name: str, value: str) -> None:
        if "__prefix__" not in name:  # the inlines' templates for new rows
            self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.add(name, attrs.get("value", "on" if kind in {"checkbox", "radio"} else ""))
        elif tag == "select" and name:
            self.select, self.select_first, self.select_chosen = name, None, False
            self.multiple = "multiple" in attrs
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in attrs:
                self.add(self.select, value)
                self.select_chosen = True
        elif tag == "textarea" and name and "__prefix__" not in name:
            self.textarea = name
            self.add(name, "")

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            if not self.select_chosen and not self.multiple and self.select_first is not None:
                self.add(self.select, self.select_first)
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def form_of(response) -> dict:
    reader = FormReader()
    reader.feed(response.text)
    return {name: v[0] if len(v) == 1 else v for name, v in reader.values.items()}


def day(value: dt.date) -> str:
    """A date as staff type it in the French admin."""
    return value.strftime("%d/%m/%Y")


def times(prefix: str, start: dt.datetime, end: dt.datetime) -> dict:
    """Start and end fields as staff type them: naive, the wall clock of the venue."""
    return {
        f"{prefix}start_0": day(start),
        f"{prefix}start_1": start.strftime("%H:%M"),
        f"{prefix}end_0": day(end),
        f"{prefix}end_1": end.strftime("%H:%M"),
    }


def new_session_row(index: int, title: str, start: dt.datetime, end: dt.datetime) -> dict:
    prefix = f"sessions-{index}-"
    return {
        f"{prefix}title_fr": title,
        f"{prefix}order": str(index),
        f"{prefix}registration_open": "on",
        **times(prefix, start, end),
    }


def add_meeting(client, *, zone: str, start, end, sessions=(), **fields):
    """Fill in the meeting add form as staff do, with its sessions inline, and save."""
    data = form_of(client.get(reverse("admin:events_meeting_add")))
    data |= {
        "cycle": str(CycleFactory().pk),
        "title_fr": "Rencontre de terrain",
        "slug": "terrain",
        "status": Meeting.Status.PUBLISHED,
        "timezone": zone,
        **times("", start, end),
        "sessions-TOTAL_FORMS": str(len(sessions)),
        **fields,
    }
    for index, (title, session_start, session_end) in enumerate(sessions):
        data |= new_session_row(index, title, session_start, session_end)
    return client.post(reverse("admin:events_meeting_add"), data)


def change_page(client, meeting):
    return client.get(reverse("admin:events_meeting_change", args=[meeting.pk]))


def shown_times(response, prefix: str = "") -> tuple[str, str]:
    """The date and time a change form shows in a start field."""
    data = form_of(response)
    return data[f"{prefix}start_0"], data[f"{prefix}start_1"]


def ics_starts(content: bytes) -> list[str]:
    """DTSTART lines of an iCalendar file, unfolded."""
    text = content.decode().replace("\r\n ", "")
    return re.findall(r"^DTSTART;[^\r\n]*", text, flags=re.M)


def csv_record(response) -> dict:
    [record] = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return record


# Africa/Dakar: UTC+0 all year, one hour behind Geneva in winter.


def test_dakar_meeting_typed_in_the_admin_is_stored_and_shown_in_dakar_time(staff_client):
    response = add_meeting(
        staff_client,
        zone="Africa/Dakar",
        start=dt.datetime(2026, 3, 10, 9, 30),
        end=dt.datetime(2026, 3, 10, 17, 0),
        sessions=[("Ouverture", dt.datetime(2026, 3, 10, 9, 30), dt.datetime(2026, 3, 10, 12, 30))],
    )

    assert response.status_code == 302, response.context["errors"]
    meeting = Meeting.objects.get(slug="terrain")
    session = meeting.sessions.get()
    assert meeting.timezone == "Africa/Dakar"
    assert meeting.start == dt.datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    assert (session.start, session.end) == (
        dt.datetime(2026, 3, 10, 9, 30, tzinfo=UTC),
        dt.datetime(2026, 3, 10, 12, 30, tzinfo=UTC),
    )
    change = change_page(staff_client, meeting)
    assert shown_times(change) == ("10/03/2026", "09:30:00")
    assert shown_times(change, "sessions-0-") == ("10/03/2026", "09:30:00")
    assert form_of(change)["sessions-0-end_1"] == "12:30:00"


def test_dakar_times_typed_are_what_lists_pages_exports_and_calendars_show(staff_client, client):
    add_meeting(
        staff_client,
        zone="Africa/Dakar",
        start=dt.datetime(2026, 3, 10, 9, 30),
        end=dt.datetime(2026, 3, 10, 17, 0),
        sessions=[("Ouverture", dt.datetime(2026, 3, 10, 9, 30), dt.datetime(2026, 3, 10, 12, 30))],
    )
    session = Session.objects.get()

    meetings = staff_client.get(reverse("admin:events_meeting_changelist"))
    sessions = staff_client.get(reverse("admin:events_session_changelist"))
    page = client.get("/fr/rencontres/terrain/")
    meeting_ics = client.get("/fr/rencontres/terrain/calendrier.ics")
    session_ics = client.get(f"/fr/rencontres/terrain/seances/{session.pk}/calendrier.ics")
    as_csv = csv_record(client.get("/fr/rencontres/export.csv"))
    [as_json] = json.loads(client.get("/en/meetings/export.json").content)["results"]

    assert f"10/03/2026 {fr_time(9, 30)} (Africa/Dakar)" in meetings.text
    assert f"10 mars 2026, {fr_time(9, 30)} (Africa/Dakar)" in sessions.text
    assert f"10 mars 2026, {fr_time(12, 30)}" in sessions.text
    assert fr_time(8, 30) not in meetings.text + sessions.text
    assert f'<time datetime="2026-03-10T09:30:00+00:00">{fr_time(9, 30)}</time>' in page.text
    assert f'<time datetime="2026-03-10T12:30:00+00:00">{fr_time(12, 30)}</time>' in page.text
    assert re.search(r'<p class="programme__zone">[^<]*\(Africa/Dakar\)\.</p>', page.text)
    assert ics_starts(meeting_ics.content) == ["DTSTART;TZID=Africa/Dakar:20260310T093000"]
    assert ics_starts(session_ics.content) == ["DTSTART;TZID=Africa/Dakar:20260310T093000"]
    assert b"TZID:Africa/Dakar" in session_ics.content
    assert (as_csv["start"], as_csv["end"], as_csv["timezone"]) == (
        "2026-03-10T09:30:00+00:00",
        "2026-03-10T17:00:00+00:00",
        "Africa/Dakar",
    )
    assert as_json["start"] == "2026-03-10T09:30:00+00:00"


def test_registration_email_gives_the_session_times_staff_typed(
    staff_client, client, mailoutbox, django_capture_on_commit_callbacks
):
    day_of = timezone.localdate() + dt.timedelta(days=40)
    opening = dt.datetime.combine(day_of, dt.time(9, 30))
    add_meeting(
        staff_client,
        zone="Africa/Dakar",
        start=opening,
        end=opening + dt.timedelta(hours=8),
        sessions=[("Ouverture", opening, opening + dt.timedelta(hours=3))],
        registration_mode=Meeting.RegistrationMode.OPEN,
    )
    session = Session.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/fr/inscription/terrain/",
            {
                "sessions": [session.pk],
                "first_name": "Awa",
                "last_name": "Diop",
                "email": "awa@example.org",
                "category": "state",
                "country": "SN",
                "language": "fr",
                "consent": "on",
                "website": "",
            },
        )

    assert response.status_code == 302
    [message] = mailoutbox
    assert f"{fr_time(9, 30)} – {fr_time(12, 30)}" in message.body
    assert f"{fr_time(9, 30)}</time>" in message.alternatives[0][0]


# America/Montreal: a meeting across the end of daylight saving time (1 November 2026).


def test_montreal_sessions_on_both_sides_of_the_clock_change_keep_their_typed_times(
    staff_client, client
):
    response = add_meeting(
        staff_client,
        zone="America/Montreal",
        start=dt.datetime(2026, 10, 31, 9, 0),
        end=dt.datetime(2026, 11, 2, 17, 0),
        sessions=[
            (
                "Avant le changement d’heure",
                dt.datetime(2026, 10, 31, 9),
                dt.datetime(2026, 10, 31, 11),
            ),
            (
                "Après le changement d’heure",
                dt.datetime(2026, 11, 2, 9),
                dt.datetime(2026, 11, 2, 11),
            ),
        ],
    )

    assert response.status_code == 302, response.context["errors"]
    before, after = Session.objects.order_by("start")
    assert before.start == dt.datetime(2026, 10, 31, 13, 0, tzinfo=UTC)  # EDT, UTC−4
    assert after.start == dt.datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # EST, UTC−5
    change = change_page(staff_client, before.meeting)
    assert shown_times(change, "sessions-0-") == ("31/10/2026", "09:00:00")
    assert shown_times(change, "sessions-1-") == ("02/11/2026", "09:00:00")
    page = client.get("/fr/rencontres/terrain/")
    assert (
        f'<time datetime="2026-10-31T09:00:00-04:00">31 octobre 2026, {fr_time(9, 0)}</time>'
        in page.text
    )
    assert (
        f'<time datetime="2026-11-02T09:00:00-05:00">2 novembre 2026, {fr_time(9, 0)}</time>'
        in page.text
    )
    calendar = client.get(f"/fr/rencontres/terrain/seances/{after.pk}/calendrier.ics")
    assert ics_starts(calendar.content) == ["DTSTART;TZID=America/Montreal:20261102T090000"]


def test_time_repeated_by_the_clock_change_gets_a_form_error(staff_client):
    response = add_meeting(
        staff_client,
        zone="America/Montreal",
        start=dt.datetime(2026, 10, 31, 9, 0),
        end=dt.datetime(2026, 11, 2, 17, 0),
        sessions=[("Ambiguë", dt.datetime(2026, 11, 1, 1, 30), dt.datetime(2026, 11, 1, 3))],
    )

    assert response.status_code == 200
    errors = re.search(r'id="id_sessions-0-start_error">(.*?)</ul>', response.text).group(1)
    assert "2026-11-01 01:30:00" in errors
    assert "America/Montreal" in errors
    assert not Meeting.objects.exists()


# Asia/Ho_Chi_Minh: UTC+7, the morning there is still the day before in UTC.


def test_session_added_on_its_own_is_typed_in_its_meetings_zone(staff_client, client):
    meeting = MeetingFactory(
        slug="hanoi",
        timezone="Asia/Ho_Chi_Minh",
        start=dt.datetime(2026, 6, 10, 6, 30, tzinfo=SAIGON),
        end=dt.datetime(2026, 6, 10, 18, 0, tzinfo=SAIGON),
    )
    data = form_of(staff_client.get(reverse("admin:events_session_add")))
    data |= {
        "meeting": str(meeting.pk),
        "title_fr": "Petit-déjeuner de travail",
        **times("", dt.datetime(2026, 6, 10, 6, 30), dt.datetime(2026, 6, 10, 8, 0)),
    }

    response = staff_client.post(reverse("admin:events_session_add"), data)

    assert response.status_code == 302, response.context["errors"]
    session = Session.objects.get()
    assert session.start == dt.datetime(2026, 6, 9, 23, 30, tzinfo=UTC)
    change = staff_client.get(reverse("admin:events_session_change", args=[session.pk]))
    assert shown_times(change) == ("10/06/2026", "06:30:00")
    assert "Asia/Ho_Chi_Minh." in change.text  # the help text names the zone
    listing = staff_client.get(reverse("admin:events_session_changelist"))
    assert f"10 juin 2026, {fr_time(6, 30)} (Asia/Ho_Chi_Minh)" in listing.text
    page = client.get("/fr/rencontres/hanoi/")
    assert f'<time datetime="2026-06-10T06:30:00+07:00">{fr_time(6, 30)}</time>' in page.text
    as_csv = csv_record(client.get("/fr/rencontres/export.csv"))
    assert as_csv["start"] == "2026-06-10T06:30:00+07:00"


def test_session_change_form_reads_and_parses_in_the_meetings_zone(staff_client):
    session = SessionFactory(
        meeting__timezone="Asia/Ho_Chi_Minh",
        meeting__start=dt.datetime(2026, 6, 10, 6, 0, tzinfo=SAIGON),
        meeting__end=dt.datetime(2026, 6, 10, 18, 0, tzinfo=SAIGON),
        start=dt.datetime(2026, 6, 10, 7, 0, tzinfo=SAIGON),
        end=dt.datetime(2026, 6, 10, 8, 0, tzinfo=SAIGON),
    )
    url = reverse("admin:events_session_change", args=[session.pk])
    data = form_of(staff_client.get(url)) | {"end_1": "09:15"}

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    session.refresh_from_db()
    assert session.start == dt.datetime(2026, 6, 10, 7, 0, tzinfo=SAIGON)
    assert session.end == dt.datetime(2026, 6, 10, 9, 15, tzinfo=SAIGON)


# A zone corrected after sessions exist: the wall-clock times stay, the instants move.


def test_correcting_the_zone_keeps_the_times_staff_typed_for_the_meeting_and_sessions(
    staff_client, client
):
    meeting = MeetingFactory(
        slug="dakar",
        timezone="Europe/Zurich",
        start=dt.datetime(2026, 3, 10, 9, 30, tzinfo=ZURICH),
        end=dt.datetime(2026, 3, 11, 17, 0, tzinfo=ZURICH),
    )
    first = SessionFactory(
        meeting=meeting,
        start=dt.datetime(2026, 3, 10, 9, 30, tzinfo=ZURICH),
        end=dt.datetime(2026, 3, 10, 12, 30, tzinfo=ZURICH),
    )
    second = SessionFactory(
        meeting=meeting,
        start=dt.datetime(2026, 3, 11, 14, 0, tzinfo=ZURICH),
        end=dt.datetime(2026, 3, 11, 16, 0, tzinfo=ZURICH),
    )
    data = form_of(change_page(staff_client, meeting)) | {"timezone": "Africa/Dakar"}

    response = staff_client.post(reverse("admin:events_meeting_change", args=[meeting.pk]), data)

    assert response.status_code == 302, response.context["errors"]
    meeting.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert meeting.start == dt.datetime(2026, 3, 10, 9, 30, tzinfo=DAKAR)
    assert meeting.end == dt.datetime(2026, 3, 11, 17, 0, tzinfo=DAKAR)
    assert first.start == dt.datetime(2026, 3, 10, 9, 30, tzinfo=DAKAR)
    assert first.end == dt.datetime(2026, 3, 10, 12, 30, tzinfo=DAKAR)
    assert second.start == dt.datetime(2026, 3, 11, 14, 0, tzinfo=DAKAR)
    assert shown_times(change_page(staff_client, meeting), "sessions-1-") == (
        "11/03/2026",
        "14:00:00",
    )
    page = client.get("/fr/rencontres/dakar/")
    assert '<time datetime="2026-03-10T09:30:00+00:00">' in page.text


def test_zone_change_moves_sessions_not_resubmitted_with_the_meeting(staff_client):
    meeting = MeetingFactory(
        timezone="Europe/Zurich",
        start=dt.datetime(2026, 3, 10, 9, 0, tzinfo=ZURICH),
        end=dt.datetime(2026, 3, 10, 18, 0, tzinfo=ZURICH),
    )
    SessionFactory(
        meeting=meeting,
        start=dt.datetime(2026, 3, 10, 9, 30, tzinfo=ZURICH),
        end=dt.datetime(2026, 3, 10, 10, 30, tzinfo=ZURICH),
    )
    data = form_of(change_page(staff_client, meeting)) | {"timezone": "Asia/Ho_Chi_Minh"}
    # The session's row left out of the submission, as a page saved without its inline would.
    data = {name: value for name, value in data.items() if not name.startswith("sessions-")}
    data |= {"sessions-TOTAL_FORMS": "0", "sessions-INITIAL_FORMS": "0"}

    response = staff_client.post(reverse("admin:events_meeting_change", args=[meeting.pk]), data)

    assert response.status_code == 302, response.context["errors"]
    session = Session.objects.get()
    assert session.start == dt.datetime(2026, 3, 10, 9, 30, tzinfo=SAIGON)
    assert session.local_start.strftime("%H:%M") == "09:30"


def test_saving_a_meeting_without_changing_its_zone_moves_nothing(staff_client):
    meeting = MeetingFactory(
        timezone="Africa/Dakar",
        start=dt.datetime(2026, 3, 10, 9, 0, tzinfo=DAKAR),
        end=dt.datetime(2026, 3, 10, 18, 0, tzinfo=DAKAR),
    )
    session = SessionFactory(
        meeting=meeting,
        start=dt.datetime(2026, 3, 10, 9, 30, tzinfo=DAKAR),
        end=dt.datetime(2026, 3, 10, 10, 30, tzinfo=DAKAR),
    )
    data = form_of(change_page(staff_client, meeting))

    response = staff_client.post(reverse("admin:events_meeting_change", args=[meeting.pk]), data)

    assert response.status_code == 302, response.context["errors"]
    session.refresh_from_db()
    meeting.refresh_from_db()
    assert session.start == dt.datetime(2026, 3, 10, 9, 30, tzinfo=DAKAR)
    assert meeting.start == dt.datetime(2026, 3, 10, 9, 0, tzinfo=DAKAR)


# The zone is chosen from the IANA list.


def test_add_form_offers_iana_zones_with_geneva_chosen(staff_client):
    response = staff_client.get(reverse("admin:events_meeting_add"))

    assert form_of(response)["timezone"] == "Europe/Zurich"
    assert '<option value="Africa/Dakar">Africa/Dakar</option>' in response.text
    assert '<option value="Asia/Ho_Chi_Minh">Asia/Ho Chi Minh</option>' in response.text


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", ""])
def test_unknown_zone_gets_a_form_error_and_nothing_is_stored(staff_client, zone):
    response = add_meeting(
        staff_client,
        zone=zone,
        start=dt.datetime(2026, 3, 10, 9, 30),
        end=dt.datetime(2026, 3, 10, 17, 0),
        sessions=[("Ouverture", dt.datetime(2026, 3, 10, 9, 30), dt.datetime(2026, 3, 10, 12, 30))],
    )

    assert response.status_code == 200
    assert "timezone" in response.context["adminform"].form.errors
    assert not Meeting.objects.exists()
