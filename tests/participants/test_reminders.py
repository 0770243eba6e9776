import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Meeting
from participants import outbox, reminders
from participants.models import Delivery, Registration
from participants.reminders import reminders_send
from tests.factories import MeetingFactory, ParticipantFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 12, 8, 0, tzinfo=dt.UTC)  # 9 h in Geneva
DAY = dt.timedelta(days=1)
Status = Registration.Status


def meeting_at(start=START, **fields):
    meeting = MeetingFactory(start=start, end=start + dt.timedelta(hours=8), **fields)
    SessionFactory(
        meeting=meeting,
        title_fr="Table ronde",
        title_en="Round table",
        start=start + dt.timedelta(hours=1),
        end=start + dt.timedelta(hours=2),
    )
    return meeting


def register(meeting, participant=None, status=Status.CONFIRMED, session=None):
    return RegistrationFactory(
        participant=participant or ParticipantFactory(),
        session=session or meeting.sessions.first(),
        status=status,
    )


def send(now, callbacks) -> int:
    with callbacks(execute=True):
        return reminders_send(now=now)


def test_reminders_go_seven_days_then_one_day_before(
    django_capture_on_commit_callbacks, mailoutbox
):
    meeting = meeting_at()
    registration = register(meeting)

    counts = [
        send(START - 8 * DAY, django_capture_on_commit_callbacks),
        send(START - 7 * DAY, django_capture_on_commit_callbacks),
        send(START - 5 * DAY, django_capture_on_commit_callbacks),
        send(START - DAY + dt.timedelta(minutes=15), django_capture_on_commit_callbacks),
        send(START - dt.timedelta(minutes=15), django_capture_on_commit_callbacks),
        send(START + dt.timedelta(minutes=15), django_capture_on_commit_callbacks),
    ]

    assert counts == [0, 1, 0, 1, 0, 0]
    person = registration.participant.pk
    assert sorted(Delivery.objects.values_list("key", "kind", "status", "context")) == [
        (f"reminder:{meeting.pk}:1:{person}", "reminder", "sent", {"days": 1}),
        (f"reminder:{meeting.pk}:7:{person}", "reminder", "sent", {"days": 7}),
    ]
    assert [m.to for m in mailoutbox] == [[registration.participant.email]] * 2


def test_each_meeting_sets_its_own_days(django_capture_on_commit_callbacks, mailoutbox):
    three_days = meeting_at(reminder_days="3")
    register(three_days)
    none = meeting_at(reminder_days="")
    register(none)

    at_seven = send(START - 7 * DAY, django_capture_on_commit_callbacks)
    at_three = send(START - 3 * DAY, django_capture_on_commit_callbacks)
    at_one = send(START - DAY, django_capture_on_commit_callbacks)

    assert (at_seven, at_three, at_one) == (0, 1, 0)
    assert list(Delivery.objects.values_list("meeting", "context")) == [
        (three_days.pk, {"days": 3})
    ]
    assert len(mailoutbox) == 1


def test_only_confirmed_people_who_still_want_messages_get_one(
    django_capture_on_commit_callbacks, mailoutbox
):
    meeting = meeting_at()
    confirmed = register(meeting)
    for status in [
        Status.PENDING,
        Status.AWAITING_APPROVAL,
        Status.WAITLISTED,
        Status.CANCELLED,
        Status.REJECTED,
    ]:
        register(meeting, status=status)
    register(meeting, participant=ParticipantFactory(messages_stopped_at=START - 9 * DAY))
    register(meeting, participant=ParticipantFactory(anonymised_at=START - 9 * DAY))

    count = send(START - 7 * DAY, django_capture_on_commit_callbacks)

    assert count == 1
    assert [m.to for m in mailoutbox] == [[confirmed.participant.email]]


@pytest.mark.parametrize("status", [Meeting.Status.DRAFT, Meeting.Status.CANCELLED])
def test_no_reminder_for_a_meeting_not_published(
    status, django_capture_on_commit_callbacks, mailoutbox
):
    register(meeting_at(status=status))

    count = send(START - DAY, django_capture_on_commit_callbacks)

    assert count == 0
    assert not Delivery.objects.exists()
    assert mailoutbox == []


