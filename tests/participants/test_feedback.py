"""After a meeting: the follow-up e-mail, the feedback form it links to, and what staff see of
the answers (list, CSV export, summary chart)."""

import csv
import datetime as dt
import io
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Meeting
from participants import follow_up, tokens
from participants.models import Delivery, Feedback, Registration
from tests.factories import MeetingFactory, ParticipantFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
NOW = timezone.now()


def meeting_ended(ago: dt.timedelta = dt.timedelta(days=2), **fields) -> Meeting:
    end = NOW - ago
    return MeetingFactory(start=end - dt.timedelta(hours=8), end=end, **fields)


def register(meeting, participant=None, status=Status.CONFIRMED) -> Registration:
    session = SessionFactory(meeting=meeting)
    participant = participant or ParticipantFactory()
    return RegistrationFactory(session=session, participant=participant, status=status)


def feedback_path(participant, meeting, language="fr") -> str:
    token = tokens.feedback_token(participant=participant, meeting=meeting)
    with translation.override(language):
        return reverse("participants:feedback", kwargs={"token": token})


ANSWERS = {
    "usefulness": "4",
    "improvements": "Plus de temps pour les questions.",
    "next_topics": "Les armes autonomes.",
    "attend_again": "yes",
}


# The follow-up e-mail


def test_follow_up_goes_once_per_person_a_day_after_the_end(captured, mailoutbox):
    meeting = meeting_ended(ago=dt.timedelta(0), title_en="Workshop on AI")
    participant = ParticipantFactory(language="en")
    register(meeting, participant)
    register(meeting, participant)  # two sessions: still one e-mail
    end = meeting.end

    with captured(execute=True):
        too_early = follow_up.follow_ups_send(now=end + dt.timedelta(hours=23))
    with captured(execute=True):
        sent = follow_up.follow_ups_send(now=end + dt.timedelta(days=1, hours=1))
    with captured(execute=True):
        again = follow_up.follow_ups_send(now=end + dt.timedelta(days=1, hours=2))

    assert (too_early, sent, again) == (0, 1, 0)
    (message,) = mailoutbox
    assert message.to == [participant.email]
    assert message.subject == "Thank you for taking part — Workshop on AI"
    assert "2 minutes, 4 questions" in message.body
    with translation.override("en"):
        path = reverse("events:detail", kwargs={"slug": meeting.slug})
    assert f"{path}#findings-title" in message.body
    # The link's token is signed with its time: read it back rather than sign one again.
    (token,) = re.findall(r"/en/feedback/([^/\s]+)/", message.body)
    link = tokens.read_feedback_token(token)
    assert (link.participant_id, link.meeting_id) == (participant.pk, meeting.pk)
    html = message.alternatives[0][0]
    assert "#findings-title" in html and "/en/feedback/" in html
    assert message.attachments == []  # the meeting is over: no calendar file
    delivery = Delivery.objects.get()
    assert (delivery.kind, delivery.key, delivery.language) == (
        Delivery.Kind.FOLLOW_UP,
        f"follow_up:{meeting.pk}:{participant.pk}",
        "en",
    )


def test_follow_up_reaches_only_confirmed_people_who_still_take_messages(captured, mailoutbox):
    meeting = meeting_ended()
    confirmed = register(meeting).participant
    register(meeting, status=Status.WAITLISTED)
    register(meeting, status=Status.CANCELLED)
    stopped = register(meeting).participant
    stopped.messages_stopped_at = NOW
    stopped.save()
    anonymised = register(meeting).participant
    anonymised.anonymised_at = NOW
    anonymised.save()

    with captured(execute=True):
        sent = follow_up.follow_ups_send(now=NOW)

    assert sent == 1
    assert [message.to for message in mailoutbox] == [[confirmed.email]]
    assert "/fr/" in mailoutbox[0].body


def test_no_follow_up_for_cancelled_drafts_or_meetings_long_over(captured, mailoutbox):
    register(meeting_ended(status=Meeting.Status.CANCELLED))
    register(meeting_ended(status=Meeting.Status.DRAFT))
    register(meeting_ended(ago=dt.timedelta(days=15)))

    with captured(execute=True):
        sent = follow_up.follow_ups_send(now=NOW)

    assert sent == 0
    assert mailoutbox == []


