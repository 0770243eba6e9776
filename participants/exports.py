"""Participant lists for staff, as CSV files a spreadsheet opens with accents intact."""

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core import csv
from core.csv import csv_response
from events.models import Session

from .models import Participant, Registration

# What a session's or a meeting's list holds by default: every registration still in play.
EXPORTED_STATUSES = Registration.ACTIVE_STATUSES


def header() -> list[str]:
    """Column titles in the active language (mostly the fields' own labels)."""
    field = Participant._meta.get_field
    return [
        capfirst(str(label))
        for label in [
            Session._meta.get_field("meeting").verbose_name,
            Registration._meta.get_field("session").verbose_name,
            _("session start (meeting's local time)"),
            Registration._meta.get_field("status").verbose_name,
            field("last_name").verbose_name,
            field("first_name").verbose_name,
            field("email").verbose_name,
            field("organisation_name").verbose_name,
            field("category").verbose_name,
            field("country").verbose_name,
            field("language").verbose_name,
            field("accessibility_needs").verbose_name,
            Registration._meta.get_field("created_at").verbose_name,
            Registration._meta.get_field("confirmed_at").verbose_name,
        ]
    ]


def _local(moment: dt.datetime | None, tzinfo) -> str:
    return timezone.localtime(moment, tzinfo).strftime("%Y-%m-%d %H:%M") if moment else ""


def row(registration: Registration) -> list[str]:
    session = registration.session
    meeting = session.meeting
    participant = registration.participant
    return [
        meeting.title,
        session.title,
        _local(session.start, meeting.tzinfo),
        registration.get_status_display(),
        participant.last_name,
        participant.first_name,
        participant.email,
        participant.organisation_name,
        participant.get_category_display(),
        participant.country.name if participant.country else "",
        participant.get_language_display(),
        participant.accessibility_needs,
        # Every time in the file is the meeting's local time, like the session start.
        _local(registration.created_at, meeting.tzinfo),
        _local(registration.confirmed_at, meeting.tzinfo),
    ]


def participants_csv(*, registrations: QuerySet[Registration], now: dt.datetime) -> HttpResponse:
    """A CSV download of these registrations, one row each, in one query whatever their number.

    UTF-8 with a byte order mark and semicolons: what Excel expects in French-speaking
    locales, where the comma is the decimal separator.
    """
    rows = list(
        registrations.select_related("participant", "session__meeting").order_by(
            "session__meeting__start",
            "session__meeting_id",
            "session__start",
            "session__order",
            "session_id",
            "participant__last_name",
            "participant__first_name",
            "pk",
        )
    )
    # Named after the meeting when there is one (slugs are ASCII, safe in a header).
    slugs = {registration.session.meeting.slug for registration in rows}
    meeting = f"-{slugs.pop()}" if len(slugs) == 1 else ""
    filename = f"participants{meeting}-{timezone.localdate(now):%Y%m%d}.csv"
    response = csv_response(filename)
    # Formulas neutralised in every cell, as in every CSV of the portal (core.csv).
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header())
    writer.writerows(row(registration) for registration in rows)
    return response
