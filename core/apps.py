from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app uses and none owns (see DESIGN.md)."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
        from .page_cache import install_triggers_after_migrate

        # The content tables' triggers bumping the content generation (core/page_cache.py),
        # checked after every migrate: a table made or rebuilt since gets them.
        post_migrate.connect(install_triggers_after_migrate, sender=self)
