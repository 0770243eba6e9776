from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants and registrations")

    def ready(self):
        from .groups import staff_groups_after_migrate

        # The staff groups exist, with their permissions, after every migrate.
        post_migrate.connect(staff_groups_after_migrate, sender=self)
