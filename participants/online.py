"""Telling confirmed participants the link of an online or hybrid meeting when staff change it.

The link and passcode are private: they reach confirmed participants only, by e-mail (the
outcome, promoted, reminder and online-access e-mails, through `emails.online_access`) and on
their manage page. This module sends the e-mail "the link has changed" when staff tick the
box of the meeting's or session's admin page.

Each participant is told a set of links once: the outbox key holds a digest of their links
(URLs and passcodes), and nobody is sent the links that their last such e-mail gave them. So
saving the page twice sends nothing more, a new link is told, and so is a return to an
earlier link (the key then gets a number, still the same for two saves at once).
"""

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.db import transaction

from events.models import Meeting, Session

from . import outbox
from .emails import online_access
from .models import Delivery, Registration

TEMPLATE = "online_access"


def links_digest(links: list[dict]) -> str:
    """A short digest of a participant's links and passcodes (16 hex digits)."""
    text = "\n".join(sorted(f"{link['url']}{link['passcode']}" for link in links))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def sessions_using_meeting_link(meeting: Meeting) -> list[Session]:
    """The meeting's sessions that have no link of their own: the meeting's link opens them."""
    return list(meeting.sessions.filter(online_url=""))


@transaction.atomic
def online_access_notify(
    *, meeting: Meeting, now: dt.datetime, sessions: Iterable[Session] | None = None
) -> int:
    """Queue one e-mail to each confirmed participant of `sessions` (by default, the sessions
    that the meeting's own link opens) giving them their links as they are now. Nothing for a
    meeting that is not published or has ended, nor for someone with no link left to tell.
    Returns how many e-mails were queued.

    A fixed number of queries for any number of participants: the sessions, the
    registrations, the e-mails of this kind already sent, the new rows and their ids."""
    if meeting.status != Meeting.Status.PUBLISHED or meeting.end < now:
        return 0
    changed = sessions_using_meeting_link(meeting) if sessions is None else list(sessions)
    changed_ids = {session.pk for session in changed}
    if not changed_ids:
        return 0
    registrations = (
        Registration.objects.filter(
            session__meeting=meeting,
            status=Registration.Status.CONFIRMED,
            participant__anonymised_at__isnull=True,
        )
        .select_related("participant", "session")
        .order_by("participant_id", "session__start", "session__order", "session_id")
    )
    by_participant: dict[int, list[Registration]] = {}
    for registration in registrations:
        by_participant.setdefault(registration.participant_id, []).append(registration)

    told: dict[int, list[str]] = {}  # each person's online-access keys, oldest first
    for participant_id, key in (
        Delivery.objects.filter(
            meeting=meeting, kind=Delivery.Kind.ONLINE_ACCESS, participant_id__in=by_participant
        )
        .order_by("pk")
        .values_list("participant_id", "key")
    ):
        told.setdefault(participant_id, []).append(key)

    new: list[Delivery] = []
    for participant_id, person_registrations in by_participant.items():
        concerned = [r.session for r in person_registrations if r.session_id in changed_ids]
        if not online_access(meeting, concerned):
            continue  # none of their changed sessions has a link (any more)
        links = online_access(meeting, [r.session for r in person_registrations])
        key = f"online:{meeting.pk}:{links_digest(links)}:{participant_id}"
        keys = told.get(participant_id, [])
        if keys and (keys[-1] == key or keys[-1].startswith(f"{key}:")):
            continue  # the last e-mail of this kind gave them these very links
        if key in keys:
            # Back to links they were given before another change: told again, once.
            key = f"{key}:{len(keys)}"
        participant = person_registrations[0].participant
        new.append(
            Delivery(
                key=key,
                kind=Delivery.Kind.ONLINE_ACCESS,
                template=TEMPLATE,
                participant=participant,
                meeting=meeting,
                language=participant.language,
                registration_ids=[r.pk for r in person_registrations],
            )
        )
    if not new:
        return 0
    # A concurrent save of the same page computes the same keys: the unique key keeps one
    # row each, and a row is sent only while queued, once.
    outbox.enqueue_many(new)
    return len(new)
