"""What the meetings found: the themes of the cycle and each meeting's findings."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Theme(models.Model):
    """A subject of the cycle: artificial intelligence, disarmament, humanitarian law…"""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class FindingQuerySet(models.QuerySet):
    def public(self):
        """Findings of meetings the public may see."""
        return self.filter(event__status__in=["published", "cancelled"])

    def for_cards(self):
        """What a finding card shows: its meeting, session, themes and attribution."""
        return self.select_related("event", "session", "speaker", "organisation").prefetch_related(
            "themes"
        )


class Finding(models.Model):
    """One statement a meeting made: an opportunity, a risk or a recommendation."""

    class Kind(models.TextChoices):
        OPPORTUNITY = "opportunity", _("Opportunity")
        RISK = "risk", _("Risk")
        RECOMMENDATION = "recommendation", _("Recommendation")

    class Sector(models.TextChoices):
        CIVIL = "civil", _("Civil")
        MILITARY = "military", _("Military")
        BOTH = "both", _("Civil and military")

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("meeting"),
    )
    session = models.ForeignKey(
        "events.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("session"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, default=Sector.BOTH
    )
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("text"), blank=True)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="findings", verbose_name=_("themes")
    )
    chatham_house = models.BooleanField(
        _("Chatham House rule"),
        default=False,
        help_text=_(
            "Said under the Chatham House rule: never attributed to a speaker or an "
            "organisation on public pages."
        ),
    )
    speaker = models.ForeignKey(
        "events.Speaker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("attributed to (speaker)"),
    )
    organisation = models.ForeignKey(
        "events.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("attributed to (organisation)"),
    )
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown on the home page.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["event", "kind", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["opportunity", "risk", "recommendation"]),
                name="finding_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(sector__in=["civil", "military", "both"]),
                name="finding_sector_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("themes:finding", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.session_id and self.event_id and self.session.event_id != self.event_id:
            raise ValidationError(
                {"session": _("This session belongs to another meeting.")},
                code="session_of_other_event",
            )

    @property
    def public_speaker(self):
        """The speaker to credit publicly, or None under the Chatham House rule."""
        return None if self.chatham_house else self.speaker

    @property
    def public_organisation(self):
        """The organisation to credit publicly, or None under the Chatham House rule."""
        return None if self.chatham_house else self.organisation
