"""A meeting's themes and findings are edited on the meeting's admin page, though the
themes app owns them."""

import pytest
from django.urls import reverse

from tests.events.test_timezones import form_of
from tests.factories import FindingFactory, MeetingFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_meeting_change_page_shows_its_themes_chosen_and_its_findings(staff_client):
    chosen, other = ThemeFactory(name_fr="Désarmement"), ThemeFactory(name_fr="Cybersécurité")
    meeting = MeetingFactory()
    meeting.themes.set([chosen])
    FindingFactory(meeting=meeting, title_fr="Un risque à suivre")

    response = staff_client.get(reverse("admin:events_meeting_change", args=[meeting.pk]))

    assert response.status_code == 200
    assert form_of(response)["themes"] == str(chosen.pk)
    assert "Un risque à suivre" in response.text
    assert f'<option value="{other.pk}">Cybersécurité</option>' in response.text


def test_staff_change_a_meetings_themes_on_its_admin_page(staff_client):
    kept, dropped, added = ThemeFactory(), ThemeFactory(), ThemeFactory()
    meeting = MeetingFactory()
    meeting.themes.set([kept, dropped])
    url = reverse("admin:events_meeting_change", args=[meeting.pk])
    data = form_of(staff_client.get(url)) | {"themes": [str(kept.pk), str(added.pk)]}

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert set(meeting.themes.all()) == {kept, added}


def test_meetings_admin_list_filters_by_theme(staff_client):
    theme = ThemeFactory()
    MeetingFactory(title_fr="Sur le thème").themes.set([theme])
    MeetingFactory(title_fr="Hors thème")

    response = staff_client.get(
        reverse("admin:events_meeting_changelist") + f"?themes__id__exact={theme.pk}"
    )

    assert "Sur le thème" in response.text
    assert "Hors thème" not in response.text


def test_new_findings_left_at_zero_follow_the_others_of_their_kind(staff_client):
    meeting = MeetingFactory()
    FindingFactory(meeting=meeting, kind="opportunity", order=4)
    url = reverse("admin:events_meeting_change", args=[meeting.pk])
    data = form_of(staff_client.get(url))
    rows = [("opportunity", "Une autre opportunité"), ("risk", "Un risque"), ("risk", "Un autre")]
    for index, (kind, title) in enumerate(rows, start=1):
        data |= {
            f"findings-{index}-kind": kind,
            f"findings-{index}-sector": "both",
            f"findings-{index}-title_fr": title,
            f"findings-{index}-order": "0",
        }
    data["findings-TOTAL_FORMS"] = str(1 + len(rows))

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert list(meeting.findings.order_by("kind", "order").values_list("kind", "order")) == [
        ("opportunity", 4),
        ("opportunity", 5),
        ("risk", 0),
        ("risk", 1),
    ]
