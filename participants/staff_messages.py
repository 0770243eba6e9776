"""Messages that staff write to the participants of a meeting or of one of its sessions: who
gets them, what each would read, and the sending, once, through the outbox."""

import copy
import datetime as dt

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from core import languages

from . import emails, outbox
from .models import Delivery, Participant, Registration, StaffMessage

TEMPLATE = "staff_message"


class StaffMessageError(Exception):
    """A sending that the state of the message does not allow."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def _registrations(message: StaffMessage) -> QuerySet[Registration]:
    """The registrations the message is written to: of its session, or else of any session
    of its meeting, in its statuses, of people who still hear from the organisers."""
    registrations = Registration.objects.filter(
        status__in=message.statuses,
        participant__anonymised_at__isnull=True,
        participant__messages_stopped_at__isnull=True,
    )
    if message.session_id:
        return registrations.filter(session_id=message.session_id)
    return registrations.filter(session__meeting_id=message.meeting_id)


def recipients(message: StaffMessage) -> QuerySet[Participant]:
    """The people who get the message, each once, whatever their number of registrations."""
    return Participant.objects.filter(pk__in=_registrations(message).values("participant"))


def recipients_by_language(message: StaffMessage) -> dict[str, int]:
    """How many recipients read each language of the site (0 for none). One query."""
    counts = dict.fromkeys(languages.codes(), 0)
    rows = recipients(message).order_by().values_list("language").annotate(count=Count("pk"))
    for language, count in rows:
        counts[language] = counts.get(language, 0) + count
    return counts


def _registrations_by_person(message: StaffMessage) -> dict[Participant, list[Registration]]:
    rows = (
        _registrations(message)
        .select_related("participant")
        .order_by("participant_id", "session__start", "session__order", "session_id")
    )
    by_person: dict[Participant, list[Registration]] = {}
    for registration in rows:
        by_person.setdefault(registration.participant, []).append(registration)
    return by_person


def preview(
    message: StaffMessage, language: str
) -> tuple[EmailMultiAlternatives, Participant | None]:
    """The e-mail that a recipient reading `language` gets, built as the worker builds it,
    and that recipient (None if nobody reads it: the e-mail is then to a made-up person).

    The links in it lead nowhere: they carry a made-up key, so that a click in the preview
    neither opens nor stops anything of the person's."""
    sample = recipients(message).filter(language=language).order_by("pk").first()
    if sample is None:
        with translation.override(language):
            person = Participant(
                first_name=gettext("[First name]"),
                last_name=gettext("[Last name]"),
                email="participant@example.org",
                language=language,
            )
        registration_ids = []
    else:
        person = copy.copy(sample)
        registration_ids = list(
            _registrations(message).filter(participant=sample).values_list("pk", flat=True)
        )
    person.manage_key = "preview"
    delivery = Delivery(
        kind=Delivery.Kind.STAFF_MESSAGE,
        template=TEMPLATE,
        participant=person,
        meeting=message.meeting,
        staff_message=message,
        registration_ids=registration_ids,
        language=language,
    )
    return emails.build_delivery(delivery), sample


def staff_message_send(*, message: StaffMessage, user, now: dt.datetime) -> int:
    """Send the message to each recipient in their language, once: a second sending, even
    at the same moment, is refused. Returns the number of recipients. The e-mails leave once
    the transaction has committed."""
    with transaction.atomic():
        # The row lock makes two clicks on "send" wait for each other; the second sees sent_at.
        locked = StaffMessage.objects.select_for_update().get(pk=message.pk)
        if locked.sent_at:
            when = formats.date_format(timezone.localtime(locked.sent_at), "DATETIME_FORMAT")
            raise StaffMessageError(
                gettext("This message was already sent (%(when)s); it is sent only once.")
                % {"when": when},
                code="already_sent",
            )
        by_person = _registrations_by_person(locked)
        if not by_person:
            raise StaffMessageError(
                gettext(
                    "No participant matches the meeting, session and statuses of this "
                    "message: there is nobody to send it to."
                ),
                code="no_recipients",
            )
        # One statement for every recipient; the unique key keeps each to one e-mail.
        outbox.enqueue_many(
            [
                Delivery(
                    key=f"staff:{locked.pk}:{participant.pk}",
                    kind=Delivery.Kind.STAFF_MESSAGE,
                    template=TEMPLATE,
                    participant=participant,
                    meeting_id=locked.meeting_id,
                    staff_message=locked,
                    registration_ids=[registration.pk for registration in registrations],
                    language=participant.language,
                )
                for participant, registrations in by_person.items()
            ]
        )
        locked.sent_at = now
        locked.sent_by = user
        locked.recipient_count = len(by_person)
        locked.save(update_fields=["sent_at", "sent_by", "recipient_count"])
    message.sent_at, message.sent_by, message.recipient_count = now, user, len(by_person)
    return len(by_person)
