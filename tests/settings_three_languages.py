"""The test settings with a third language, Spanish: all it takes besides its translations.

tests/test_languages.py runs the portal under these settings in a process of its own
(modeltranslation adds the `_es` fields when the models are imported). The database is built
from the models, as the migration `makemigrations` writes for the new fields would build it.
"""

from cycle_portal.settings_test import *  # noqa: F403
from cycle_portal.settings_test import LANGUAGES

LANGUAGES = [*LANGUAGES, ("es", "Español")]

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
MIGRATION_MODULES = dict.fromkeys(["core", "events", "themes", "participants", "search"])