def test_follow_up_queries_do_not_grow_with_participants(django_assert_max_num_queries):
    def add_people(meeting, count):
        for _ in range(count):
            register(meeting)

    add_people(meeting_ended(), 3)
    with CaptureQueriesContext(connection) as with_three:
        assert follow_up.follow_ups_send(now=NOW) == 3
    add_people(meeting_ended(), 30)

    with django_assert_max_num_queries(len(with_three)):
        sent = follow_up.follow_ups_send(now=NOW)

    assert sent == 30


# The feedback form


@pytest.mark.parametrize("language", ["fr", "en"])
def test_feedback_form_is_answered_once_in_either_language(client, language):
    meeting = meeting_ended()
    participant = register(meeting).participant
    path = feedback_path(participant, meeting, language)

    form = client.get(path)
    sent = client.post(path, ANSWERS)
    thanks = client.get(path)
    again = client.post(path, ANSWERS | {"usefulness": "1"})

    assert form.status_code == 200
    assert f'<html lang="{language}"' in form.text
    assert '<meta name="robots" content="noindex">' in form.text
    assert form.text.count("<fieldset") == 2 and form.text.count("<legend>") == 2
    assert form.text.count('type="radio"') == 8
    assert (sent.status_code, sent["Location"]) == (302, path)
    assert thanks.status_code == 200 and "<form method" not in thanks.text
    assert again.status_code == 409
    answer = Feedback.objects.get()
    assert (answer.meeting, answer.participant, answer.usefulness) == (meeting, participant, 4)
    assert (answer.attend_again, answer.language) == ("yes", language)
    assert answer.next_topics == "Les armes autonomes."


def test_feedback_page_in_english_asks_the_four_questions(client):
    meeting = meeting_ended()
    participant = register(meeting).participant

    response = client.get(feedback_path(participant, meeting, "en"))

    for question in [
        "How useful was the meeting to you?",
        "What could we improve?",
        "Which topics would you like the next meetings to take up?",
        "Would you attend another meeting of the cycle?",
        "2 minutes, 4 questions",
    ]:
        assert question in response.text


def test_feedback_form_refuses_bad_answers_with_their_reasons(client):
    meeting = meeting_ended()
    participant = register(meeting).participant
    path = feedback_path(participant, meeting, "en")

    empty = client.post(path, {})
    out_of_range = client.post(path, ANSWERS | {"usefulness": "9", "attend_again": "often"})
    too_long = client.post(path, ANSWERS | {"improvements": "x" * 3001})

    assert empty.status_code == out_of_range.status_code == too_long.status_code == 400
    for response in (empty, out_of_range):
        assert "Choose a number from 1 to 5." in response.text
        assert "Choose yes, maybe or no." in response.text
        assert 'id="form-errors"' in response.text
    assert 'id="id_improvements_error"' in too_long.text
    assert Feedback.objects.count() == 0


def test_two_racing_answers_keep_one(monkeypatch):
    meeting = meeting_ended()
    participant = register(meeting).participant
    answers = {"usefulness": 5, "attend_again": "maybe"}
    follow_up.feedback_record(
        meeting=meeting, participant=participant, answers=answers, language="fr", now=NOW
    )
    # The second request checked before the first one wrote: the constraint decides.
    monkeypatch.setattr(follow_up, "feedback_check", lambda **kwargs: None)

    with pytest.raises(follow_up.FeedbackRefused) as refused:
        follow_up.feedback_record(
            meeting=meeting, participant=participant, answers=answers, language="fr", now=NOW
        )

    assert refused.value.reason == "answered"
    assert Feedback.objects.count() == 1


def test_altered_or_foreign_feedback_links_are_refused(client):
    meeting = meeting_ended()
    participant = register(meeting).participant
    token = tokens.feedback_token(participant=participant, meeting=meeting)
    stop = tokens.stop_token(participant=participant)  # a real link, of another kind

    for bad in [token[:-2] + "xx", "altered", stop]:
        response = client.post(reverse("participants:feedback", kwargs={"token": bad}), ANSWERS)
        assert response.status_code == 400
        assert "This link cannot be used" in response.text or "Ce lien" in response.text
    assert Feedback.objects.count() == 0


