"""Online and hybrid meetings, staff side: the private fields of the admin pages, and the box
that tells the confirmed participants a new link, once, each in their language."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Meeting
from participants import online
from participants.groups import CONTENT_EDITORS, REGISTRATION_MANAGERS
from participants.models import Delivery, Registration
from tests.factories import MeetingFactory, RegistrationFactory, SessionFactory, StaffFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
LINK = "https://visio.example.net/j/4455-atelier"
OTHER_LINK = "https://visio.example.net/j/9911-nouveau"


class FormReader(HTMLParser):
    """What a browser submits from the admin's change form, unchanged: its inputs, selects
    and text areas (the inlines' empty templates left out)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._option = None
        self._textarea = None

    def add(self, name, value):
        if name and "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.add(attrs.get("name"), attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select:
            if "selected" in attrs:
                self.add(self._select, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.add(self._textarea, "")

    def handle_data(self, data):
        if self._textarea and self._textarea in self.data:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def change_form(client, url, **changes) -> dict:
    """The change form's data as shown, with these changes (None removes a field)."""
    response = client.get(url)
    assert response.status_code == 200
    reader = FormReader()
    reader.feed(response.text)
    data = {name: values if len(values) > 1 else values[0] for name, values in reader.data.items()}
    data.pop("_saveasnew", None)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def save(client, url, **changes):
    response = client.post(url, change_form(client, url, **changes))
    assert response.status_code == 302, response.context and response.context.get("errors")
    return response


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def meeting(db):
    start = (timezone.now() + dt.timedelta(days=20)).replace(microsecond=0)
    return MeetingFactory(
        start=start,
        end=start + dt.timedelta(hours=8),
        format=Meeting.Format.HYBRID,
        online_url=LINK,
        online_passcode="old-pass",
    )


@pytest.fixture
def people(meeting):
    """Two confirmed participants (one French, one English), a waitlisted one, a cancelled
    one, and a confirmed one whose session has its own link."""
    plenary = SessionFactory(meeting=meeting, title_fr="Plénière", title_en="Plenary")
    side = SessionFactory(
        meeting=meeting, online_url="https://visio.example.net/j/side", online_passcode="s1"
    )
    return {
        "fr": RegistrationFactory(
            session=plenary, status=Status.CONFIRMED, participant__language="fr"
        ),
        "en": RegistrationFactory(
            session=plenary, status=Status.CONFIRMED, participant__language="en"
        ),
        "waitlisted": RegistrationFactory(session=plenary, status=Status.WAITLISTED),
        "cancelled": RegistrationFactory(session=plenary, status=Status.CANCELLED),
        "side": RegistrationFactory(session=side, status=Status.CONFIRMED),
    }


def english(name, *args) -> str:
    """Admin pages in English: the French catalogue is merged after these tests are written."""
    with translation.override("en"):
        return reverse(name, args=args)


def meeting_url(meeting):
    return english("admin:events_meeting_change", meeting.pk)


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def test_meeting_form_groups_the_private_fields_and_says_they_are_private(staff_client, meeting):
    response = staff_client.get(meeting_url(meeting))

    fieldsets = {
        str(fieldset.name): [
            name for line in fieldset for field in line for name in [field.field.name]
        ]
        for fieldset in response.context["adminform"]
    }
    private = fieldsets["For confirmed participants (private)"]
    assert private == [
        "practical_information_fr",
        "practical_information_en",
        "online_url",
        "online_passcode",
        "notify_online",
    ]
    assert "interpretation_languages_fr" in fieldsets["When and where"]
    assert "reminder_days" in fieldsets["Participation"]
    assert "never shown on the public site" in response.text


def test_new_meeting_form_has_the_private_fields_but_nobody_to_tell(staff_client):
    response = staff_client.get(english("admin:events_meeting_add"))

    form = response.context["adminform"].form
    assert "online_url" in form.fields
    assert "notify_online" not in response.text


def test_session_page_and_inline_have_the_session_link(staff_client, people):
    session = people["side"].session

    session_page = staff_client.get(english("admin:events_session_change", session.pk))
    meeting_page = staff_client.get(meeting_url(session.meeting))

    assert 'name="online_url"' in session_page.text
    assert 'name="notify_online"' in session_page.text
    assert 'name="sessions-0-online_url"' in meeting_page.text
    assert "https://visio.example.net/j/side" in meeting_page.text


def test_ticked_new_link_goes_to_each_confirmed_participant_in_their_language(
    staff_client, meeting, people, captured, mailoutbox
):
    with captured(execute=True):
        response = save(
            staff_client, meeting_url(meeting), online_url=OTHER_LINK, notify_online="on"
        )

    assert recipients(mailoutbox) == sorted(
        [people["fr"].participant.email, people["en"].participant.email]
    )
    by_address = {message.to[0]: message for message in mailoutbox}
    french_mail = by_address[people["fr"].participant.email]
    english_mail = by_address[people["en"].participant.email]
    assert english_mail.subject == f"New link to join online — {meeting.title_en}"
    assert meeting.title_fr in french_mail.subject
    assert french_mail.body.startswith("Bonjour") and english_mail.body.startswith("Hello")
    for message in (french_mail, english_mail):
        html = message.alternatives[0][0]
        assert OTHER_LINK in message.body and OTHER_LINK in html
        assert "old-pass" in message.body  # the passcode did not change
        assert LINK not in message.body
        assert "/manage/" in message.body or "/gerer/" in message.body
    assert "Plénière" in french_mail.body and "Plenary" in english_mail.body
    assert "The new link goes to 2 confirmed participants by e-mail." in messages_of(response)
    assert set(Delivery.objects.values_list("kind", flat=True)) == {Delivery.Kind.ONLINE_ACCESS}


def test_saving_twice_tells_once(staff_client, meeting, people, captured, mailoutbox):
    url = meeting_url(meeting)
    with captured(execute=True):
        save(staff_client, url, online_url=OTHER_LINK, notify_online="on")
    with captured(execute=True):
        again = save(staff_client, url, notify_online="on")
    with captured(execute=True):
        # Even a second computation for the same link (two staff at once) adds nothing.
        online.online_access_notify(meeting=Meeting.objects.get(pk=meeting.pk), now=timezone.now())

    assert len(mailoutbox) == 2
    assert "The online link did not change: no e-mail was sent." in messages_of(again)


def test_unticked_box_tells_nobody_and_warns_staff(
    staff_client, meeting, people, captured, mailoutbox
):
    with captured(execute=True):
        response = save(staff_client, meeting_url(meeting), online_url=OTHER_LINK)

    assert mailoutbox == []
    assert Meeting.objects.get(pk=meeting.pk).online_url == OTHER_LINK
    assert any("the confirmed participants were not told" in m for m in messages_of(response))


def test_ticked_box_without_a_change_sends_nothing(
    staff_client, meeting, people, captured, mailoutbox
):
    with captured(execute=True):
        save(staff_client, meeting_url(meeting), notify_online="on", city_fr="Lausanne")

    assert mailoutbox == []


def test_a_new_passcode_is_told_and_so_is_a_return_to_the_first_link(
    staff_client, meeting, people, captured, mailoutbox
):
    url = meeting_url(meeting)
    with captured(execute=True):
        save(staff_client, url, online_passcode="new-pass", notify_online="on")
    with captured(execute=True):
        save(staff_client, url, online_url=OTHER_LINK, notify_online="on")
    with captured(execute=True):
        save(staff_client, url, online_url=LINK, notify_online="on")  # back to the first

    assert len(mailoutbox) == 6
    last_two = mailoutbox[-2:]
    assert all(LINK in m.body and OTHER_LINK not in m.body for m in last_two)
    assert all("new-pass" in m.body for m in last_two)


def test_only_confirmed_participants_whose_sessions_the_link_opens(
    staff_client, meeting, people, captured, mailoutbox
):
    """Not the waitlisted, cancelled or anonymised, nor a session with a link of its own."""
    anonymised = RegistrationFactory(session=people["fr"].session, status=Status.CONFIRMED)
    anonymised.participant.anonymised_at = timezone.now()
    anonymised.participant.save()

    with captured(execute=True):
        save(staff_client, meeting_url(meeting), online_url=OTHER_LINK, notify_online="on")

    for name in ("waitlisted", "cancelled", "side"):
        assert people[name].participant.email not in recipients(mailoutbox)
    assert anonymised.participant.email not in recipients(mailoutbox)
    assert len(mailoutbox) == 2


def test_participants_of_a_session_whose_own_link_changes_are_told_theirs(
    staff_client, meeting, people, captured, mailoutbox
):
    session = people["side"].session
    url = english("admin:events_session_change", session.pk)
    with captured(execute=True):
        response = save(
            staff_client, url, online_url="https://visio.example.net/j/side-2", notify_online="on"
        )

    assert recipients(mailoutbox) == [people["side"].participant.email]
    assert "https://visio.example.net/j/side-2" in mailoutbox[0].body
    assert LINK not in mailoutbox[0].body
    assert "The new link goes to 1 confirmed participant by e-mail." in messages_of(response)


def test_a_session_link_changed_in_the_meetings_programme_is_told(
    staff_client, meeting, people, captured, mailoutbox
):
    data = change_form(staff_client, meeting_url(meeting), notify_online="on")
    (index,) = [
        name.split("-")[1]
        for name, value in data.items()
        if name.endswith("-id")
        and name.startswith("sessions-")
        and value == str(people["side"].session.pk)
    ]
    data[f"sessions-{index}-online_passcode"] = "s2"
    with captured(execute=True):
        response = staff_client.post(meeting_url(meeting), data)

    assert response.status_code == 302
    assert recipients(mailoutbox) == [people["side"].participant.email]
    assert "s2" in mailoutbox[0].body


def test_nobody_is_told_of_a_draft_or_past_meeting(meeting, people, captured, mailoutbox):
    meeting.online_url = OTHER_LINK
    meeting.status = Meeting.Status.DRAFT
    meeting.save()
    with captured(execute=True):
        draft = online.online_access_notify(meeting=meeting, now=timezone.now())
    meeting.status = Meeting.Status.PUBLISHED
    meeting.save()
    with captured(execute=True):
        past = online.online_access_notify(meeting=meeting, now=meeting.end + dt.timedelta(days=1))

    assert (draft, past, mailoutbox) == (0, 0, [])


def test_a_link_removed_is_not_told(staff_client, meeting, people, captured, mailoutbox):
    with captured(execute=True):
        response = save(
            staff_client,
            meeting_url(meeting),
            online_url="",
            online_passcode="",
            notify_online="on",
        )

    assert mailoutbox == []
    assert any(m.startswith("No e-mail was sent") for m in messages_of(response))


def test_telling_costs_the_same_queries_for_any_number_of_participants(
    staff_client, meeting, people, django_assert_max_num_queries
):
    url = meeting_url(meeting)
    data = change_form(staff_client, url, online_url=OTHER_LINK, notify_online="on")
    with django_assert_max_num_queries(200) as few:
        staff_client.post(url, data)
    counted = len(few)  # before the next request clears the log
    assert Delivery.objects.count() == 2
    plenary = people["fr"].session
    for _ in range(6):
        RegistrationFactory(session=plenary, status=Status.CONFIRMED)

    data = change_form(staff_client, url, online_url=LINK, notify_online="on")
    with django_assert_max_num_queries(counted):
        staff_client.post(url, data)

    assert Delivery.objects.count() == 2 + 8


def test_notify_service_queries_do_not_grow_with_participants(
    meeting, people, django_assert_num_queries
):
    plenary = people["fr"].session
    meeting.online_url = OTHER_LINK
    meeting.save()
    with django_assert_num_queries(7):
        assert online.online_access_notify(meeting=meeting, now=timezone.now()) == 2
    for _ in range(10):
        RegistrationFactory(session=plenary, status=Status.CONFIRMED)
    meeting.online_url = LINK
    meeting.save()
    with django_assert_num_queries(7):
        assert online.online_access_notify(meeting=meeting, now=timezone.now()) == 12


def staff_in(client, group: str):
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def test_content_editors_change_the_link_and_tell_participants(
    client, meeting, people, captured, mailoutbox
):
    editor = staff_in(client, CONTENT_EDITORS)
    with captured(execute=True):
        save(editor, meeting_url(meeting), online_url=OTHER_LINK, notify_online="on")

    assert len(mailoutbox) == 2


def test_registration_managers_see_the_session_read_only(client, meeting, people):
    """They may view meetings and sessions, not change them nor tell anyone."""
    manager = staff_in(client, REGISTRATION_MANAGERS)
    session = people["side"].session

    response = manager.get(english("admin:events_session_change", session.pk))

    assert response.status_code == 200
    assert 'name="notify_online"' not in response.text
    assert "https://visio.example.net/j/side" in response.text
