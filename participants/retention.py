"""What the admin history keeps of participants once their data is no longer kept.

Django's admin history (`LogEntry`) copies an object's name into `object_repr`, and a
plain-text `change_message` may hold anything staff typed. Entries about an anonymised
participant or their registrations, and entries about a participant or registration deleted
more than the retention period ago, keep when and what was done, never who it was about.
"""

import datetime as dt
import json

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import translation
from django.utils.translation import gettext_lazy

from .models import Participant, Registration

VERBS = {"added", "changed", "deleted"}


def _ids(queryset: QuerySet) -> QuerySet:
    """The primary keys as text, as `LogEntry.object_id` holds them."""
    return queryset.values_list(Cast("pk", output_field=CharField()), flat=True)


REPRS = {
    Participant: gettext_lazy("Participant no. %(pk)s (personal data removed)"),
    Registration: gettext_lazy("Registration no. %(pk)s (personal data removed)"),
}


def _anonymised_repr(model: type[Model], object_id: str) -> str:
    # In the site's language, so that running again computes the same text.
    with translation.override(settings.LANGUAGE_CODE):
        return str(REPRS[model]) % {"pk": object_id}


def change_message_anonymise(message: str) -> str:
    """The change message without personal data.

    The admin's JSON message keeps its verbs and the labels of the fields changed (never their
    values); an inline object it names becomes “…”. Anything else, such as a plain-text
    message, may say anything, and is emptied.
    """
    try:
        entries = json.loads(message) if message.startswith("[") else None
    except json.JSONDecodeError:
        entries = None
    if not isinstance(entries, list):
        return ""
    cleaned = []
    for entry in entries:
        if not (isinstance(entry, dict) and len(entry) == 1 and entry.keys() <= VERBS):
            return ""
        [(verb, detail)] = entry.items()
        if not isinstance(detail, dict):
            return ""
        kept = {}
        if "fields" in detail:
            fields = detail["fields"]
            if not (isinstance(fields, list) and all(isinstance(f, str) for f in fields)):
                return ""
            kept["fields"] = fields
        if "name" in detail:
            if not isinstance(detail["name"], str):
                return ""
            kept |= {"name": detail["name"], "object": "…"}
        cleaned.append({verb: kept})
    return json.dumps(cleaned)


def admin_history_to_anonymise(
    *, participants: QuerySet[Participant], now: dt.datetime, days: int
) -> list[LogEntry]:
    """The admin history entries that still name someone, with their new `object_repr` and
    `change_message` set but not saved.

    They are those about these participants or anonymised ones, or about their
    registrations; and those older than `days` days about a participant or registration
    that no longer exists (deleted by staff, or purged).
    """
    types = ContentType.objects.get_for_models(Participant, Registration)
    people = Participant.objects.filter(Q(anonymised_at__isnull=False) | Q(pk__in=participants))
    named = {
        Participant: people,
        Registration: Registration.objects.filter(participant__in=people),
    }
    deleted_before = now - dt.timedelta(days=days)
    about = Q()
    for model, content_type in types.items():
        about |= Q(content_type=content_type, object_id__isnull=False) & (
            Q(object_id__in=_ids(named[model]))
            | Q(action_time__lt=deleted_before) & ~Q(object_id__in=_ids(model.objects.all()))
        )
    models = {content_type.pk: model for model, content_type in types.items()}
    changed = []
    for entry in LogEntry.objects.filter(about).order_by("pk").iterator():
        new = (
            _anonymised_repr(models[entry.content_type_id], entry.object_id),
            change_message_anonymise(entry.change_message),
        )
        if new != (entry.object_repr, entry.change_message):
            entry.object_repr, entry.change_message = new
            changed.append(entry)
    return changed


def admin_history_anonymise(*, entries: list[LogEntry]) -> int:
    """Save entries from `admin_history_to_anonymise`. Returns how many."""
    with transaction.atomic():
        LogEntry.objects.bulk_update(entries, ["object_repr", "change_message"], batch_size=500)
    return len(entries)