def test_revoked_and_anonymised_links_are_gone(client):
    meeting = meeting_ended()
    revoked = register(meeting).participant
    revoked_path = feedback_path(revoked, meeting)
    revoked.manage_key = "a-new-key"
    revoked.save()
    anonymised = register(meeting).participant
    anonymised.anonymised_at = NOW
    anonymised.save()

    assert client.get(revoked_path).status_code == 410
    assert client.post(feedback_path(anonymised, meeting), ANSWERS).status_code == 410
    assert Feedback.objects.count() == 0


def test_unpublished_meeting_has_no_form(client):
    meeting = meeting_ended(status=Meeting.Status.DRAFT)
    participant = register(meeting).participant

    assert client.get(feedback_path(participant, meeting)).status_code == 404


def test_form_opens_only_once_the_meeting_has_ended(client):
    start = NOW + dt.timedelta(days=3)
    meeting = MeetingFactory(start=start, end=start + dt.timedelta(hours=8))
    participant = register(meeting).participant
    path = feedback_path(participant, meeting, "en")

    shown = client.get(path)
    posted = client.post(path, ANSWERS)

    assert shown.status_code == 200
    assert "opens when the meeting has ended" in shown.text and "<form method" not in shown.text
    assert posted.status_code == 403
    assert Feedback.objects.count() == 0


def test_form_closes_sixty_days_after_the_end(client):
    open_meeting = meeting_ended(ago=dt.timedelta(days=59))
    closed_meeting = meeting_ended(ago=dt.timedelta(days=61))
    still_open = register(open_meeting).participant
    too_late = register(closed_meeting).participant

    assert client.get(feedback_path(still_open, open_meeting)).status_code == 200
    response = client.post(feedback_path(too_late, closed_meeting, "en"), ANSWERS)
    assert response.status_code == 410
    assert "is closed" in response.text
    assert Feedback.objects.count() == 0


@pytest.mark.parametrize("status", [Status.WAITLISTED, Status.CANCELLED, Status.PENDING])
def test_only_confirmed_participants_may_answer(client, status):
    meeting = meeting_ended()
    participant = register(meeting, status=status).participant
    # Confirmed for another meeting does not count.
    register(meeting_ended(), participant)
    path = feedback_path(participant, meeting, "en")

    shown = client.get(path)
    posted = client.post(path, ANSWERS)

    assert shown.status_code == posted.status_code == 403
    assert "Only the people whose registration for this meeting was confirmed" in shown.text
    assert Feedback.objects.count() == 0


def test_feedback_page_queries_are_fixed(client, django_assert_max_num_queries):
    meeting = meeting_ended()
    participant = register(meeting).participant
    for _ in range(5):
        register(meeting, participant)

    with django_assert_max_num_queries(6):
        response = client.get(feedback_path(participant, meeting))

    assert response.status_code == 200


# What staff see


def answer(meeting, usefulness, attend_again="yes", **fields) -> Feedback:
    participant = register(meeting).participant
    return Feedback.objects.create(
        meeting=meeting,
        participant=participant,
        usefulness=usefulness,
        attend_again=attend_again,
        language=fields.pop("language", "fr"),
        **fields,
    )


def parse_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_answers_list_never_names_who_answered(staff_client):
    meeting = meeting_ended(title_fr="Atelier sur l’IA")
    mine = answer(meeting, 4, improvements="Rien.")

    listed = staff_client.get(reverse("admin:participants_feedback_changelist"))
    shown = staff_client.get(reverse("admin:participants_feedback_change", args=[mine.pk]))

    assert listed.status_code == shown.status_code == 200
    assert "Atelier sur l’IA" in listed.text
    for response in (listed, shown):
        assert mine.participant.last_name not in response.text
        assert mine.participant.email not in response.text
    assert "Rien." in shown.text
    assert 'name="usefulness"' not in shown.text  # read only


def test_csv_export_of_one_meeting_has_the_answers_and_no_personal_data(staff_client):
    meeting = meeting_ended(title_fr="Atelier sur l’IA", slug="atelier")
    first = answer(meeting, 5, "maybe", improvements="=HYPERLINK(1)", next_topics="Drones")
    answer(meeting_ended(), 1, "no")  # another meeting's
    url = reverse("admin:participants_feedback_export")

    response = staff_client.get(f"{url}?meeting__id__exact={meeting.pk}")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.search(r'filename="feedback-atelier-\d{8}\.csv"', response["Content-Disposition"])
    header, *rows = parse_csv(response)
    assert len(header) == 7
    assert len(rows) == 1
    (row,) = rows
    assert row[0] == "Atelier sur l’IA"
    assert row[3:7] == ["5", first.get_attend_again_display(), "'=HYPERLINK(1)", "Drones"]
    text = response.content.decode("utf-8-sig")
    assert first.participant.email not in text and first.participant.last_name not in text
    assert "Awa" not in text  # the participants' first name


