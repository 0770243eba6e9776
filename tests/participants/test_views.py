"""The registration flow through its real pages: form, e-mail, confirmation, management."""

import datetime as dt
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from events.models import Meeting
from participants import tokens
from participants.models import Participant, Registration
from tests.factories import ParticipantFactory, RegistrationFactory, SessionFactory
from tests.participants.conftest import form_data, link_in

pytestmark = pytest.mark.django_db

Status = Registration.Status


def register(client, session, page="fr", **overrides):
    path = {"fr": "/fr/inscription/atelier/", "en": "/en/register/atelier/"}[page]
    return client.post(path, form_data(session, **overrides))


def confirm(client, mailoutbox, captured):
    path = link_in(mailoutbox[-1], "confirmer" if "/fr/" in mailoutbox[-1].body else "confirm")
    with captured(execute=True):
        return client.post(path)


def same_manage_page(path, other) -> bool:
    """Whether two manage links open the same page (signed a second apart, they differ)."""
    read = [tokens.read_manage_token(p.rstrip("/").rsplit("/", 1)[1]) for p in (path, other)]
    return read[0] == read[1] and path.startswith("/fr/inscription/gerer/")


def test_meeting_page_shows_register_buttons_and_places_left(client, session):
    response = client.get("/fr/rencontres/atelier/")

    assert "2 places restantes" in response.text
    assert f"/fr/inscription/atelier/?session={session.pk}" in response.text


def test_meeting_page_says_when_a_session_is_full(client, session):
    RegistrationFactory.create_batch(2, session=session, status=Status.CONFIRMED)

    response = client.get("/fr/rencontres/atelier/")

    assert "Complet" in response.text
    assert "Rejoindre la liste d’attente" in response.text


def test_form_offers_only_open_sessions(client, session):
    closed = SessionFactory(
        meeting=session.meeting,
        title_fr="Séance fermée",
        start=session.start,
        end=session.end,
        registration_open=False,
    )

    response = client.get("/fr/inscription/atelier/")

    assert response.status_code == 200
    assert "Table ronde" in response.text
    assert "Séance fermée" not in response.text
    assert register(client, closed).status_code == 400
    assert not Registration.objects.exists()


def test_full_flow_in_french(client, session, mailoutbox, captured):
    with captured(execute=True):
        response = register(client, session)

    assert response.status_code == 302
    check = client.get(response.headers["Location"])
    assert "Vérifiez vos e-mails" in check.text
    assert Registration.objects.get().status == Status.PENDING
    assert mailoutbox[0].subject.startswith("Confirmez votre inscription")
    participant = Participant.objects.get()
    assert participant.consent_at is not None and participant.privacy_notice_version

    confirm_page = client.get(link_in(mailoutbox[0], "confirmer"))
    assert "Confirmer mon inscription" in confirm_page.text
    confirmed = confirm(client, mailoutbox, captured)

    assert Registration.objects.get().status == Status.CONFIRMED
    outcome = mailoutbox[1]
    assert "Confirmée" in outcome.body
    assert outcome.attachments[0][0] == "rencontre.ics"
    assert outcome.alternatives[0][1] == "text/html"
    manage = client.get(confirmed.headers["Location"])
    assert "Votre adresse e-mail est confirmée." in manage.text
    assert "Table ronde" in manage.text

    with captured(execute=True):
        asked = client.post(confirmed.headers["Location"], {"cancel": "all"})
        cancelled = client.post(confirmed.headers["Location"], {"cancel": "all", "confirm": "yes"})

    assert "Annuler votre inscription" in asked.text
    assert cancelled.status_code == 302
    assert Registration.objects.get().status == Status.CANCELLED
    assert mailoutbox[-1].subject.startswith("Inscription annulée")


def test_full_flow_in_english(client, session, mailoutbox, captured):
    with captured(execute=True):
        register(client, session, page="en", language="en")
    confirmed = confirm(client, mailoutbox, captured)

    manage = client.get(confirmed.headers["Location"])

    assert mailoutbox[0].subject.startswith("Confirm your registration")
    assert "Workshop on AI" in mailoutbox[0].body
    assert mailoutbox[1].attachments[0][0] == "meeting.ics"
    assert "/en/registration/manage/" in confirmed.headers["Location"]
    assert "Your registration" in manage.text and "Confirmed" in manage.text


