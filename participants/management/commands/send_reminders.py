"""Record and send the reminders due now before the meetings, as the task
`participants.tasks.send_reminders` does every 15 minutes under beat: for staff, or a cron
without beat. Running it again sends nothing twice."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participants.reminders import reminders_send

HELP = _(
    "Send the reminders due now to the confirmed participants of the coming meetings. "
    "A reminder already sent is never sent again. Prints how many were queued."
)


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # argparse wants a real string: translate when the help is shown, not at import.
        return str(HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        count = reminders_send(now=timezone.now())
        self.stdout.write(gettext("Reminders queued: %(count)d") % {"count": count})