def test_csv_export_action_exports_the_selected_answers(staff_client):
    meeting = meeting_ended()
    chosen = answer(meeting, 2)
    answer(meeting, 3)

    response = staff_client.post(
        reverse("admin:participants_feedback_changelist"),
        {"action": "export_answers", ACTION_CHECKBOX_NAME: [chosen.pk]},
    )

    assert response.status_code == 200
    _header, *rows = parse_csv(response)
    assert [row[3] for row in rows] == ["2"]


def test_export_with_a_bad_filter_says_so(staff_client):
    url = reverse("admin:participants_feedback_export")

    response = staff_client.get(f"{url}?usefulness=abc")

    assert response.status_code == 400
    assert "Ces filtres ne sont pas valides" in response.text


def test_summary_shows_counts_average_and_chart_of_one_meeting(staff_client):
    meeting = meeting_ended(title_fr="Atelier sur l’IA")
    for usefulness, again in [(5, "yes"), (5, "yes"), (4, "maybe"), (2, "no")]:
        answer(meeting, usefulness, again)
    answer(meeting_ended(), 1, "no")  # another meeting's

    response = staff_client.get(
        reverse("admin:participants_feedback_meeting_summary", args=[meeting.pk])
    )

    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.answers == 4
    assert summary.average == 4.0
    assert summary.usefulness == [(1, 0), (2, 1), (3, 0), (4, 1), (5, 2)]
    assert [(value, count) for value, _label, count in summary.attend_again] == [
        ("yes", 2),
        ("maybe", 1),
        ("no", 1),
    ]
    text = response.text
    assert "<svg" in text and 'role="img"' in text and "style=" not in text.split("<svg")[1]
    # The fullest bar takes the whole width; half as many answers, half of it.
    assert 'width="300" height="22"><title>5: 2</title>' in text
    assert 'width="150" height="22"><title>4: 1</title>' in text
    assert '<tr><th scope="row">5</th><td>2</td></tr>' in text
    assert "css/feedback-admin.css" in text


def test_summary_list_names_meetings_with_answers(staff_client):
    meeting = meeting_ended(title_fr="Atelier sur l’IA")
    answer(meeting, 3)
    meeting_ended(title_fr="Sans réponse")

    response = staff_client.get(reverse("admin:participants_feedback_summary"))

    assert "Atelier sur l’IA" in response.text and "Sans réponse" not in response.text


def test_summary_of_an_unknown_meeting_is_not_found(staff_client):
    url = reverse("admin:participants_feedback_meeting_summary", args=[999999])

    assert staff_client.get(url).status_code == 404


def test_staff_without_the_permission_see_no_answers(client):
    user = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    client.force_login(user)
    meeting = meeting_ended()
    answer(meeting, 3)

    for url in [
        reverse("admin:participants_feedback_changelist"),
        reverse("admin:participants_feedback_export"),
        reverse("admin:participants_feedback_meeting_summary", args=[meeting.pk]),
    ]:
        assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "url_of",
    [
        lambda meeting: reverse("admin:participants_feedback_changelist"),
        lambda meeting: reverse("admin:participants_feedback_meeting_summary", args=[meeting.pk]),
        lambda meeting: (
            reverse("admin:participants_feedback_export") + f"?meeting__id__exact={meeting.pk}"
        ),
    ],
    ids=["list", "summary", "export"],
)
def test_staff_pages_queries_do_not_grow_with_answers(
    staff_client, django_assert_max_num_queries, url_of
):
    meeting = meeting_ended()
    for index in range(10):
        answer(meeting, index % 5 + 1)
    url = url_of(meeting)
    with CaptureQueriesContext(connection) as with_ten:
        staff_client.get(url)
    for index in range(40):
        answer(meeting, index % 5 + 1, "no")

    with django_assert_max_num_queries(len(with_ten)):
        response = staff_client.get(url)

    assert response.status_code == 200
