"""The two staff groups and their permissions, kept as defined here.

`staff_groups_sync()` runs after every `migrate` (see `ParticipantsConfig.ready`) and from the
`create_staff_groups` command. The groups' permissions are set to exactly these: a permission
added to one of them in the admin is taken away again at the next migrate.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Q

# Group names are data, in French: OIF staff are francophone.
CONTENT_EDITORS = "Rédaction des contenus"
REGISTRATION_MANAGERS = "Gestion des inscriptions"

ALL = ("add", "change", "delete", "view")

GROUP_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    # Meetings, their programme and what they found; nothing about participants.
    CONTENT_EDITORS: {
        "events.cycle": ALL,
        "events.organisation": ALL,
        "events.strategicproject": ALL,
        "events.meeting": ALL,
        "events.meetingorganiser": ALL,
        "events.session": ALL,
        "events.sessionspeaker": ALL,
        "events.speaker": ALL,
        "themes.theme": ALL,
        "themes.finding": ALL,
        # The follow-up of recommendations: their addressees and status updates.
        "themes.recommendation": ("change", "view"),
        "themes.addressee": ALL,
        "themes.statusupdate": ALL,
    },
    # Participants and registrations, the messages to them (written and sent) and the record
    # of every e-mail; meetings and sessions only to find and filter them.
    REGISTRATION_MANAGERS: {
        "participants.participant": ALL,
        "participants.registration": ALL,
        "participants.staffmessage": ("add", "change", "view", "send"),
        "participants.delivery": ("view",),
        "participants.feedback": ("view",),
        "events.meeting": ("view",),
        "events.session": ("view",),
    },
}


def _permissions(models: dict[str, tuple[str, ...]], using: str) -> list[Permission]:
    query = Q(pk__in=[])
    for label, actions in models.items():
        app_label, model = label.split(".")
        query |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    permissions = list(Permission.objects.using(using).filter(query))
    expected = sum(len(actions) for actions in models.values())
    if len(permissions) != expected:
        raise LookupError(f"Expected {expected} permissions, found {len(permissions)}.")
    return permissions


def staff_groups_sync(*, using: str = DEFAULT_DB_ALIAS) -> list[Group]:
    """Create the staff groups, or bring them back to their permissions. Idempotent."""
    # Django creates permissions after migrate one app at a time; create those we need now,
    # whatever the order of the apps.
    app_labels = {label.split(".")[0] for spec in GROUP_PERMISSIONS.values() for label in spec}
    for app_label in sorted(app_labels):
        create_permissions(apps.get_app_config(app_label), verbosity=0, using=using)
    groups = []
    for name, models in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(_permissions(models, using))
        groups.append(group)
    return groups


def staff_groups_after_migrate(sender, *, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate receiver: `apps` is the state the migrations left the database in."""
    try:
        kwargs.get("apps", apps).get_model("auth", "Group")
    except LookupError:
        return  # auth is not migrated in this database (yet)
    if router.allow_migrate_model(using, Group):
        staff_groups_sync(using=using)
