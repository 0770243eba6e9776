import pytest

from events.models import Event
from tests.factories import (
    EventFactory,
    FindingFactory,
    OrganisationFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


def attributed_finding(*, chatham_house: bool):
    event = EventFactory()
    session = SessionFactory(event=event, title_fr="Table ronde sur l’IA")
    organisation = OrganisationFactory(name_fr="Mission permanente de Nulle-Part")
    speaker = SpeakerFactory(name="Camille Oratrice", affiliation=organisation)
    SessionSpeakerFactory(session=session, speaker=speaker)
    return FindingFactory(
        event=event,
        session=session,
        speaker=speaker,
        organisation=organisation,
        title_fr="Un constat attribuable",
        chatham_house=chatham_house,
    )


def test_finding_page_credits_its_source_when_not_under_chatham_house(client):
    finding = attributed_finding(chatham_house=False)

    page = client.get(finding.get_absolute_url()).text

    assert "Camille Oratrice" in page
    assert "Mission permanente de Nulle-Part" in page


def test_chatham_house_finding_never_names_a_speaker_or_organisation(client):
    finding = attributed_finding(chatham_house=True)

    finding_page = client.get(finding.get_absolute_url()).text
    meeting_page = client.get(finding.event.get_absolute_url()).text
    findings_part = meeting_page[meeting_page.index('id="findings-title"') :]

    assert "Un constat attribuable" in finding_page
    assert "règle de Chatham House" in finding_page
    assert "Camille Oratrice" not in finding_page
    assert "Mission permanente de Nulle-Part" not in finding_page
    assert "Camille Oratrice" not in findings_part
    assert "Mission permanente de Nulle-Part" not in findings_part


def test_finding_of_a_draft_meeting_is_a_404(client):
    finding = FindingFactory(event__status=Event.Status.DRAFT)

    response = client.get(finding.get_absolute_url())

    assert response.status_code == 404


def test_finding_page_in_english(client):
    finding = FindingFactory(title_fr="Lutte contre la piraterie", title_en="Fighting piracy")

    response = client.get(f"/en/findings/{finding.pk}/")

    assert response.status_code == 200
    assert "Fighting piracy" in response.text
