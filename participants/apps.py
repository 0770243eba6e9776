from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants and registrations")

    def ready(self):
        from events.models import PROGRAMME_SESSION_ANNOTATIONS

        from .groups import staff_groups_after_migrate
        from .selectors import sessions_with_counts

        # The staff groups exist, with their permissions, after every migrate.
        post_migrate.connect(staff_groups_after_migrate, sender=self)
        # A meeting's programme shows the places left in each session.
        if sessions_with_counts not in PROGRAMME_SESSION_ANNOTATIONS:
            PROGRAMME_SESSION_ANNOTATIONS.append(sessions_with_counts)
