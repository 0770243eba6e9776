from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from participants.groups import staff_groups_sync


class Command(BaseCommand):
    help = (
        "Create the staff groups (content editors, registration managers) or bring their "
        "permissions back to those the code defines. Migrate does it too; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database to create them in."
        )

    def handle(self, *args, **options):
        for group in staff_groups_sync(using=options["database"]):
            count = group.permissions.count()
            self.stdout.write(self.style.SUCCESS(f"{group.name}: {count} permissions"))
