"""Every admin page OIF staff use renders, and shows what lacks a translation."""

import pytest
from django.contrib import admin
from django.urls import reverse

from events.models import Session
from tests.factories import (
    FindingFactory,
    MeetingFactory,
    MeetingOrganiserFactory,
    RegistrationFactory,
    SessionSpeakerFactory,
    StrategicProjectFactory,
    ThemeFactory,
    geneva,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_data():
    meeting = MeetingFactory()
    MeetingOrganiserFactory(meeting=meeting)
    speaker_link = SessionSpeakerFactory(session__meeting=meeting)
    FindingFactory(meeting=meeting, session=speaker_link.session, themes=[ThemeFactory()])
    StrategicProjectFactory()
    RegistrationFactory(session=speaker_link.session)
    return meeting


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_changelist_and_change_form_render_for_staff(staff_client, full_data, model):
    meta = model._meta
    obj = model.objects.first()

    changelist = staff_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    add = staff_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))

    assert changelist.status_code == 200
    # django-axes' records of login attempts are written by axes alone, never added by hand.
    assert add.status_code == (403 if meta.app_label == "axes" else 200)
    if obj is not None:
        change = staff_client.get(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        )
        assert change.status_code == 200


def test_admin_is_in_french_by_default(staff_client):
    response = staff_client.get("/fr/admin/")

    assert "Rencontres" in response.text


def test_missing_english_filter_lists_only_untranslated_meetings(staff_client):
    MeetingFactory(title_fr="Traduite", title_en="Translated", venue_en="Palais des Nations")
    MeetingFactory(title_fr="Pas traduite", title_en="", summary_en="")

    response = staff_client.get(reverse("admin:events_meeting_changelist") + "?missing=en")

    assert "Pas traduite" in response.text
    assert "Traduite</a>" not in response.text


def test_session_ending_before_it_starts_gets_a_clear_admin_error(staff_client):
    meeting = MeetingFactory(start=geneva(2025, 4, 15, 9), end=geneva(2025, 4, 15, 18))

    response = staff_client.post(
        reverse("admin:events_session_add"),
        {
            "meeting": meeting.pk,
            "title_fr": "Séance à l’envers",
            "start_0": "15/04/2025",
            "start_1": "11:00",
            "end_0": "15/04/2025",
            "end_1": "10:00",
            "order": 0,
            "session_speakers-TOTAL_FORMS": 0,
            "session_speakers-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert "Une séance doit se terminer après son début." in response.text
    assert not Session.objects.exists()
