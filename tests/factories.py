import datetime as dt
import zoneinfo

import factory
from django.contrib.auth import get_user_model

from events.models import (
    Cycle,
    Meeting,
    MeetingOrganiser,
    Organisation,
    Session,
    SessionSpeaker,
    Speaker,
    StrategicProject,
)
from participants.models import Participant, Registration
from themes.models import Finding, Theme

GENEVA = zoneinfo.ZoneInfo("Europe/Zurich")


def geneva(year, month, day, hour=9, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=GENEVA)


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle
        django_get_or_create = ["slug"]

    name_fr = "Cycle de rencontres sur la paix"
    name_en = "Meeting cycle on peace"
    slug = "cycle-paix"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_fr = factory.Sequence(lambda n: f"Organisation {n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n} (en)")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.INTERNATIONAL


class StrategicProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicProject

    name_fr = factory.Sequence(lambda n: f"Projet stratégique {n}")
    name_en = factory.Sequence(lambda n: f"Strategic project {n}")
    slug = factory.Sequence(lambda n: f"projet-{n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name_fr = factory.Sequence(lambda n: f"Thème {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    cycle = factory.SubFactory(CycleFactory)
    title_fr = factory.Sequence(lambda n: f"Rencontre numéro {n}")
    title_en = factory.Sequence(lambda n: f"Meeting number {n}")
    slug = factory.Sequence(lambda n: f"rencontre-{n}")
    start = factory.LazyFunction(lambda: geneva(2025, 4, 15, 9))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=8))
    venue_fr = "Palais des Nations"
    city_fr = "Genève"
    city_en = "Geneva"
    country = "CH"
    summary_fr = "Un résumé en français."
    summary_en = "A summary in English."
    status = Meeting.Status.PUBLISHED


class MeetingOrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingOrganiser

    meeting = factory.SubFactory(MeetingFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MeetingOrganiser.Role.LEAD


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    meeting = factory.SubFactory(MeetingFactory)
    title_fr = factory.Sequence(lambda n: f"Séance {n}")
    title_en = factory.Sequence(lambda n: f"Session {n}")
    start = factory.LazyAttribute(lambda o: o.meeting.start)
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=1))
    capacity = 30


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Intervenante {n}")
    position_fr = "Chercheuse"
    position_en = "Researcher"


class SessionSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionSpeaker

    session = factory.SubFactory(SessionFactory)
    speaker = factory.SubFactory(SpeakerFactory)
    role = SessionSpeaker.Role.SPEAKER


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding
        skip_postgeneration_save = True

    meeting = factory.SubFactory(MeetingFactory)
    kind = Finding.Kind.OPPORTUNITY
    sector = Finding.Sector.BOTH
    title_fr = factory.Sequence(lambda n: f"Constat {n}")
    title_en = factory.Sequence(lambda n: f"Finding {n}")
    text_fr = "Texte du constat."
    text_en = "Text of the finding."

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    first_name = "Awa"
    last_name = factory.Sequence(lambda n: f"Diallo{n}")
    email = factory.Sequence(lambda n: f"participant{n}@example.org")


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    participant = factory.SubFactory(ParticipantFactory)
    session = factory.SubFactory(SessionFactory)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
    is_superuser = True