def test_full_session_puts_the_confirmation_on_the_waiting_list(
    client, session, mailoutbox, captured
):
    RegistrationFactory.create_batch(2, session=session, status=Status.CONFIRMED)
    with captured(execute=True):
        register(client, session)

    confirm(client, mailoutbox, captured)

    mine = Registration.objects.get(participant__email="eloise@example.org")
    assert mine.status == Status.WAITLISTED
    assert "Liste d’attente" in mailoutbox[-1].body
    assert not mailoutbox[-1].attachments


def test_approval_mode_puts_the_confirmation_before_staff(client, session, mailoutbox, captured):
    Meeting.objects.filter(pk=session.meeting_id).update(
        registration_mode=Meeting.RegistrationMode.APPROVAL
    )
    with captured(execute=True):
        register(client, session)

    confirm(client, mailoutbox, captured)

    assert Registration.objects.get().status == Status.AWAITING_APPROVAL
    assert "En attente de validation" in mailoutbox[-1].body


def test_registering_again_creates_nothing_and_resends_the_manage_link(
    client, session, mailoutbox, captured
):
    with captured(execute=True):
        register(client, session)
    confirm(client, mailoutbox, captured)

    with captured(execute=True):
        again = register(client, session, email="ELOISE@example.org", first_name="Autre")

    assert again.status_code == 302
    assert Registration.objects.count() == 1
    assert Participant.objects.get().first_name == "Éloïse"
    assert mailoutbox[-1].subject.startswith("Vous êtes déjà inscrit")
    assert "/fr/inscription/gerer/" in mailoutbox[-1].body


def test_check_email_page_is_the_same_for_a_known_and_a_new_address(client, session, captured):
    with captured(execute=True):
        first = client.get(register(client, session).headers["Location"])
        second = client.get(register(client, session).headers["Location"])

    assert first.text == second.text


def test_double_submission_creates_no_duplicate(client, session, captured):
    with captured(execute=True):
        register(client, session)
        register(client, session)

    assert Registration.objects.count() == 1
    assert Participant.objects.count() == 1


def test_confirmation_link_used_again_shows_where_the_registration_stands(
    client, session, mailoutbox, captured
):
    with captured(execute=True):
        register(client, session)
    path = link_in(mailoutbox[0], "confirmer")
    manage = confirm(client, mailoutbox, captured).headers["Location"]

    response = client.get(path, follow=True)

    assert same_manage_page(response.redirect_chain[0][0], manage)
    assert "Ce lien de confirmation a déjà été utilisé." in response.text
    assert "Confirmée" in response.text
    assert Registration.objects.get().status == Status.CONFIRMED


def test_link_whose_nonce_was_emptied_before_nonces_were_kept_gets_a_410(
    client, session, mailoutbox, captured
):
    """Registrations confirmed before this change had their nonce emptied: their links, still
    in people's mailboxes, say they were used, with a way forward."""
    with captured(execute=True):
        register(client, session)
    path = link_in(mailoutbox[0], "confirmer")
    Registration.objects.update(status=Status.CONFIRMED, confirmation_nonce="")

    response = client.get(path)

    assert response.status_code == 410
    assert "déjà été utilisé" in response.text
    assert "/fr/inscription/atelier/" in response.text


def test_double_submission_keeps_both_links_working_until_one_is_used(
    client, session, mailoutbox, captured
):
    with captured(execute=True):
        register(client, session)
        register(client, session)
    first, second = (link_in(mail, "confirmer") for mail in mailoutbox)

    assert client.get(first).status_code == 200
    assert client.get(second).status_code == 200
    with captured(execute=True):
        used = client.post(first)
    again = client.get(second, follow=True)
    posted_again = client.post(second)

    assert used.status_code == 302
    assert same_manage_page(again.redirect_chain[0][0], used.headers["Location"])
    assert "Confirmée" in again.text
    assert posted_again.status_code == 302
    assert same_manage_page(posted_again.headers["Location"], used.headers["Location"])
    assert Registration.objects.get().status == Status.CONFIRMED


def test_the_second_link_can_be_used_first(client, session, mailoutbox, captured):
    with captured(execute=True):
        register(client, session)
        register(client, session)
    first, second = (link_in(mail, "confirmer") for mail in mailoutbox)

    with captured(execute=True):
        used = client.post(second)
    again = client.get(first)

    assert used.status_code == 302
    assert again.status_code == 302
    assert Registration.objects.get().status == Status.CONFIRMED
    assert len(mailoutbox) == 3  # two requests, one outcome


