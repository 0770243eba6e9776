import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import Meeting, Organisation, validate_timezone
from participants.models import Registration
from tests.factories import (
    MeetingFactory,
    MeetingOrganiserFactory,
    OrganisationFactory,
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    geneva,
)

pytestmark = pytest.mark.django_db


def test_database_refuses_a_session_that_ends_before_it_starts():
    meeting = MeetingFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(meeting=meeting, start=geneva(2025, 4, 15, 11), end=geneva(2025, 4, 15, 10))


def test_database_refuses_a_meeting_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(start=geneva(2025, 4, 15, 11), end=geneva(2025, 4, 14, 10))


def test_session_outside_its_meeting_days_is_refused_with_a_message():
    meeting = MeetingFactory(start=geneva(2025, 4, 15, 9), end=geneva(2025, 4, 15, 18))
    session = SessionFactory.build(
        meeting=meeting, start=geneva(2025, 4, 16, 9), end=geneva(2025, 4, 16, 10)
    )

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert "les jours de sa rencontre" in str(error.value)


def test_session_on_the_last_day_of_a_multi_day_meeting_is_accepted():
    meeting = MeetingFactory(start=geneva(2025, 4, 15, 9), end=geneva(2025, 4, 16, 17))
    session = SessionFactory.build(
        meeting=meeting, start=geneva(2025, 4, 16, 14), end=geneva(2025, 4, 16, 15)
    )

    session.full_clean()


def test_meeting_slugs_are_unique():
    MeetingFactory(slug="rencontre")

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(slug="rencontre")


def test_an_organisation_is_organiser_of_a_meeting_once():
    link = MeetingOrganiserFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingOrganiserFactory(meeting=link.meeting, organisation=link.organisation)


def test_database_refuses_a_state_without_francophonie_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(kind=Organisation.Kind.STATE, francophonie_status="")


def test_database_refuses_a_francophonie_status_on_an_international_organisation():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(
            kind=Organisation.Kind.INTERNATIONAL,
            francophonie_status=Organisation.FrancophonieStatus.MEMBER,
        )


def test_state_without_status_gets_a_form_message():
    organisation = OrganisationFactory.build(kind=Organisation.Kind.STATE, francophonie_status="")

    with pytest.raises(ValidationError) as error:
        organisation.full_clean()

    assert "francophonie_status" in error.value.message_dict


def test_one_active_registration_per_person_and_session():
    registration = RegistrationFactory(status=Registration.Status.CONFIRMED)

    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(
            participant=registration.participant,
            session=registration.session,
            status=Registration.Status.PENDING,
        )


def test_a_cancelled_registration_does_not_block_a_new_one():
    registration = RegistrationFactory(status=Registration.Status.CANCELLED)

    RegistrationFactory(participant=registration.participant, session=registration.session)

    assert Registration.objects.filter(session=registration.session).count() == 2


def test_participant_e_mail_is_unique_whatever_its_case():
    ParticipantFactory(email="awa@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(email="AWA@example.org")


def test_english_title_falls_back_to_french_when_missing():
    meeting = MeetingFactory(title_fr="Rencontre sans traduction", title_en="")

    from django.utils import translation

    with translation.override("en"):
        fetched = Meeting.objects.get(pk=meeting.pk)
        assert fetched.title == "Rencontre sans traduction"


def test_multi_day_meeting_is_known_as_such():
    meeting = MeetingFactory(
        start=geneva(2025, 4, 15, 9), end=geneva(2025, 4, 15, 9) + dt.timedelta(days=1)
    )

    assert meeting.is_multi_day


def test_meeting_time_zone_outside_the_iana_list_is_refused_with_a_message():
    meeting = MeetingFactory.build(
        cycle=MeetingFactory().cycle, slug="ailleurs", timezone="Mars/Base"
    )

    with pytest.raises(ValidationError) as error:
        meeting.full_clean()

    assert "timezone" in error.value.message_dict
    with pytest.raises(ValidationError, match="Mars/Base"):
        validate_timezone("Mars/Base")


def test_time_zone_choices_list_every_iana_zone_with_geneva_by_default():
    choices = dict(Meeting._meta.get_field("timezone").choices)

    assert Meeting().timezone == "Europe/Zurich"
    assert {"Africa/Dakar", "America/Montreal", "Asia/Ho_Chi_Minh", "Europe/Zurich"} <= set(choices)
    assert choices["Asia/Ho_Chi_Minh"] == "Asia/Ho Chi Minh"


def test_sessions_keep_their_local_times_when_the_meeting_changes_zone():
    montreal = zoneinfo.ZoneInfo("America/Montreal")
    meeting = MeetingFactory(start=geneva(2026, 10, 31, 9), end=geneva(2026, 11, 2, 18))
    before = SessionFactory(
        meeting=meeting, start=geneva(2026, 10, 31, 9), end=geneva(2026, 10, 31, 10)
    )
    after = SessionFactory(
        meeting=meeting, start=geneva(2026, 11, 2, 9), end=geneva(2026, 11, 2, 10)
    )
    meeting.timezone = "America/Montreal"
    meeting.save()

    meeting.keep_sessions_local_times(previous_timezone="Europe/Zurich")

    before.refresh_from_db()
    after.refresh_from_db()
    assert before.start == dt.datetime(2026, 10, 31, 9, tzinfo=montreal)
    assert after.start == dt.datetime(2026, 11, 2, 9, tzinfo=montreal)
    assert after.end - after.start == dt.timedelta(hours=1)
    assert after.start - before.start == dt.timedelta(days=2, hours=1)  # the clocks went back
