"""E-mails to participants, in their language, as text and HTML, from templates.

Every e-mail is an outbox row first (participants/outbox.py); `build_delivery` makes the
message of a row when the worker sends it. A failed sending never undoes a registration: it
is logged without personal data and the registrations are flagged so that staff can resend.
"""

import re
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext

from events.calendar import sessions_calendar

from . import tokens
from .models import Delivery, Registration


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def sender() -> str:
    """DEFAULT_FROM_EMAIL's address under the portal's name in the active language: an English
    reader gets mail from "Francophone meeting cycle", a French one from « Cycle de
    rencontres francophones »."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((gettext("Francophone meeting cycle"), address))


def manage_url(*, participant, meeting, language: str) -> str:
    with translation.override(language):
        return absolute_url(tokens.manage_path(participant=participant, meeting=meeting))


def build(
    *,
    template: str,
    registrations: list[Registration],
    language: str,
    participant=None,
    meeting=None,
    **context,
) -> EmailMultiAlternatives:
    """The e-mail `participants/email/<template>` to one person about a meeting and these
    registrations of theirs (the person and meeting are theirs unless given)."""
    participant = participant or registrations[0].participant
    meeting = meeting or registrations[0].session.meeting
    with translation.override(language):
        context |= {
            "participant": participant,
            "meeting": meeting,
            "registrations": registrations,
            "meeting_url": absolute_url(meeting.get_absolute_url()),
            "manage_url": manage_url(participant=participant, meeting=meeting, language=language),
            "link_hours": settings.REGISTRATION_LINK_MAX_AGE_HOURS,
            "contact_email": settings.CONTACT_EMAIL,
        }
        if "token" in context:
            path = reverse("participants:confirm", kwargs={"token": context["token"]})
            context["confirm_url"] = absolute_url(path)
        if context.get("stop_token"):
            path = reverse("participants:stop_messages", kwargs={"token": context["stop_token"]})
            context["stop_url"] = absolute_url(path)
        subject = context.get("subject") or render_to_string(
            f"participants/email/{template}_subject.txt", context
        )
        message = EmailMultiAlternatives(
            # One line, keeping the no-break spaces of French typography (str.split would not).
            subject=re.sub(r"[ \t\r\n]+", " ", subject).strip(),
            body=render_to_string(f"participants/email/{template}.txt", context),
            from_email=sender(),
            to=[participant.email],
        )
        message.attach_alternative(
            render_to_string(f"participants/email/{template}.html", context), "text/html"
        )
        if context.get("stop_url"):
            # Mail programs show their own "unsubscribe" (RFC 2369), in one click (RFC 8058).
            message.extra_headers["List-Unsubscribe"] = f"<{context['stop_url']}>"
            message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        confirmed = [r.session for r in registrations if r.status == Registration.Status.CONFIRMED]
        if confirmed and not context.get("no_calendar"):
            message.attach(
                f"{slugify(gettext('meeting'))}.ics",
                sessions_calendar(meeting=meeting, sessions=confirmed, url=context["meeting_url"]),
                "text/calendar",
            )
    return message


def online_access(meeting, sessions) -> list[dict]:
    """The online links of these sessions (a session's own, else the meeting's), each once,
    with their passcodes and the sessions they open. Private: for confirmed participants."""
    links: dict[tuple[str, str], dict] = {}
    for session in sessions:
        url = session.online_url or meeting.online_url
        if not url:
            continue
        passcode = session.online_passcode if session.online_url else meeting.online_passcode
        links.setdefault((url, passcode), {"url": url, "passcode": passcode, "sessions": []})
        links[(url, passcode)]["sessions"].append(session)
    return list(links.values())


def build_delivery(delivery: Delivery) -> EmailMultiAlternatives:
    """The message of an outbox row, from what the database holds when it is sent."""
    registrations = list(
        Registration.objects.filter(pk__in=delivery.registration_ids)
        .select_related("participant", "session__meeting")
        .order_by("session__start", "session__order", "session_id")
    )
    context = dict(delivery.context)
    if held := context.pop("held_ids", None):
        context["held"] = list(
            Registration.objects.filter(pk__in=held)
            .select_related("session__meeting")
            .order_by("session__start", "session__order", "session_id")
        )
    confirmed = [r.session for r in registrations if r.status == Registration.Status.CONFIRMED]
    context["online"] = online_access(delivery.meeting, confirmed)
    if delivery.kind in Delivery.STOPPABLE:
        context["stop_token"] = tokens.stop_token(participant=delivery.participant)
    if delivery.kind == Delivery.Kind.FOLLOW_UP:
        context["no_calendar"] = True  # the meeting is over: nothing to add to a diary
        with translation.override(delivery.language):
            path = reverse(
                "participants:feedback",
                kwargs={
                    "token": tokens.feedback_token(
                        participant=delivery.participant, meeting=delivery.meeting
                    )
                },
            )
        context["feedback_url"] = absolute_url(path)
    if delivery.staff_message_id:
        with translation.override(delivery.language):
            context["subject"] = delivery.staff_message.subject
            context["body"] = delivery.staff_message.body
    return build(
        template=delivery.template,
        registrations=registrations,
        language=delivery.language,
        participant=delivery.participant,
        meeting=delivery.meeting,
        **context,
    )