def test_registering_again_with_old_and_new_sessions_ends_with_a_manage_link_for_all(
    client, session, mailoutbox, captured
):
    later = SessionFactory(
        meeting=session.meeting,
        title_fr="Atelier pratique",
        start=session.start + dt.timedelta(hours=3),
        end=session.start + dt.timedelta(hours=4),
    )
    with captured(execute=True):
        register(client, session)
    confirm(client, mailoutbox, captured)

    with captured(execute=True):
        register(client, session, sessions=[session.pk, later.pk])
    request_mail = mailoutbox[-1]
    manage = confirm(client, mailoutbox, captured).headers["Location"]
    outcome = mailoutbox[-1]
    page = client.get(manage)

    assert "Atelier pratique" in request_mail.body
    assert "Vous aviez déjà une inscription" in request_mail.body
    assert "/fr/inscription/gerer/" in request_mail.body
    assert same_manage_page(link_in(outcome, "gerer"), manage)
    assert "Table ronde" in outcome.body and "Atelier pratique" in outcome.body
    assert page.text.count('<th scope="row">Table ronde') == 1
    assert page.text.count('<th scope="row">Atelier pratique') == 1
    assert Registration.objects.filter(status=Status.CONFIRMED).count() == 2


def test_tampered_confirmation_link_gets_a_400(client, session, mailoutbox, captured):
    with captured(execute=True):
        register(client, session)
    path = link_in(mailoutbox[0], "confirmer")

    response = client.get(path[:-6] + "abcde/")

    assert response.status_code == 400
    assert "a été modifié" in response.text
    assert Registration.objects.get().status == Status.PENDING


def test_expired_confirmation_link_gets_a_410_with_a_new_link(
    client, session, mailoutbox, captured, settings
):
    with captured(execute=True):
        register(client, session)
    registration = Registration.objects.get()
    signed_at = timezone.now() - dt.timedelta(hours=settings.REGISTRATION_LINK_MAX_AGE_HOURS + 1)
    expired = tokens.confirmation_token(
        registration_ids=[registration.pk],
        nonce=registration.confirmation_nonce,
        meeting_id=session.meeting_id,
        now=signed_at,
    )
    sent = link_in(mailoutbox[0], "confirmer")

    response = client.get(sent.removesuffix("/").rsplit("/", 1)[0] + f"/{expired}/")

    assert response.status_code == 410
    assert "a expiré" in response.text
    assert "Obtenir un nouveau lien" in response.text
    assert Registration.objects.get().status == Status.PENDING


def test_tampered_manage_link_gets_a_400(client):
    response = client.get("/en/registration/manage/not-a-real-token/")

    assert response.status_code == 400
    assert "has been altered" in response.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": ""}, "Vous devez accepter la politique de confidentialité"),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse e-mail valide"),
        ({"sessions": []}, "Choisissez au moins une séance"),
        ({"first_name": ""}, "Ce champ est obligatoire"),
        ({"sessions": ["abc"]}, "Choisissez parmi les séances proposées"),
    ],
)
def test_bad_input_gets_a_400_with_a_message_in_french(client, session, overrides, message):
    response = register(client, session, **overrides)

    assert response.status_code == 400
    assert message in response.text
    assert not Registration.objects.exists()


def test_missing_consent_gets_a_message_in_english(client, session):
    response = register(client, session, page="en", language="en", consent="")

    assert response.status_code == 400
    assert "You must accept the privacy notice to register." in response.text


def test_honeypot_filled_is_refused_and_nothing_is_stored(client, session, mailoutbox):
    response = register(client, session, website="http://spam.example")

    assert response.status_code == 400
    assert not Participant.objects.exists()
    assert mailoutbox == []


@override_settings(REGISTRATION_RATE_PER_EMAIL=2)
def test_rate_limit_per_email_gets_a_429(client, session, mailoutbox, captured):
    with captured(execute=True):
        for _ in range(2):
            register(client, session)
        response = register(client, session)

    assert response.status_code == 429
    assert "Trop de demandes" in response.text
    assert len(mailoutbox) == 2


@override_settings(REGISTRATION_RATE_PER_IP=1)
def test_rate_limit_per_address_gets_a_429(client, session, captured):
    with captured(execute=True):
        register(client, session)
        response = register(client, session, email="autre@example.org")

    assert response.status_code == 429
    assert Participant.objects.count() == 1


