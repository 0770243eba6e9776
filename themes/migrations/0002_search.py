"""Full-text search: now made by the search app (search/migrations/0001_initial.py).

This migration made the `unaccent` extension, the `portal_fr` and `portal_en` text search
configurations and the GIN indexes of meetings and findings. The search app owns them now; on
a database where this ran, its migration finds them there and leaves them as they are. Kept
empty so that the history of existing databases stays the same.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_initial"),
        ("themes", "0001_initial"),
    ]

    operations = []
