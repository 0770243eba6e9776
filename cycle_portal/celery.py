"""The Celery application: the site's settings (CELERY_*), and the tasks of every app.

`make worker` runs a worker with beat; without CELERY_BROKER_URL, tasks run in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cycle_portal.settings")

app = Celery("cycle_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
