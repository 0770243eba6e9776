"""The registration services against the database: confirmation links that survive a second
request, the waiting-list queue, manage-link expiry, and the e-mails' plain-text part."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.utils import timezone

from events.models import Meeting
from participants import emails, selectors, services, tokens
from participants.models import Registration
from tests.factories import MeetingFactory, ParticipantFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
NBSP = "\u00a0"


def details(email="awa@example.org", language="fr") -> services.ParticipantDetails:
    return services.ParticipantDetails(
        first_name="Awa",
        last_name="Ndiaye",
        email=email,
        organisation_name="",
        category="other",
        country="SN",
        language=language,
        accessibility_needs="",
    )


def request(session, *more, now=None, email="awa@example.org") -> bool:
    return services.registration_request(
        meeting=session.meeting,
        sessions=[session, *more],
        details=details(email),
        now=now or timezone.now(),
    )


def link_of(message) -> tokens.ConfirmationLink:
    token = re.search(r"/(?:confirm|confirmer)/([^/\s]+)/", message.body).group(1)
    return tokens.read_confirmation_token(token)


def pending_opened_by(link) -> list[Registration]:
    return [r for r in selectors.registrations_for_confirmation(link) if r.status == Status.PENDING]


@pytest.fixture
def meeting_session(db):
    return SessionFactory(meeting=MeetingFactory(title_fr="L’IA & la paix"), capacity=1)


def test_a_second_request_keeps_the_first_link_working(meeting_session, mailoutbox):
    request(meeting_session)
    request(meeting_session)
    first, second = (link_of(message) for message in mailoutbox)

    opened_by_first = pending_opened_by(first)
    opened_by_second = pending_opened_by(second)

    assert [r.session for r in opened_by_first] == [meeting_session]
    assert opened_by_first == opened_by_second


def test_a_link_confirms_each_registration_once(meeting_session, mailoutbox):
    request(meeting_session)
    request(meeting_session)
    first, second = (link_of(message) for message in mailoutbox)
    services.registrations_confirm(registrations=pending_opened_by(first), now=timezone.now())

    named = selectors.registrations_for_confirmation(second)

    assert [r.status for r in named] == [Status.CONFIRMED]  # recognised, nothing to confirm
    assert pending_opened_by(second) == []


def test_a_request_adding_a_session_shares_the_pending_ones_nonce(meeting_session, mailoutbox):
    other = SessionFactory(meeting=meeting_session.meeting)
    request(meeting_session)
    request(meeting_session, other)
    first, both = (link_of(message) for message in mailoutbox)

    assert len(pending_opened_by(first)) == 1
    assert {r.session for r in pending_opened_by(both)} == {meeting_session, other}
    assert len(set(Registration.objects.values_list("confirmation_nonce", flat=True))) == 1


def test_requests_for_different_sessions_alone_keep_both_links(meeting_session, mailoutbox):
    other = SessionFactory(meeting=meeting_session.meeting)
    request(meeting_session)
    request(other)
    first, second = (link_of(message) for message in mailoutbox)

    assert [r.session for r in pending_opened_by(first)] == [meeting_session]
    assert [r.session for r in pending_opened_by(second)] == [other]


def test_rows_from_before_shared_nonces_keep_the_latest_link(meeting_session, mailoutbox):
    """Before this change each request replaced the nonce of the registrations it named, so a
    person's pending registrations could hold different ones: the latest link sent wins."""
    other = SessionFactory(meeting=meeting_session.meeting)
    now = timezone.now()
    older = RegistrationFactory(
        session=meeting_session,
        confirmation_nonce="older",
        confirmation_sent_at=now - dt.timedelta(hours=2),
    )
    newer = RegistrationFactory(
        participant=older.participant,
        session=other,
        confirmation_nonce="newer",
        confirmation_sent_at=now - dt.timedelta(hours=1),
    )
    newer_link = tokens.ConfirmationLink(
        registration_ids=[newer.pk], nonce="newer", meeting_id=other.meeting_id
    )

    request(meeting_session, other, email=older.participant.email)

    assert link_of(mailoutbox[0]).nonce == "newer"
    assert len(pending_opened_by(link_of(mailoutbox[0]))) == 2
    assert pending_opened_by(newer_link) == [newer]


def test_staff_resend_keeps_the_link_sent_before_working(meeting_session, mailoutbox):
    request(meeting_session)
    registration = Registration.objects.get()

    services.registration_resend_email(registration=registration, now=timezone.now())

    assert pending_opened_by(link_of(mailoutbox[0])) == [registration]
    assert pending_opened_by(link_of(mailoutbox[1])) == [registration]


def test_request_says_whether_its_e_mail_was_sent(meeting_session, mailoutbox):
    assert request(meeting_session) is True

    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")
    ):
        assert request(meeting_session) is False

    assert Registration.objects.get().email_failed


def test_anonymised_participants_links_open_nothing(meeting_session, mailoutbox):
    request(meeting_session)
    participant = Registration.objects.get().participant
    services.participants_anonymise(
        participants=type(participant).objects.filter(pk=participant.pk), now=timezone.now()
    )

    assert selectors.registrations_for_confirmation(link_of(mailoutbox[0])) == []


