"""Staff follow up recommendations in the admin: addressees, dated status updates with who
recorded them, links from later findings, and the list for the yearly review."""

import datetime as dt

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from tests.factories import FindingFactory, MeetingFactory, OrganisationFactory, StaffFactory
from themes.models import Addressee, Finding, FollowUpStatus, StatusUpdate

pytestmark = pytest.mark.django_db

RECOMMENDATION = Finding.Kind.RECOMMENDATION


def recommendation_of(meeting, **fields):
    return FindingFactory(meeting=meeting, kind=RECOMMENDATION, **fields)


@pytest.fixture
def earlier():
    return MeetingFactory(start=timezone.now() - dt.timedelta(days=700))


@pytest.fixture
def later():
    return MeetingFactory(start=timezone.now() - dt.timedelta(days=30))


def change_url(recommendation) -> str:
    return reverse("admin:themes_recommendation_change", args=[recommendation.pk])


def form_data(client, url: str) -> dict:
    """The change form as the admin renders it, as a browser would send it back."""
    context = client.get(url).context
    data = {}
    for inline in context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(n): management[n].value() for n in management.fields}
        for form in inline.formset.forms:
            for name in form.fields:
                value = form[name].value()
                data[form.add_prefix(name)] = "" if value is None else value
    return data


def test_a_status_update_changes_the_status_and_records_who_made_it(client, earlier):
    recommendation = recommendation_of(earlier)
    staff = StaffFactory(username="amina")
    client.force_login(staff)
    url = change_url(recommendation)
    data = form_data(client, url)
    prefix = "status_updates-0-"
    data |= {
        "status_updates-TOTAL_FORMS": "1",
        f"{prefix}date": "2026-03-02",
        f"{prefix}status": FollowUpStatus.UNDER_WAY,
        f"{prefix}note_fr": "Un groupe de travail a été créé.",
        f"{prefix}note_en": "A working group was set up.",
        f"{prefix}source_url": "https://example.org/rapport",
        f"{prefix}source": "Rapport annuel 2026",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.follow_up_status == FollowUpStatus.UNDER_WAY
    assert recommendation.follow_up_date == dt.date(2026, 3, 2)
    update = StatusUpdate.objects.get()
    assert update.created_by == staff
    assert "amina" in client.get(url).content.decode()  # staff see who recorded it


def test_the_latest_update_gives_the_status_and_deleting_it_restores_the_previous(earlier):
    recommendation = recommendation_of(earlier)
    first = StatusUpdate.objects.create(
        recommendation=recommendation,
        date=dt.date(2025, 9, 1),
        status=FollowUpStatus.UNDER_WAY,
        note="En cours",
    )
    last = StatusUpdate.objects.create(
        recommendation=recommendation,
        date=dt.date(2026, 2, 1),
        status=FollowUpStatus.IMPLEMENTED,
        note="Fait",
    )
    recommendation.refresh_from_db()
    assert recommendation.follow_up_status == FollowUpStatus.IMPLEMENTED

    last.delete()
    recommendation.refresh_from_db()
    assert recommendation.follow_up_status == FollowUpStatus.UNDER_WAY
    first.delete()
    recommendation.refresh_from_db()
    assert recommendation.follow_up_status == FollowUpStatus.PROPOSED
    assert recommendation.follow_up_date is None


def test_an_addressee_is_a_kind_of_actor_or_an_organisation_not_both(staff_client, earlier):
    recommendation = recommendation_of(earlier)
    url = change_url(recommendation)
    unidir = OrganisationFactory(name_fr="UNIDIR")
    data = form_data(staff_client, url)
    data |= {
        "addressees-TOTAL_FORMS": "3",
        "addressees-0-actor_kind": Addressee.ActorKind.STATES,
        "addressees-0-order": "0",
        "addressees-1-organisation": unidir.pk,
        "addressees-1-order": "1",
        "addressees-2-actor_kind": Addressee.ActorKind.PRIVATE,
        "addressees-2-organisation": unidir.pk,
        "addressees-2-order": "2",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Choisissez soit un type d’acteur, soit une organisation." in response.content.decode()
    assert not Addressee.objects.exists()  # nothing saved from a form with an error

    data |= {"addressees-2-organisation": ""}
    assert staff_client.post(url, data).status_code == 302
    assert [str(a) for a in recommendation.addressees.all()] == [
        "États et gouvernements",
        "UNIDIR",
        "Secteur privé et entreprises technologiques",
    ]


def test_the_yearly_review_lists_recommendations_without_an_update_for_12_months(
    staff_client, earlier, later
):
    never = recommendation_of(earlier, title_fr="Jamais suivie")
    old = recommendation_of(earlier, title_fr="Suivie il y a longtemps")
    StatusUpdate.objects.create(
        recommendation=old,
        date=timezone.localdate() - dt.timedelta(days=400),
        status=FollowUpStatus.UNDER_WAY,
        note="…",
    )
    fresh = recommendation_of(earlier, title_fr="Suivie récemment")
    StatusUpdate.objects.create(
        recommendation=fresh,
        date=timezone.localdate() - dt.timedelta(days=20),
        status=FollowUpStatus.UNDER_WAY,
        note="…",
    )
    recommendation_of(later, title_fr="Trop récente")
    FindingFactory(meeting=earlier, kind=Finding.Kind.RISK, title_fr="Un risque")

    response = staff_client.get(reverse("admin:themes_recommendation_changelist") + "?review=stale")

    shown = {r.title for r in response.context["cl"].result_list}
    assert shown == {never.title, old.title}
    assert "Aucune mise à jour depuis 12\u00a0mois" in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_recommendations_list_costs_a_fixed_number_of_queries(
    staff_client, earlier, count, django_assert_max_num_queries
):
    for _ in range(count):
        recommendation_of(earlier)
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:themes_recommendation_changelist"))
    assert response.context["cl"].result_count == count


def test_a_later_finding_is_linked_to_the_recommendation_it_takes_up(staff_client, earlier, later):
    recommendation = recommendation_of(earlier, title_fr="Un cadre éthique partagé")
    finding = FindingFactory(meeting=later, kind=Finding.Kind.OPPORTUNITY)
    url = reverse("admin:themes_finding_changelist")
    chosen = {"action": "take_up", helpers.ACTION_CHECKBOX_NAME: [finding.pk]}

    page = staff_client.post(url, chosen)
    assert page.status_code == 200
    assert "Un cadre éthique partagé" in page.content.decode()

    response = staff_client.post(url, chosen | {"apply": "1", "recommendation": recommendation.pk})

    assert response.status_code == 302
    assert list(recommendation.taken_up_by.all()) == [finding]
    follow_up = staff_client.get(change_url(recommendation)).content.decode()
    assert finding.title in follow_up


def test_only_a_recommendation_of_an_earlier_meeting_can_be_taken_up(staff_client, earlier, later):
    recommendation = recommendation_of(later, title_fr="Plus récente")
    finding = FindingFactory(meeting=earlier)
    url = reverse("admin:themes_finding_changelist")
    chosen = {"action": "take_up", helpers.ACTION_CHECKBOX_NAME: [finding.pk]}

    response = staff_client.post(url, chosen | {"apply": "1", "recommendation": recommendation.pk})

    assert response.status_code == 200
    assert "seule une recommandation d’une rencontre antérieure" in response.content.decode()
    assert not finding.takes_up.exists()


def test_a_recommendation_is_added_with_its_meeting_not_in_the_follow_up_list(staff_client):
    assert staff_client.get(reverse("admin:themes_recommendation_add")).status_code == 403


def test_staff_who_may_only_view_a_meeting_see_its_themes(client):
    """« Gestion des inscriptions » view meetings without changing them: the page shows the
    themes as text (it failed with a 500 before)."""
    from django.contrib.auth.models import Group

    from participants.groups import REGISTRATION_MANAGERS
    from tests.factories import ThemeFactory

    meeting = MeetingFactory()
    meeting.themes.set([ThemeFactory(name_fr="Désarmement")])
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name=REGISTRATION_MANAGERS))
    client.force_login(user)

    response = client.get(reverse("admin:events_meeting_change", args=[meeting.pk]))

    assert response.status_code == 200
    assert "Désarmement" in response.content.decode()
    assert 'name="themes"' not in response.content.decode()