def test_closed_meeting_offers_no_form(client, session):
    Meeting.objects.filter(pk=session.meeting_id).update(
        registration_mode=Meeting.RegistrationMode.CLOSED
    )

    page = client.get("/fr/inscription/atelier/")
    post = register(client, session)

    assert "Les inscriptions sont fermées pour cette rencontre." in page.text
    assert post.status_code == 400
    assert not Registration.objects.exists()


def test_past_session_cannot_be_chosen(client, session):
    past = SessionFactory(
        meeting=session.meeting,
        start=session.start - dt.timedelta(days=400),
        end=session.start - dt.timedelta(days=400) + dt.timedelta(hours=1),
    )

    response = register(client, past)

    assert response.status_code == 400


def test_nobody_can_cancel_another_persons_registration(client, session, mailoutbox, captured):
    other = RegistrationFactory(session=session, status=Status.CONFIRMED)
    with captured(execute=True):
        register(client, session)
    manage = confirm(client, mailoutbox, captured).headers["Location"]

    response = client.post(manage, {"cancel": str(other.pk)})

    assert response.status_code == 400
    other.refresh_from_db()
    assert other.status == Status.CONFIRMED


def test_privacy_notice_exists_in_both_languages(client):
    french = client.get("/fr/confidentialite/")
    english = client.get("/en/privacy/")

    assert "Politique de confidentialité" in french.text
    assert "Privacy notice" in english.text


def test_no_personal_data_in_urls_or_public_pages(client, session, mailoutbox, captured):
    with captured(execute=True):
        redirect = register(client, session)
    manage = confirm(client, mailoutbox, captured).headers["Location"]
    links = [redirect.headers["Location"], manage, link_in(mailoutbox[0], "confirmer")]

    public = [client.get(p).text for p in ["/fr/", "/fr/rencontres/", "/fr/rencontres/atelier/"]]

    for text in [*links, *public]:
        assert "eloise" not in text.lower()
        assert "Dûpont" not in text


def test_registration_pages_make_a_fixed_number_of_queries(
    client, open_meeting, django_assert_max_num_queries
):
    SessionFactory.create_batch(
        3, meeting=open_meeting, start=open_meeting.start, end=open_meeting.end
    )
    with django_assert_max_num_queries(10) as few:
        client.get("/fr/inscription/atelier/")
    SessionFactory.create_batch(
        27, meeting=open_meeting, start=open_meeting.start, end=open_meeting.end
    )

    with django_assert_max_num_queries(len(few)):
        response = client.get("/fr/inscription/atelier/")

    assert response.text.count('name="sessions"') == 30


def test_confirmation_costs_a_fixed_number_of_queries_per_session(
    client, session, mailoutbox, captured, django_assert_max_num_queries
):
    with captured(execute=True):
        register(client, session)
    path = link_in(mailoutbox[0], "confirmer")

    with django_assert_max_num_queries(20) as queries, captured(execute=True):
        client.post(path)

    print(
        f"\n[cost] one confirmation (request, seat, outcome e-mail recorded then sent "
        f"in-process): {len(queries)} queries"
    )
    assert Registration.objects.get().status == Status.CONFIRMED


def test_failed_e_mail_keeps_the_registration_and_logs_no_personal_data(
    client, session, captured, caplog
):
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")
        ),
        captured(execute=True),
    ):
        response = register(client, session)

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert registration.email_failed
    assert f"[{registration.pk}]" in caplog.text
    assert "eloise" not in caplog.text.lower()
    assert "Dûpont" not in caplog.text


def manage_path_for(registration) -> str:
    return tokens.manage_path(
        participant=registration.participant, meeting=registration.session.meeting
    )


@override_settings(CONTACT_EMAIL="rencontres@francophonie.example")
@pytest.mark.parametrize(
    ("page", "title", "inbox_words"),
    [
        ("fr", "Nous n’avons pas pu vous envoyer l’e-mail", "Vérifiez vos e-mails"),
        ("en", "We could not send you the e-mail", "Check your e-mail"),
    ],
)
def test_failed_confirmation_email_says_so_and_how_to_get_help(
    client, session, page, title, inbox_words
):
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")
    ):
        response = register(client, session, page=page, language=page)
    shown = client.get(response.headers["Location"])

    assert response.status_code == 302
    assert title in shown.text
    assert 'href="mailto:rencontres@francophonie.example"' in shown.text
    assert inbox_words not in shown.text
    assert "spam" not in shown.text
    assert Registration.objects.get().email_failed


