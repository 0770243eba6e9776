import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from events.models import Meeting
from tests.factories import MeetingFactory, SessionFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def captured(django_capture_on_commit_callbacks):
    """`with captured(execute=True):` runs what waits for the commit (e-mails are sent then)."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def open_meeting(db):
    start = (timezone.now() + dt.timedelta(days=30)).replace(hour=7, minute=0, second=0)
    return MeetingFactory(
        slug="atelier",
        title_fr="Atelier sur l’IA",
        title_en="Workshop on AI",
        start=start,
        end=start + dt.timedelta(days=1, hours=9),
        registration_mode=Meeting.RegistrationMode.OPEN,
    )


@pytest.fixture
def session(open_meeting):
    return SessionFactory(
        meeting=open_meeting,
        title_fr="Table ronde",
        title_en="Round table",
        start=open_meeting.start + dt.timedelta(hours=1),
        end=open_meeting.start + dt.timedelta(hours=2),
        capacity=2,
    )


def link_in(message, kind: str) -> str:
    """The path of the confirmation or manage link in an e-mail."""
    match = re.search(rf"https?://[^/\s]+(/\w\w/[^\s\"]*/{kind}/[^\s\"]+/)", message.body)
    assert match, message.body
    return match.group(1)


def form_data(session, **overrides) -> dict:
    data = {
        "sessions": [session.pk],
        "first_name": "Éloïse",
        "last_name": "Dûpont",
        "email": "eloise@example.org",
        "organisation_name": "Mission permanente",
        "category": "state",
        "country": "SN",
        "language": "fr",
        "accessibility_needs": "",
        "consent": "on",
        "website": "",
    }
    return data | overrides
