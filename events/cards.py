"""A meeting's social card: the image a shared link to its page shows (core.social_cards)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.dates import date_range
from core.places import place
from core.social_cards import Card, SocialCardView

from .models import Meeting


def labels(meeting: Meeting) -> tuple[str, ...]:
    """What a reader must know before anything else: an example, a cancellation."""
    found = []
    if meeting.is_example:
        found.append(_("Fictional example"))
    if meeting.is_cancelled:
        found.append(meeting.get_status_display())
    return tuple(found)


def meeting_card(meeting: Meeting) -> Card:
    """Title, days and place, in the active language. The meeting needs its cycle."""
    return Card(
        wordmark=meeting.cycle.name,
        title=meeting.title,
        labels=labels(meeting),
        footer=(
            date_range(meeting.local_start, meeting.local_end),
            place(meeting.venue, meeting.city, meeting.country.name),
        ),
    )


class MeetingCardView(SocialCardView):
    kind = "meeting"

    def get_object(self):
        meetings = Meeting.objects.public().select_related("cycle")
        return get_object_or_404(meetings, slug=self.kwargs["slug"])

    def card(self, meeting):
        return meeting_card(meeting)