def test_failed_email_without_a_contact_address_points_to_the_organisers(client, session):
    with (
        override_settings(CONTACT_EMAIL=""),
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError),
    ):
        response = client.get(register(client, session).headers["Location"])

    assert "contactez les organisateurs de la rencontre" in response.text
    assert "mailto:" not in response.text


def test_failed_email_page_is_the_same_for_a_known_and_a_new_address(client, session, captured):
    with captured(execute=True):
        register(client, session)
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError):
        known = register(client, session)
        new = register(client, session, email="nouvelle@example.org")

    assert known.headers["Location"] == new.headers["Location"]
    assert client.get(known.headers["Location"]).text == client.get(new.headers["Location"]).text


def test_manage_page_lists_a_session_registered_again_once(client, session):
    old = RegistrationFactory(session=session, status=Status.CANCELLED)
    RegistrationFactory(participant=old.participant, session=session, status=Status.CONFIRMED)

    response = client.get(manage_path_for(old))

    assert response.text.count('<th scope="row">Table ronde') == 1
    assert "Confirmée" in response.text
    assert "Annulée" not in response.text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Vous êtes numéro 2 sur la liste d’attente."),
        ("en", "You are number 2 on the waiting list."),
    ],
)
def test_waitlisted_person_sees_their_place_in_the_queue(client, session, language, text):
    now = timezone.now()
    RegistrationFactory.create_batch(2, session=session, status=Status.CONFIRMED)
    _, mine, _ = (
        RegistrationFactory(
            session=session, status=Status.WAITLISTED, waitlisted_at=now + dt.timedelta(minutes=i)
        )
        for i in range(3)
    )

    with translation.override(language):
        response = client.get(manage_path_for(mine))

    assert text in response.text


def test_manage_page_makes_a_fixed_number_of_queries(
    client, open_meeting, django_assert_max_num_queries
):
    participant = ParticipantFactory()
    sessions = SessionFactory.create_batch(12, meeting=open_meeting, capacity=1)
    one = RegistrationFactory(participant=participant, session=sessions[0])
    with django_assert_max_num_queries(12) as few:
        client.get(manage_path_for(one))
    for session in sessions[1:]:
        RegistrationFactory(session=session, status=Status.CONFIRMED)
        RegistrationFactory(session=session, status=Status.WAITLISTED)
        RegistrationFactory(participant=participant, session=session, status=Status.CANCELLED)
        RegistrationFactory(participant=participant, session=session, status=Status.WAITLISTED)

    with django_assert_max_num_queries(len(few)):
        response = client.get(manage_path_for(one))

    assert response.text.count("Vous êtes numéro 2 sur la liste d’attente.") == 11


def test_first_cancel_post_asks_to_confirm_and_cancels_nothing(client, session, mailoutbox):
    mine = RegistrationFactory(session=session, status=Status.CONFIRMED)

    response = client.post(manage_path_for(mine), {"cancel": str(mine.pk)})

    assert response.status_code == 200
    assert "Annuler votre inscription\u00a0?" in response.text
    assert "Table ronde" in response.text
    assert f'name="cancel" value="{mine.pk}"' in response.text
    assert 'name="confirm"' in response.text
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED
    assert mailoutbox == []