def test_no_reminder_once_the_meeting_has_started(django_capture_on_commit_callbacks, mailoutbox):
    register(meeting_at())

    count = send(START + dt.timedelta(minutes=1), django_capture_on_commit_callbacks)

    assert count == 0
    assert mailoutbox == []


def test_running_twice_sends_once(django_capture_on_commit_callbacks, mailoutbox):
    meeting = meeting_at()
    register(meeting)
    register(meeting)

    first = send(START - DAY, django_capture_on_commit_callbacks)
    second = send(START - DAY, django_capture_on_commit_callbacks)

    assert (first, second) == (2, 0)
    assert Delivery.objects.count() == 2
    assert len(mailoutbox) == 2


def test_a_late_registration_gets_the_reminder_of_its_window_only(
    django_capture_on_commit_callbacks, mailoutbox
):
    meeting = meeting_at()
    registration = register(meeting)  # registered 3 days before: the "7 days" window

    late = send(START - 3 * DAY, django_capture_on_commit_callbacks)
    again = send(START - 2 * DAY, django_capture_on_commit_callbacks)
    last_day = send(START - DAY, django_capture_on_commit_callbacks)

    assert (late, again, last_day) == (1, 0, 1)
    # Registered on the last day: the "1 day" reminder only, never the "7 days" after it.
    newcomer = register(meeting)
    assert send(START - dt.timedelta(hours=2), django_capture_on_commit_callbacks) == 1
    assert set(
        Delivery.objects.filter(participant=newcomer.participant).values_list("key", flat=True)
    ) == {f"reminder:{meeting.pk}:1:{newcomer.participant.pk}"}
    assert Delivery.objects.filter(participant=registration.participant).count() == 2


def test_no_seven_days_reminder_after_the_one_day_one(
    django_capture_on_commit_callbacks, mailoutbox
):
    meeting = meeting_at()
    register(meeting)
    send(START - DAY, django_capture_on_commit_callbacks)
    # The meeting is put off by a week: its "7 days" window opens again.
    Meeting.objects.filter(pk=meeting.pk).update(
        start=START + 7 * DAY, end=START + 7 * DAY + dt.timedelta(hours=8)
    )

    count = send(START, django_capture_on_commit_callbacks)

    assert count == 0
    assert len(mailoutbox) == 1


def test_the_reminder_speaks_each_persons_language(django_capture_on_commit_callbacks, mailoutbox):
    meeting = meeting_at(
        title_fr="Atelier sur l’IA",
        title_en="Workshop on AI",
        practical_information_fr="Badge à retirer à l’entrée.\nApportez une pièce d’identité.",
        practical_information_en="Collect your badge at the entrance.\nBring an ID.",
        online_url="https://visio.example.org/atelier",
        online_passcode="paix-2026",
    )
    french = register(meeting, participant=ParticipantFactory(first_name="Awa", language="fr"))
    english = register(meeting, participant=ParticipantFactory(first_name="Ann", language="en"))

    send(START - 7 * DAY, django_capture_on_commit_callbacks)

    mails = {message.to[0]: message for message in mailoutbox}
    fr = mails[french.participant.email]
    assert fr.subject == "Atelier sur l’IA — 12 mars 2026"
    assert "Bonjour Awa," in fr.body
    assert "Rappel avant la rencontre «\u00a0Atelier sur l’IA\u00a0»" in fr.body
    assert "Date et lieu\u00a0: 12 mars 2026 · Palais des Nations" in fr.body
    assert "Table ronde" in fr.body and "12 mars 2026, 10\u00a0h – 11\u00a0h" in fr.body
    assert "Palais des Nations" in fr.body
    assert "Informations pratiques\u00a0:\nBadge à retirer à l’entrée." in fr.body
    assert "https://visio.example.org/atelier" in fr.body and "paix-2026" in fr.body
    assert "/fr/" in fr.body  # the manage and stop links in French
    html = fr.alternatives[0][0]
    assert "<p>Badge à retirer à l’entrée.<br>Apportez une pièce d’identité.</p>" in html
    assert 'href="https://visio.example.org/atelier"' in html
    en = mails[english.participant.email]
    assert en.subject == "Workshop on AI on 12 March 2026"
    assert "Hello Ann," in en.body
    assert "your registration for Workshop on AI is confirmed" in en.body
    assert "When and where: 12 March 2026 · Palais des Nations" in en.body
    assert "Round table" in en.body and "Collect your badge at the entrance." in en.body
    assert "Badge" not in en.body
    assert "https://visio.example.org/atelier" in en.body
    for message in (fr, en):
        assert "Europe/Zurich" in message.body
        assert "List-Unsubscribe" in message.extra_headers
        [(name, calendar, mimetype)] = message.attachments
        assert name.endswith(".ics") and mimetype == "text/calendar"
        assert "BEGIN:VEVENT" in calendar


