"""A finding's social card: its kind, its title and the meeting it comes from
(core.social_cards)."""

from django.shortcuts import get_object_or_404

from core.dates import date_range
from core.places import place
from core.social_cards import Card, SocialCardView
from events.cards import labels

from .models import Finding


def finding_card(finding: Finding) -> Card:
    """In the active language. The finding needs its meeting and the meeting's cycle."""
    meeting = finding.meeting
    when_where = " · ".join(
        part
        for part in (
            date_range(meeting.local_start, meeting.local_end),
            place("", meeting.city, meeting.country.name),
        )
        if part
    )
    return Card(
        wordmark=meeting.cycle.name,
        title=finding.title,
        kicker=finding.get_kind_display(),
        kind=finding.kind,
        labels=labels(meeting),
        footer=(meeting.card_title, when_where),
    )


class FindingCardView(SocialCardView):
    kind = "finding"

    def get_object(self):
        findings = Finding.objects.public().select_related("meeting__cycle")
        return get_object_or_404(findings, pk=self.kwargs["pk"])

    def card(self, finding):
        return finding_card(finding)