def test_confirmed_cancel_cancels_and_gives_the_seat_to_the_waiting_list(
    client, session, mailoutbox, captured
):
    mine = RegistrationFactory(session=session, status=Status.CONFIRMED)
    RegistrationFactory(session=session, status=Status.CONFIRMED)
    waiting = RegistrationFactory(
        session=session, status=Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    path = manage_path_for(mine)

    with captured(execute=True):
        response = client.post(path, {"cancel": str(mine.pk), "confirm": "yes"})

    assert response.status_code == 302
    assert response.headers["Location"] == path
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED
    assert "Votre inscription est annulée." in client.get(path).text
    assert len(mailoutbox) == 2  # cancelled, promoted


def test_cancelling_all_asks_once_for_every_session(client, session):
    mine = RegistrationFactory(session=session, status=Status.CONFIRMED)
    other = SessionFactory(meeting=session.meeting, title_fr="Atelier pratique")
    RegistrationFactory(participant=mine.participant, session=other, status=Status.WAITLISTED)
    path = manage_path_for(mine)

    asked = client.post(path, {"cancel": "all"})
    done = client.post(path, {"cancel": "all", "confirm": "yes"})

    assert "Table ronde" in asked.text and "Atelier pratique" in asked.text
    assert done.status_code == 302
    assert not Registration.objects.active().exists()


@pytest.mark.parametrize("choice", ["", "abc", "²", "9" * 40, "-1", "all2"])
def test_bad_cancel_choice_gets_a_400_and_cancels_nothing(client, session, choice):
    mine = RegistrationFactory(session=session, status=Status.CONFIRMED)

    response = client.post(manage_path_for(mine), {"cancel": choice, "confirm": "yes"})

    assert response.status_code == 400
    assert "Il n’y avait rien à annuler" in response.text
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED


@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "Ce lien de gestion de votre inscription a expiré"), ("en", "has expired")],
)
def test_manage_link_answers_410_once_the_meeting_ended_long_ago(
    client, open_meeting, language, text, settings
):
    ended = timezone.now() - dt.timedelta(days=settings.MANAGE_LINK_DAYS_AFTER_MEETING + 1)
    Meeting.objects.filter(pk=open_meeting.pk).update(start=ended - dt.timedelta(days=1), end=ended)
    past = SessionFactory(meeting=open_meeting, start=ended - dt.timedelta(hours=2), end=ended)
    mine = RegistrationFactory(session=past, status=Status.CONFIRMED)

    with translation.override(language):
        path = manage_path_for(mine)
        response = client.get(path)
        posted = client.post(path, {"cancel": "all", "confirm": "yes"})

    assert response.status_code == 410
    assert text in response.text
    assert posted.status_code == 410
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED


def test_manage_link_still_works_within_the_days_after_the_meeting(client, open_meeting, settings):
    ended = timezone.now() - dt.timedelta(days=settings.MANAGE_LINK_DAYS_AFTER_MEETING - 1)
    Meeting.objects.filter(pk=open_meeting.pk).update(start=ended - dt.timedelta(days=1), end=ended)
    past = SessionFactory(meeting=open_meeting, start=ended - dt.timedelta(hours=2), end=ended)
    mine = RegistrationFactory(session=past, status=Status.CONFIRMED)

    response = client.get(manage_path_for(mine))

    assert response.status_code == 200


def test_registration_forms_post_to_their_own_page_with_the_submit_once_script(
    client, session, mailoutbox, captured
):
    with captured(execute=True):
        register(client, session)
    confirm_page = client.get(link_in(mailoutbox[0], "confirmer"))
    manage = confirm(client, mailoutbox, captured).headers["Location"]
    pages = [
        client.get("/fr/inscription/atelier/"),
        confirm_page,
        client.get(manage),
        client.post(manage, {"cancel": "all"}),
    ]

    for page in pages:
        assert page.status_code == 200
        assert "<form" in page.text
        assert 'action=""' not in page.text
        assert "data-submit-once" in page.text
        assert '<script src="/static/js/submit-once.js" defer></script>' in page.text
        assert "<script>" not in page.text


@pytest.mark.parametrize(
    ("language", "sender", "footer", "contact"),
    [
        (
            "fr",
            "Cycle de rencontres francophones <noreply@example.org>",
            "Organisation internationale de la Francophonie — cycle de rencontres",
            "Questions\u00a0: contact@example.org",
        ),
        (
            "en",
            "Francophone meeting cycle <noreply@example.org>",
            "International Organisation of La Francophonie — cycle of meetings",
            "Questions: contact@example.org",
        ),
    ],
)
def test_emails_come_from_and_sign_off_in_the_participants_language(
    client, session, mailoutbox, captured, settings, language, sender, footer, contact
):
    settings.DEFAULT_FROM_EMAIL = "Portail <noreply@example.org>"
    settings.CONTACT_EMAIL = "contact@example.org"
    with captured(execute=True):
        register(client, session, page=language, language=language)

    [message] = mailoutbox
    assert message.from_email == sender
    assert footer in message.body
    assert contact in message.body
    html = message.alternatives[0][0]
    assert footer in html
    assert 'href="mailto:contact@example.org"' in html


def test_emails_name_no_contact_when_none_is_set(client, session, mailoutbox, captured, settings):
    settings.CONTACT_EMAIL = ""
    with captured(execute=True):
        register(client, session)

    assert "Questions" not in mailoutbox[0].body
    assert "mailto:" not in mailoutbox[0].alternatives[0][0]
