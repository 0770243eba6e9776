"""Background work of the participants app (Celery). Each task is a thin shell around a
function that the tests call directly; see participants/outbox.py for the delivery rules."""

from celery import shared_task
from celery.signals import worker_ready
from django.core.management import call_command
from django.utils import timezone

from . import outbox


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def deliver(self, delivery_id: int) -> str:
    """Send one outbox row; on an SMTP failure, try again later with a growing wait."""
    status = outbox.deliver(delivery_id, may_retry=not self.request.is_eager)
    if status == outbox.Status.QUEUED:
        attempts = outbox.Delivery.objects.values_list("attempts", flat=True).get(pk=delivery_id)
        raise self.retry(countdown=outbox.backoff(attempts))
    return status


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    """Beat, every five minutes: queue again the e-mails whose task was lost."""
    return outbox.sweep(now=timezone.now())


@shared_task(ignore_result=True)
def send_reminders() -> int:
    """Beat, every 15 minutes: the reminders due before the meetings (participants/reminders.py)."""
    from . import reminders

    return reminders.reminders_send(now=timezone.now())


@shared_task(ignore_result=True)
def send_follow_ups() -> int:
    """Beat, every hour: the follow-up e-mails with the feedback form after the meetings
    (participants/follow_up.py)."""
    from . import follow_up

    return follow_up.follow_ups_send(now=timezone.now())


@shared_task(ignore_result=True)
def anonymise_participants() -> None:
    """Beat, daily: the data retention of `manage.py anonymise_participants` (its output,
    counts without personal data, goes to the worker's log)."""
    call_command("anonymise_participants")


@worker_ready.connect
def sweep_at_start(**kwargs) -> None:
    """A worker that starts (after a crash, say) queues every e-mail still waiting."""
    outbox.sweep(now=timezone.now(), everything=True)
