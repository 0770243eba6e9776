"""Admin forms where a meeting's and its sessions' times are typed in the meeting's zone."""

import datetime as dt
import functools
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DEFAULT_TIMEZONE, Meeting, known_timezones


def zone_named(name) -> zoneinfo.ZoneInfo | None:
    """The zone of that name, or None for anything else (an unknown or malformed name)."""
    return zoneinfo.ZoneInfo(name) if name in known_timezones() else None


class LocalDateTimeField(forms.SplitDateTimeField):
    """A date and time shown and typed in a given zone rather than the site's.

    `zone` is a callable set by the form: it is asked at each use, so that a zone chosen in
    the same form (a new meeting's) is the one the typed times are read in.
    """

    zone = None

    def time_zone(self) -> dt.tzinfo:
        return self.zone() if self.zone else timezone.get_current_timezone()

    def prepare_value(self, value):
        # An aware value becomes the naive local time the widget shows.
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.make_naive(value, self.time_zone())
        return value

    def compress(self, data_list):
        # Django reads a typed time in the current zone, and refuses a time that a
        # daylight-saving change makes ambiguous or nonexistent: the same, in this zone.
        with timezone.override(self.time_zone()):
            return super().compress(data_list)

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial), data)


class LocalTimesForm(forms.ModelForm):
    """A form whose `LocalDateTimeField`s use the zone `meeting_tzinfo()` gives."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, LocalDateTimeField):
                field.zone = self.meeting_tzinfo

    def submitted(self, name: str):
        return self.data.get(self.add_prefix(name)) if self.is_bound else None

    def meeting_tzinfo(self) -> zoneinfo.ZoneInfo:
        raise NotImplementedError


class MeetingAdminForm(LocalTimesForm):
    """A meeting: its times are read in the zone submitted with them, else its own."""

    def meeting_tzinfo(self) -> zoneinfo.ZoneInfo:
        return (
            zone_named(self.submitted("timezone"))
            or zone_named(self.instance.timezone)
            or zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)
        )


class SessionAdminForm(LocalTimesForm):
    """A session, in its meeting's zone.

    In a meeting's inline, the meeting is the formset's (`meeting`), with the zone submitted
    in the same page; on its own, it is the meeting chosen in the form, else the session's.
    """

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        if meeting is None and self.instance.meeting_id:
            # On its own page, the zone is not in sight: name it.
            zone = self.instance.meeting.timezone
            for name in ("start", "end"):
                if name in self.fields:
                    self.fields[name].help_text = _("In the meeting's time zone: %(zone)s.") % {
                        "zone": zone
                    }

    @functools.cached_property
    def chosen_meeting(self) -> Meeting | None:
        if self.meeting is not None:
            return self.meeting
        if "meeting" in self.fields and self.is_bound:
            try:
                return self.fields["meeting"].clean(self.submitted("meeting"))
            except ValidationError:
                return None
        return self.instance.meeting if self.instance.meeting_id else None

    def meeting_tzinfo(self) -> zoneinfo.ZoneInfo:
        # The meeting is found once; its zone is read at each use, as an inline's meeting
        # takes the zone submitted with it only once the meeting's form is validated.
        meeting = self.chosen_meeting
        return meeting.tzinfo if meeting is not None else zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)


class SessionInlineFormSet(forms.BaseInlineFormSet):
    """Gives each session form the meeting being edited on the same page."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "meeting": self.instance}