def test_waitlist_position_follows_the_order_seats_are_given(meeting_session):
    now = timezone.now()
    RegistrationFactory(session=meeting_session, status=Status.CONFIRMED)
    late = RegistrationFactory(session=meeting_session, status=Status.WAITLISTED, waitlisted_at=now)
    early = RegistrationFactory(
        session=meeting_session,
        status=Status.WAITLISTED,
        waitlisted_at=now - dt.timedelta(hours=1),
    )
    same_time = RegistrationFactory(
        session=meeting_session, status=Status.WAITLISTED, waitlisted_at=now
    )
    by_hand = RegistrationFactory(session=meeting_session, status=Status.WAITLISTED)
    other_session = RegistrationFactory(
        session=SessionFactory(meeting=meeting_session.meeting),
        status=Status.WAITLISTED,
        waitlisted_at=now + dt.timedelta(days=1),
    )

    positions = dict(
        Registration.objects.with_waitlist_position().values_list("pk", "waitlist_position")
    )
    queue = list(meeting_session.registrations.waiting_queue())

    assert queue == [early, late, same_time, by_hand]
    assert [positions[r.pk] for r in queue] == [1, 2, 3, 4]
    assert positions[other_session.pk] == 1
    assert {positions[r.pk] for r in Registration.objects.filter(status=Status.CONFIRMED)} == {None}


def test_cancellation_promotes_the_first_of_the_queue(meeting_session, mailoutbox):
    now = timezone.now()
    seated = RegistrationFactory(session=meeting_session, status=Status.CONFIRMED)
    second = RegistrationFactory(
        session=meeting_session, status=Status.WAITLISTED, waitlisted_at=now
    )
    first = RegistrationFactory(
        session=meeting_session,
        status=Status.WAITLISTED,
        waitlisted_at=now - dt.timedelta(minutes=5),
    )

    promoted = services.registration_cancel(registration=seated, now=now)

    assert promoted == [first]
    second.refresh_from_db()
    assert second.status == Status.WAITLISTED


def test_manage_page_rows_give_one_per_session_active_first(meeting_session):
    participant = ParticipantFactory()
    other = SessionFactory(meeting=meeting_session.meeting, start=meeting_session.start)
    RegistrationFactory(participant=participant, session=meeting_session, status=Status.CANCELLED)
    active = RegistrationFactory(
        participant=participant, session=meeting_session, status=Status.CONFIRMED
    )
    RegistrationFactory(participant=participant, session=meeting_session, status=Status.REJECTED)
    RegistrationFactory(participant=participant, session=other, status=Status.CANCELLED)
    latest_cancelled = RegistrationFactory(
        participant=participant, session=other, status=Status.CANCELLED
    )

    rows = selectors.registrations_to_manage(
        participant=participant, meeting=meeting_session.meeting
    )

    assert {r.pk for r in rows} == {active.pk, latest_cancelled.pk}


@pytest.mark.parametrize(
    ("after_end", "expired"),
    [
        (dt.timedelta(0), False),
        (dt.timedelta(days=30), False),
        (dt.timedelta(days=30, seconds=1), True),
        (dt.timedelta(days=400), True),
    ],
)
def test_manage_links_expire_thirty_days_after_the_meeting_ends(settings, after_end, expired):
    settings.MANAGE_LINK_DAYS_AFTER_MEETING = 30
    meeting = Meeting(end=dt.datetime(2025, 4, 15, 17, tzinfo=dt.UTC))

    assert tokens.manage_link_expired(meeting=meeting, now=meeting.end + after_end) is expired


# --- The plain-text part of every e-mail ---------------------------------------------------

EMAIL_KINDS = ["confirm_request", "manage_link", "outcome", "promoted", "cancelled", "rejected"]
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<!")
HTML_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
URL = re.compile(r"https?://\S+")


def french_spacing_errors(text: str) -> list[str]:
    """Places where French typography wants a no-break space and there is none."""
    text = URL.sub("", text)
    before = re.finditer(r"(.{0,20})(?<!\u00a0)([:;!?»])", text)
    after = re.finditer(r"(«)(?!\u00a0)(.{0,20})", text)
    return [match.group(0) for match in [*before, *after]]


TITLE = {"fr": "L’IA & l'«\u00a0éthique\u00a0» aujourd’hui", "en": 'AI & "ethics" today'}


@pytest.fixture
def tricky_meeting(db):
    """A person and a meeting whose texts hold what HTML escapes, over two days."""
    start = dt.datetime(2025, 4, 15, 7, tzinfo=dt.UTC)
    meeting = MeetingFactory(
        title_fr=TITLE["fr"],
        title_en=TITLE["en"],
        venue_fr="Salle A & B",
        venue_en="Room A & B",
        start=start,
        end=start + dt.timedelta(days=1, hours=9),
    )
    participant = ParticipantFactory(first_name="Zoé & Léa", last_name="O'Neill")
    return [
        RegistrationFactory(
            participant=participant,
            session=SessionFactory(meeting=meeting, title_fr="Table ronde d'ouverture"),
            status=Status.CONFIRMED,
        ),
        RegistrationFactory(
            participant=participant,
            session=SessionFactory(meeting=meeting, title_fr="Atelier", title_en="Workshop"),
            status=Status.WAITLISTED,
        ),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", EMAIL_KINDS)
def test_plain_text_part_is_clean_text(tricky_meeting, kind, language):
    context = {"token": "abc", "held": tricky_meeting[1:]} if kind == "confirm_request" else {}

    message = emails.build(
        template=kind, registrations=tricky_meeting[:1], language=language, **context
    )

    for text in [message.subject, message.body]:
        assert not HTML_TAG.search(text), text
        assert not HTML_ENTITY.search(text), text
        assert TITLE[language] in text
    assert "Zoé & Léa" in message.body
    assert "Salle A & B" in message.body or language == "en"
    if language == "fr":
        assert french_spacing_errors(message.subject + "\n" + message.body) == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_plain_text_lists_sessions_with_their_status(tricky_meeting, language):
    message = emails.build(template="outcome", registrations=tricky_meeting, language=language)

    expected = {
        "fr": [f"Statut{NBSP}: Confirmée", f"Statut{NBSP}: Liste d’attente"],
        "en": ["Status: Confirmed", "Status: Waiting list"],
    }
    for line in expected[language]:
        assert line in message.body
