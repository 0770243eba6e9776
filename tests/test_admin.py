"""Every admin page OIF staff use renders, and shows what lacks a translation."""

import html
import json
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from events.models import Meeting, MeetingOrganiser, Session
from participants.models import Registration
from tests.factories import (
    CycleFactory,
    FindingFactory,
    MeetingFactory,
    MeetingOrganiserFactory,
    OrganisationFactory,
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
    # Written by the portal alone, never added by hand: django-axes' records of login attempts,
    # the e-mails sent, the feedback answers; a recommendation is added as a finding.
    written_by_the_portal = meta.app_label == "axes" or meta.label in {
        "participants.Delivery",
        "participants.Feedback",
        "themes.Recommendation",
    }
    assert add.status_code == (403 if written_by_the_portal else 200)
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


# Issue 9: what lets staff publish a meeting quickly.


def english(url: str) -> str:
    """The English admin page at that address (the admin is French by default)."""
    return url.replace("/fr/", "/en/", 1)


def new_meeting_data(cycle, **extra) -> dict:
    """What the meeting's add form posts: its fields, and its inlines with no row."""
    data = {
        "cycle": cycle.pk,
        "title_fr": "Les armes autonomes",
        "title_en": "Autonomous weapons",
        "slug": "armes-autonomes",
        "status": "published",
        "timezone": "Europe/Zurich",
        "start_0": "15/04/2027",
        "start_1": "09:00",
        "end_0": "16/04/2027",
        "end_1": "17:00",
        "format": "in_person",
        "registration_mode": "closed",
    }
    for prefix in ("meeting_organisers", "sessions", "findings"):
        data[f"{prefix}-TOTAL_FORMS"] = 0
        data[f"{prefix}-INITIAL_FORMS"] = 0
    return {**data, **extra}


def session_row(index: int, **extra) -> dict:
    row = {
        "title_fr": f"Séance {index}",
        "start_0": "15/04/2027",
        "start_1": "09:30",
        "end_0": "15/04/2027",
        "end_1": "12:00",
        "order": 0,
        "registration_open": "on",
    }
    return {f"sessions-{index}-{name}": value for name, value in {**row, **extra}.items()}


def test_new_meeting_form_preselects_the_only_cycle(staff_client):
    cycle = CycleFactory()

    response = staff_client.get(reverse("admin:events_meeting_add"))

    assert response.context["adminform"].form.initial["cycle"] == cycle.pk


def test_new_meeting_form_lets_staff_choose_among_several_cycles(staff_client):
    CycleFactory()
    CycleFactory(slug="autre-cycle")

    response = staff_client.get(reverse("admin:events_meeting_add"))

    assert "cycle" not in response.context["adminform"].form.initial


def test_new_organisers_and_sessions_left_at_zero_follow_the_others(staff_client):
    cycle = CycleFactory()
    first, second = OrganisationFactory(), OrganisationFactory()
    data = new_meeting_data(
        cycle,
        **{
            "meeting_organisers-TOTAL_FORMS": 2,
            "meeting_organisers-0-organisation": first.pk,
            "meeting_organisers-0-role": "lead",
            "meeting_organisers-0-order": 0,
            "meeting_organisers-1-organisation": second.pk,
            "meeting_organisers-1-role": "partner",
            "meeting_organisers-1-order": 0,
            "sessions-TOTAL_FORMS": 2,
            **session_row(0),
            **session_row(1),
        },
    )

    response = staff_client.post(reverse("admin:events_meeting_add"), data)

    assert response.status_code == 302
    meeting = Meeting.objects.get(slug="armes-autonomes")
    assert [(o.organisation, o.order) for o in meeting.meeting_organisers.all()] == [
        (first, 0),
        (second, 1),
    ]
    assert sorted(meeting.sessions.values_list("order", flat=True)) == [0, 1]


def test_a_new_organiser_is_the_lead_unless_staff_choose_otherwise():
    assert MeetingOrganiser().role == MeetingOrganiser.Role.LEAD


def test_error_summary_at_the_top_links_to_the_inline_row_holding_the_error(staff_client):
    cycle = CycleFactory()
    data = new_meeting_data(
        cycle, **{"sessions-TOTAL_FORMS": 1, **session_row(0, title_fr="", end_1="08:00")}
    )

    response = staff_client.post(english(reverse("admin:events_meeting_add")), data)

    page = response.text
    summary = page[
        page.index('id="error-summary"') : page.index("</ul>", page.index("error-summary"))
    ]
    assert 'href="#sessions-0"' in summary
    assert "Session #1 · Title [fr]" in summary
    # At the top: before the first field of the form.
    assert page.index('id="error-summary"') < page.index('name="title_fr"')
    assert not Meeting.objects.exists()


def test_error_summary_links_to_the_field_of_the_main_form(staff_client):
    data = new_meeting_data(CycleFactory(), title_fr="")

    response = staff_client.post(english(reverse("admin:events_meeting_add")), data)

    assert 'href="#id_title_fr"' in response.text


def test_titles_and_add_buttons_read_as_sentences(staff_client):
    add_page = staff_client.get(english(reverse("admin:events_meeting_add")))
    changelist = staff_client.get(english(reverse("admin:events_organisation_changelist")))

    assert "<h1>Add a meeting</h1>" in add_page.text
    inlines = [
        json.loads(html.unescape(data))["options"]
        for data in re.findall(r'data-inline-formset="([^"]*)"', add_page.text)
    ]
    # The inline's "add" link, which Django's script reads in these options.
    assert {"prefix": "sessions", "addText": "Add a session"}.items() <= next(
        options for options in inlines if options["prefix"] == "sessions"
    ).items()
    assert "Add an organisation" in changelist.text


def test_registration_is_one_registration_in_its_title(staff_client):
    registration = RegistrationFactory()

    page = staff_client.get(
        english(reverse("admin:participants_registration_change", args=[registration.pk]))
    )

    assert "<h1>Change registration</h1>" in page.text


def test_duplicate_copies_sessions_speakers_and_organisers_as_a_draft(staff_client):
    meeting = MeetingFactory(
        title_fr="Atelier", title_en="Workshop", slug="atelier", status="published"
    )
    organiser = MeetingOrganiserFactory(meeting=meeting)
    speaker_link = SessionSpeakerFactory(session__meeting=meeting)
    RegistrationFactory(session=speaker_link.session)
    FindingFactory(meeting=meeting, session=speaker_link.session)
    theme = ThemeFactory()
    meeting.themes.add(theme)

    for _time in range(2):
        staff_client.post(
            reverse("admin:events_meeting_changelist"),
            {"action": "duplicate", "_selected_action": [meeting.pk]},
        )

    first, second = Meeting.objects.exclude(pk=meeting.pk).order_by("pk")
    with translation.override("fr"):  # « copie » once the catalogue has it
        suffix = pgettext("suffix of a copy's slug", "copy")
    assert (first.slug, second.slug) == (f"atelier-{suffix}", f"atelier-{suffix}-2")
    assert first.status == second.status == Meeting.Status.DRAFT
    assert first.title_en == "Copy of Workshop"
    assert first.title_fr != "Atelier" and first.title_fr.endswith("Atelier")
    assert [o.organisation for o in first.meeting_organisers.all()] == [organiser.organisation]
    copied_session = first.sessions.get()
    assert copied_session.pk != speaker_link.session.pk
    assert copied_session.title_fr == speaker_link.session.title_fr
    assert [s.speaker for s in copied_session.session_speakers.all()] == [speaker_link.speaker]
    assert list(first.themes.all()) == [theme]
    assert not first.findings.exists()
    assert not Registration.objects.filter(session__meeting=first).exists()
    # The original keeps what it had.
    assert meeting.sessions.get().registrations.count() == 1
    assert meeting.findings.count() == 1
