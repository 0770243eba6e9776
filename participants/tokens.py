"""The links participants get by e-mail: signed, unguessable, and free of personal data.

A confirmation link names the registrations it confirms and their nonce; it expires, and
confirms each registration once. A manage link names a participant, a meeting and the
participant's manage key; changing the key (anonymisation does) revokes it, and it expires
some days after the meeting ends.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

CONFIRM_SALT = "participants.confirm"
MANAGE_SALT = "participants.manage"


class LinkInvalid(Exception):
    """The link was altered or never issued."""


class LinkExpired(Exception):
    """The link is authentic but too old."""

    def __init__(self, payload: dict):
        super().__init__("expired")
        self.payload = payload


@dataclass(frozen=True)
class ConfirmationLink:
    registration_ids: list[int]
    nonce: str
    meeting_id: int


@dataclass(frozen=True)
class ManageLink:
    participant_id: int
    meeting_id: int
    key: str


class _SignedAt(signing.TimestampSigner):
    """Django's signer of `signing.dumps`, dated by the caller's `now` instead of the clock."""

    def __init__(self, *, at: dt.datetime, **kwargs):
        super().__init__(**kwargs)
        self.at = at

    def timestamp(self) -> str:
        return signing.b62_encode(int(self.at.timestamp()))


def confirmation_token(
    *, registration_ids: list[int], nonce: str, meeting_id: int, now: dt.datetime | None = None
) -> str:
    """A confirmation link's token, signed at `now` (the clock's time if not given): it
    expires REGISTRATION_LINK_MAX_AGE_HOURS after that."""
    signer = _SignedAt(at=now or timezone.now(), salt=CONFIRM_SALT)
    return signer.sign_object({"r": registration_ids, "n": nonce, "e": meeting_id})


def read_confirmation_token(token: str) -> ConfirmationLink:
    max_age = dt.timedelta(hours=settings.REGISTRATION_LINK_MAX_AGE_HOURS)
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    except signing.SignatureExpired as expired:
        raise LinkExpired(signing.loads(token, salt=CONFIRM_SALT)) from expired
    except signing.BadSignature as bad:
        raise LinkInvalid from bad
    try:
        return ConfirmationLink(
            registration_ids=[int(pk) for pk in payload["r"]],
            nonce=str(payload["n"]),
            meeting_id=int(payload["e"]),
        )
    except (KeyError, TypeError, ValueError) as bad:
        raise LinkInvalid from bad


def manage_token(*, participant, meeting) -> str:
    return signing.dumps(
        {"p": participant.pk, "e": meeting.pk, "k": participant.manage_key}, salt=MANAGE_SALT
    )


def manage_path(*, participant, meeting) -> str:
    """The path of a participant's manage page for a meeting, in the active language."""
    return reverse(
        "participants:manage",
        kwargs={"token": manage_token(participant=participant, meeting=meeting)},
    )


def manage_link_expired(*, meeting, now: dt.datetime) -> bool:
    """Whether manage links for this meeting no longer open: some days after it ended."""
    return now > meeting.end + dt.timedelta(days=settings.MANAGE_LINK_DAYS_AFTER_MEETING)


def read_manage_token(token: str) -> ManageLink:
    try:
        payload = signing.loads(token, salt=MANAGE_SALT)
        return ManageLink(
            participant_id=int(payload["p"]), meeting_id=int(payload["e"]), key=str(payload["k"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as bad:
        raise LinkInvalid from bad


STOP_SALT = "participants.stop"
FEEDBACK_SALT = "participants.feedback"


@dataclass(frozen=True)
class PersonLink:
    """A link of one person (about one meeting for the feedback form)."""

    participant_id: int
    key: str
    meeting_id: int | None = None


def stop_token(*, participant) -> str:
    """The token of the link, at the foot of reminders and staff messages, that stops them.
    It never expires; a new manage key (anonymisation) revokes it."""
    return signing.dumps({"p": participant.pk, "k": participant.manage_key}, salt=STOP_SALT)


def feedback_token(*, participant, meeting) -> str:
    """The token of a participant's feedback form for a meeting (answerable once)."""
    return signing.dumps(
        {"p": participant.pk, "e": meeting.pk, "k": participant.manage_key}, salt=FEEDBACK_SALT
    )


def _read_person_token(token: str, *, salt: str) -> PersonLink:
    try:
        payload = signing.loads(token, salt=salt)
        meeting_id = payload.get("e")
        return PersonLink(
            participant_id=int(payload["p"]),
            key=str(payload["k"]),
            meeting_id=None if meeting_id is None else int(meeting_id),
        )
    except (signing.BadSignature, AttributeError, KeyError, TypeError, ValueError) as bad:
        raise LinkInvalid from bad


def read_stop_token(token: str) -> PersonLink:
    return _read_person_token(token, salt=STOP_SALT)


def read_feedback_token(token: str) -> PersonLink:
    link = _read_person_token(token, salt=FEEDBACK_SALT)
    if link.meeting_id is None:
        raise LinkInvalid
    return link
