"""E-mails to participants, in their language, as text and HTML, from templates.

A failed sending never undoes a registration: it is logged without personal data and the
registrations are flagged so that staff can resend.
"""

import logging
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
from .models import Registration

logger = logging.getLogger(__name__)


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
    *, template: str, registrations: list[Registration], language: str, **context
) -> EmailMultiAlternatives:
    """The e-mail `participants/email/<template>` about these registrations of one person."""
    participant = registrations[0].participant
    meeting = registrations[0].session.meeting
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
        subject = render_to_string(f"participants/email/{template}_subject.txt", context)
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
        confirmed = [r.session for r in registrations if r.status == Registration.Status.CONFIRMED]
        if confirmed:
            message.attach(
                f"{slugify(gettext('meeting'))}.ics",
                sessions_calendar(meeting=meeting, sessions=confirmed, url=context["meeting_url"]),
                "text/calendar",
            )
    return message


def send(*, template: str, registrations: list[Registration], language: str, **context) -> bool:
    """Build and send an e-mail; on any failure, flag the registrations for a resend."""
    ids = [r.pk for r in registrations]
    try:
        build(template=template, registrations=registrations, language=language, **context).send()
    except Exception as error:  # noqa: BLE001 - no failure of the e-mail may undo a registration
        # Registration ids only: never the address or the name.
        logger.warning(
            "E-mail %r for registrations %s failed: %s", template, ids, type(error).__name__
        )
        Registration.objects.filter(pk__in=ids).update(email_failed=True)
        return False
    Registration.objects.filter(pk__in=ids, email_failed=True).update(email_failed=False)
    return True
