from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def fold_on_sqlite(sender, connection, **kwargs):
    """Give SQLite connections `portal_fold()`, the quick start's accent-insensitive match
    (search/selectors.py): SQLite has no `unaccent`."""
    if connection.vendor == "sqlite":
        from .folding import fold

        connection.connection.create_function("portal_fold", 1, fold, deterministic=True)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        connection_created.connect(fold_on_sqlite, dispatch_uid="search_fold_on_sqlite")
