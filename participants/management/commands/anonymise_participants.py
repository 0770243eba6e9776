"""Keep personal data only as long as needed.

Anonymises the participants of meetings that ended long enough ago, and those without any
registration created long enough ago; removes their names from the admin history; and
deletes the registrations whose confirmation link expired unused. Run it daily (cron,
scheduler). It prints counts and public meeting data only: never a name or an e-mail address.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from events.models import Meeting
from participants.models import Participant
from participants.retention import admin_history_anonymise, admin_history_to_anonymise
from participants.selectors import (
    expired_pending_registrations,
    participants_to_anonymise,
    participants_to_purge,
)
from participants.services import participants_anonymise, pending_registrations_purge

HELP = _(
    "Anonymise the participants of meetings that ended more than --days days ago, and those "
    "without any registration created more than --days days ago, and remove their names "
    "from the admin history; delete the registrations whose confirmation link expired "
    "unused, with the participants who had nothing else. Prints counts only, never a name "
    "or an e-mail address."
)


def meetings_with_counts(participants: QuerySet[Participant]) -> QuerySet[Meeting]:
    """The meetings these participants registered for, each with how many of them did."""
    return (
        Meeting.objects.filter(sessions__registrations__participant__in=participants)
        .annotate(participant_count=Count("sessions__registrations__participant", distinct=True))
        .order_by("end", "pk")
    )


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # argparse wants a real string: translate when the help is shown, not at import.
        return str(HELP)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PARTICIPANT_RETENTION_DAYS,
            help=gettext(
                "Anonymise the participants of meetings that ended more than this many days "
                "ago, and those without any registration created more than this many days "
                "ago (default: %(default)s, the PARTICIPANT_RETENTION_DAYS setting)."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext("Print what would be done, and change nothing."),
        )

    def handle(self, *args: Any, days: int, dry_run: bool, **options: Any) -> None:
        if days < 0:
            raise CommandError(gettext("--days must be zero or more."))
        now = timezone.now()
        with transaction.atomic():
            participants = participants_to_anonymise(now=now, days=days)
            # Counted before the change: afterwards these participants no longer match.
            meetings = list(meetings_with_counts(participants))
            anonymised = participants.count()
            unregistered = participants.filter(registrations=None).count()
            history = admin_history_to_anonymise(participants=participants, now=now, days=days)
            expired = expired_pending_registrations(now=now).count()
            leaving = participants_to_purge(now=now).count()
            if not dry_run:
                anonymised = participants_anonymise(participants=participants, now=now)
                admin_history_anonymise(entries=history)
                expired = pending_registrations_purge(now=now)

        counts = {
            "days": days,
            "anonymised": anonymised - unregistered,
            "unregistered": unregistered,
            "history": len(history),
            "expired": expired,
            "leaving": leaving,
        }
        if dry_run:
            self.stdout.write(gettext("Dry run: nothing was changed."))
            first, *rest = [
                gettext(
                    "Participants to anonymise (meetings ended more than %(days)d days ago): "
                    "%(anonymised)d"
                ),
                gettext(
                    "Participants to anonymise (no registration, created more than %(days)d "
                    "days ago): %(unregistered)d"
                ),
                gettext("Admin history entries to clear of personal data: %(history)d"),
                gettext("Expired unconfirmed registrations to delete: %(expired)d"),
                gettext(
                    "Participants to delete with them (they had no other registration): %(leaving)d"
                ),
            ]
        else:
            first, *rest = [
                gettext(
                    "Participants anonymised (meetings ended more than %(days)d days ago): "
                    "%(anonymised)d"
                ),
                gettext(
                    "Participants anonymised (no registration, created more than %(days)d "
                    "days ago): %(unregistered)d"
                ),
                gettext("Admin history entries cleared of personal data: %(history)d"),
                gettext("Expired unconfirmed registrations deleted: %(expired)d"),
                gettext(
                    "Participants deleted with them (they had no other registration): %(leaving)d"
                ),
            ]
        self.stdout.write(first % counts)
        for meeting in meetings:
            self.stdout.write(
                gettext("  %(title)s (ended %(end)s): %(count)d")
                % {
                    "title": meeting.title,
                    "end": f"{meeting.local_end:%Y-%m-%d}",
                    "count": meeting.participant_count,
                }
            )
        if len(meetings) > 1:
            self.stdout.write(
                gettext("  (someone registered for several of these meetings counts in each)")
            )
        for line in rest:
            self.stdout.write(line % counts)
