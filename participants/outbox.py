"""The outbox: every e-mail to a participant is first a Delivery row, written in the same
transaction as what it tells; a Celery task sends it once that transaction has committed.

- Once per recipient: a row's key is unique, so a message is recorded once per person
  whatever runs twice (a reminder job, a staff action clicked twice); and a row is sent only
  while queued, by the one worker that holds its row lock during the SMTP exchange.
- Never lost: the broker only carries "send row N". The task is acknowledged once done (late
  acknowledgement); a worker killed mid-send leaves the row queued, and the sweep, which
  every worker runs when it starts and beat every five minutes, queues it again.
- Retried: an SMTP failure leaves the row queued with one more attempt; the task tries again
  after 30 s, 60 s, 120 s… (at most an hour; EMAIL_RETRY_BASE_SECONDS is the first wait),
  EMAIL_MAX_RETRIES times, then marks it failed and flags its registrations so that staff
  can resend.
- A request never waits on SMTP, nor long on the broker: if it cannot publish, the row waits
  for the sweep.

The only window left is between the SMTP server's acceptance of a message and the commit of
"sent", a few milliseconds: a worker killed exactly then sends that message again when it
restarts, with the same Message-ID, by which mail servers and clients recognise a repeat.
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Delivery, Participant, Registration

logger = logging.getLogger(__name__)

Status = Delivery.Status

# Rows queued longer than this are queued again by the sweep: their task was lost (a broker
# that was down when the request published it, a worker killed mid-send).
SWEEP_AFTER = dt.timedelta(minutes=2)
LONGEST_WAIT = dt.timedelta(hours=1)


def backoff(attempts: int) -> int:
    """Seconds to wait before the next try after `attempts` failed ones: 30, 60, 120… 3,600
    (EMAIL_RETRY_BASE_SECONDS, 30, then twice as long each time, at most an hour)."""
    first = settings.EMAIL_RETRY_BASE_SECONDS
    return int(min(first * 2 ** max(attempts - 1, 0), LONGEST_WAIT.total_seconds()))


def record(
    *,
    key: str,
    kind: str,
    template: str,
    participant: Participant,
    meeting,
    language: str,
    registrations: Iterable[Registration] = (),
    staff_message=None,
    context: dict | None = None,
) -> Delivery | None:
    """Record an e-mail to send; None if one with this key was already recorded. The caller
    sends it with `dispatch` once its transaction has committed (or uses `enqueue`)."""
    delivery, created = Delivery.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "template": template,
            "participant": participant,
            "meeting": meeting,
            "language": language,
            "registration_ids": [r.pk for r in registrations],
            "staff_message": staff_message,
            "context": context or {},
        },
    )
    return delivery if created else None


def enqueue(**kwargs) -> Delivery | None:
    """Record an e-mail (see `record`) and send it once the current transaction commits."""
    delivery = record(**kwargs)
    if delivery is not None:
        transaction.on_commit(lambda: dispatch([delivery.pk]))
    return delivery


def enqueue_many(rows: list[Delivery]) -> list[int]:
    """Record these e-mails in one statement and send them once the current transaction
    commits: how a job writes to many people in a fixed number of queries. A key already
    recorded keeps its row (a run racing this one); every row of these keys still queued is
    dispatched, and sent once whoever dispatches it. Returns their ids."""
    if not rows:
        return []
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        Delivery.objects.filter(key__in=[row.key for row in rows], status=Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: dispatch(ids))
    return ids


def requeue(deliveries) -> list[int]:
    """Staff send failed e-mails again: back in the queue with their tries counted afresh,
    dispatched once the transaction commits. Returns the ids of those queued again."""
    # No worker touches a failed row: nothing to lock.
    ids = list(deliveries.filter(status=Status.FAILED).order_by("pk").values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(
        status=Status.QUEUED, attempts=0, attempted_at=None, last_error=""
    )
    transaction.on_commit(lambda: dispatch(ids))
    return ids


def dispatch(ids: Iterable[int]) -> None:
    """Hand these rows to the worker (or, with no broker, send them now). If the broker
    cannot be reached, this and the following rows wait for the sweep: each further try
    would wait as long again (CELERY_BROKER_CONNECTION_TIMEOUT), a batch for minutes."""
    from . import tasks  # the tasks module imports this one

    ids = list(ids)
    for n, pk in enumerate(ids):
        try:
            tasks.deliver.apply_async((pk,), retry=False)
        except Exception as error:  # noqa: BLE001 - an unreachable broker must not fail a request
            if settings.CELERY_TASK_ALWAYS_EAGER:
                raise
            logger.warning(
                "%s e-mail(s) from #%s left for the sweep: %s",
                len(ids) - n,
                pk,
                type(error).__name__,
            )
            return


def message_id(delivery: Delivery) -> str:
    """The same Message-ID for every try of one delivery."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{delivery.key}".encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def deliver(pk: int, *, may_retry: bool) -> str:
    """Send a queued row, once. Returns its status afterwards: "sent", "queued" (failed, to
    try again), "failed", "cancelled", or "" when there was nothing to do (sent already, or
    being sent by another worker). Without `may_retry` (tasks run in-process), a failure is
    final at once."""
    from . import emails

    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("participant", "meeting")
            .filter(pk=pk, status=Status.QUEUED)
            .first()
        )
        if delivery is None:
            return ""
        person = delivery.participant
        if (
            person.anonymised_at
            or (delivery.kind in Delivery.STOPPABLE and person.messages_stopped_at)
            or (
                # A reminder, link or follow-up queued before the meeting was cancelled or
                # unpublished no longer applies; a staff message (saying so) still goes.
                delivery.kind in Delivery.ABOUT_THE_MEETING_TAKING_PLACE
                and delivery.meeting.status != delivery.meeting.Status.PUBLISHED
            )
        ):
            delivery.status = Status.CANCELLED
            delivery.save(update_fields=["status"])
            return delivery.status
        delivery.attempts += 1
        delivery.attempted_at = timezone.now()
        try:
            message = emails.build_delivery(delivery)
            message.extra_headers["Message-ID"] = message_id(delivery)
            message.send()
        except Exception as error:  # noqa: BLE001 - SMTP and network errors of any kind
            # The row id and the error's class only: never the address or the server's reply.
            logger.warning(
                "E-mail #%s %r for registrations %s failed, try %s: %s",
                pk,
                delivery.template,
                delivery.registration_ids,
                delivery.attempts,
                type(error).__name__,
            )
            delivery.last_error = type(error).__name__
            if not may_retry or delivery.attempts > settings.EMAIL_MAX_RETRIES:
                delivery.status = Status.FAILED
                Registration.objects.filter(pk__in=delivery.registration_ids).update(
                    email_failed=True
                )
            delivery.save(update_fields=["attempts", "attempted_at", "last_error", "status"])
            return delivery.status
        delivery.status = Status.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["attempts", "attempted_at", "last_error", "status", "sent_at"])
        Registration.objects.filter(pk__in=delivery.registration_ids, email_failed=True).update(
            email_failed=False
        )
        return delivery.status


def sweep(*, now: dt.datetime, everything: bool = False) -> int:
    """Queue again the rows whose task was lost: never tried SWEEP_AFTER after they were
    queued, or not tried again within the longest wait between tries. With `everything`
    (a worker starting), every queued row. Returns how many."""
    queued = Delivery.objects.filter(status=Status.QUEUED)
    if not everything:
        queued = queued.filter(
            Q(attempted_at__isnull=True, created_at__lt=now - SWEEP_AFTER)
            | Q(attempted_at__lt=now - LONGEST_WAIT - SWEEP_AFTER)
        )
    ids = list(queued.order_by("pk").values_list("pk", flat=True))
    dispatch(ids)
    return len(ids)