def test_the_reminder_lists_only_the_confirmed_sessions(
    django_capture_on_commit_callbacks, mailoutbox
):
    meeting = meeting_at(practical_information_fr="")
    afternoon = SessionFactory(
        meeting=meeting,
        title_fr="Séance de l’après-midi",
        start=START + dt.timedelta(hours=5),
        end=START + dt.timedelta(hours=6),
    )
    full = SessionFactory(
        meeting=meeting,
        title_fr="Séance complète",
        start=START + dt.timedelta(hours=6),
        end=START + dt.timedelta(hours=7),
    )
    confirmed = register(meeting)
    person = confirmed.participant
    register(meeting, participant=person, session=afternoon)
    register(meeting, participant=person, session=full, status=Status.WAITLISTED)

    count = send(START - DAY, django_capture_on_commit_callbacks)

    assert count == 1
    [message] = mailoutbox
    assert "Table ronde" in message.body and "Séance de l’après-midi" in message.body
    assert "Séance complète" not in message.body
    assert "Informations pratiques" not in message.body
    assert "en ligne" not in message.body  # no online link for this meeting


def test_queries_do_not_grow_with_participants(django_assert_max_num_queries):
    small, large = meeting_at(), meeting_at(start=START + dt.timedelta(hours=1))
    for _ in range(3):
        register(small)
    for _ in range(30):
        register(large)
    Meeting.objects.filter(pk=large.pk).update(status=Meeting.Status.DRAFT)

    with django_assert_max_num_queries(6):
        assert reminders_send(now=START - DAY) == 3
    Meeting.objects.filter(pk=small.pk).update(status=Meeting.Status.DRAFT)
    Meeting.objects.filter(pk=large.pk).update(status=Meeting.Status.PUBLISHED)
    with django_assert_max_num_queries(6):
        assert reminders_send(now=START - DAY) == 30


def test_a_reminder_queued_for_someone_who_then_stops_messages_is_not_sent(
    django_capture_on_commit_callbacks, mailoutbox
):
    registration = register(meeting_at())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reminders_send(now=START - DAY)
    person = registration.participant
    person.messages_stopped_at = START - DAY
    person.save()

    for callback in callbacks:
        callback()

    assert Delivery.objects.get().status == Delivery.Status.CANCELLED
    assert mailoutbox == []


def test_a_reminder_recorded_by_another_run_meanwhile_still_goes_once(
    django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    meeting = meeting_at()
    first, second = register(meeting), register(meeting)
    enqueue_many = outbox.enqueue_many

    def another_run_first(rows):
        # Another run records the first person's reminder between our look and our insert.
        outbox.record(
            key=rows[0].key,
            kind=rows[0].kind,
            template=rows[0].template,
            participant=rows[0].participant,
            meeting=meeting,
            language="fr",
            context={"days": 1},
        )
        return enqueue_many(rows)

    monkeypatch.setattr(outbox, "enqueue_many", another_run_first)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_send(now=START - DAY)

    assert Delivery.objects.count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [first.participant.email, second.participant.email]
    )
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_the_command_sends_what_is_due_now_and_says_how_many(mailoutbox):
    start = timezone.now() + dt.timedelta(hours=5)
    register(meeting_at(start=start))
    out = StringIO()

    call_command("send_reminders", stdout=out)

    assert Delivery.objects.filter(kind=Delivery.Kind.REMINDER).count() == 1
    assert out.getvalue().strip().endswith(": 1")
