"""What the meetings found: the themes of the cycle and each meeting's findings."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Case,
    Count,
    F,
    Prefetch,
    Q,
    When,
)
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import NEXT_ORDER_HELP, Meeting, MeetingOrganiser

# What `Meeting.objects.public()` shows, for queries that reach meetings through a relation.
PUBLIC_STATUSES = [Meeting.Status.PUBLISHED, Meeting.Status.CANCELLED]


class ThemeQuerySet(models.QuerySet):
    def with_counts_among(self, findings, *, by: str = "kind"):
        """The themes of these findings, each with their count per value of the findings' field
        `by` (kind, or follow_up_status of recommendations), for the charts."""
        values = [value for value, _label in Finding._meta.get_field(by).choices]
        return self.filter(findings__in=findings.values("pk")).annotate(
            **{
                value: Count("findings", filter=Q(**{f"findings__{by}": value}), distinct=True)
                for value in values
            }
        )


class Theme(models.Model):
    """A subject of the cycle: artificial intelligence, disarmament, humanitarian law…"""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Owned here so that events never names themes: `meeting.themes` is the reverse accessor.
    # The table keeps the name it had when the meeting held the relation.
    meetings = models.ManyToManyField(
        Meeting,
        blank=True,
        related_name="themes",
        verbose_name=_("meetings"),
        db_table="events_event_themes",
    )

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class FindingQuerySet(models.QuerySet):
    def public(self):
        """Findings of meetings the public may see."""
        return self.filter(meeting__status__in=PUBLIC_STATUSES)

    def for_cards(self):
        """What a finding card shows: its meeting, session, themes and attribution."""
        return self.select_related(
            "meeting", "session", "speaker", "organisation"
        ).prefetch_related("themes")

    def for_page(self):
        """A finding's own page: its card, and the organisers of its meeting for the citation."""
        return self.for_cards().prefetch_related(
            Prefetch(
                "meeting__meeting_organisers",
                queryset=MeetingOrganiser.objects.select_related("organisation"),
            )
        )

    def newest_first(self):
        """Newest meeting first; within a meeting, by kind and in the meeting's own order."""
        kind_rank = Case(
            *(When(kind=kind, then=rank) for rank, kind in enumerate(Finding.Kind.values)),
            default=len(Finding.Kind.values),
        )
        return self.order_by("-meeting__start", "meeting_id", kind_rank, "order", "pk")

    def latest_per_kind(self, limit: int):
        """Up to `limit` findings of each kind, newest meeting first."""
        newest = [F("meeting__start").desc(), F("meeting_id"), F("order"), F("pk")]
        return (
            self.annotate(rank=Window(RowNumber(), partition_by=F("kind"), order_by=newest))
            .filter(rank__lte=limit)
            .order_by(*newest)
        )

    def count_by_kind(self) -> dict[str, int]:
        """How many opportunities, risks and recommendations, in one query."""
        return self.aggregate(
            **{
                kind: Count("pk", filter=Q(kind=kind), distinct=True)
                for kind in Finding.Kind.values
            }
        )

    def related_to(self, finding: "Finding"):
        """Other findings sharing the most themes with this one; the same kind first."""
        theme_ids = [theme.pk for theme in finding.themes.all()]
        return (
            self.exclude(pk=finding.pk)
            .filter(themes__in=theme_ids)
            .annotate(
                shared=Count("themes", distinct=True),
                other_kind=Case(When(kind=finding.kind, then=0), default=1),
            )
            .order_by("-shared", "other_kind", "-meeting__start", "pk")
        )


class FollowUpStatus(models.TextChoices):
    """What became of a recommendation, as far as the OIF knows: four states a reader can
    check against the sources, none of which claims more than is known (a recommendation
    nobody is seen acting on has "no known follow-up", never "abandoned")."""

    PROPOSED = "proposed", _("Proposed")
    UNDER_WAY = "under_way", _("Under way")
    IMPLEMENTED = "implemented", _("Implemented")
    NO_KNOWN_FOLLOW_UP = "no_known_follow_up", _("No known follow-up")


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

    meeting = models.ForeignKey(
        "events.Meeting",
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
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        help_text=_("What the meeting saw: an opportunity, a risk, or what it recommends."),
    )
    sector = models.CharField(
        _("sector"),
        max_length=20,
        choices=Sector.choices,
        default=Sector.BOTH,
        help_text=_("The uses it concerns: civil, military, or both."),
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
            "Tick when it was said under the Chatham House rule: it is then never attributed "
            "to a speaker or an organisation on public pages."
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
        _("featured"),
        default=False,
        help_text=_("Tick to show it among the findings on the home page."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=NEXT_ORDER_HELP)
    # The follow-up of a recommendation: its status is that of its latest status update
    # (kept in step by StatusUpdate.save and delete), "proposed" while it has none.
    follow_up_status = models.CharField(
        _("follow-up status"),
        max_length=20,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.PROPOSED,
        editable=False,
    )
    follow_up_date = models.DateField(
        _("last status update"), null=True, blank=True, editable=False
    )
    takes_up = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="taken_up_by",
        verbose_name=_("takes up"),
        help_text=_("Recommendations of earlier meetings that this finding builds on."),
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["meeting", "kind", "order", "pk"]
        indexes = [models.Index(fields=["kind", "follow_up_status"])]
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
        # A recommendation's page is that of its follow-up; the finding address redirects there.
        if self.kind == Finding.Kind.RECOMMENDATION:
            return reverse("themes:recommendation", kwargs={"pk": self.pk})
        return reverse("themes:finding", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.session_id and self.meeting_id and self.session.meeting_id != self.meeting_id:
            raise ValidationError(
                {"session": _("This session belongs to another meeting.")},
                code="session_of_other_meeting",
            )


class RecommendationManager(models.Manager.from_queryset(FindingQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Finding.Kind.RECOMMENDATION)


class Recommendation(Finding):
    """A finding of the recommendation kind, as staff follow it up (its own admin list)."""

    objects = RecommendationManager()

    class Meta:
        proxy = True
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-meeting__start", "order", "pk"]


class Addressee(models.Model):
    """Whom a recommendation is addressed to: an organisation, or a kind of actor."""

    class ActorKind(models.TextChoices):
        STATES = "states", _("States and governments")
        INTERNATIONAL = "international", _("International organisations")
        UNITED_NATIONS = "united_nations", _("United Nations system")
        PRIVATE = "private", _("Private sector and technology companies")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        ACADEMIA = "academia", _("Academia")
        OIF = "oif", _("The OIF")

    recommendation = models.ForeignKey(
        Finding,
        on_delete=models.CASCADE,
        related_name="addressees",
        verbose_name=_("recommendation"),
    )
    actor_kind = models.CharField(
        _("kind of actor"), max_length=20, choices=ActorKind.choices, blank=True
    )
    organisation = models.ForeignKey(
        "events.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations_addressed",
        verbose_name=_("organisation"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(actor_kind="") & Q(organisation__isnull=False))
                | (~Q(actor_kind="") & Q(organisation__isnull=True)),
                name="addressee_is_a_kind_or_an_organisation",
                violation_error_message=_("Choose either a kind of actor or an organisation."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation) if self.organisation_id else self.get_actor_kind_display()


class StatusUpdate(models.Model):
    """A dated change of a recommendation's status, with a short public note."""

    recommendation = models.ForeignKey(
        Finding,
        on_delete=models.CASCADE,
        related_name="status_updates",
        verbose_name=_("recommendation"),
    )
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=FollowUpStatus.choices)
    note = models.CharField(
        _("note"),
        max_length=500,
        help_text=_("A sentence or two, public: what happened, and where it is known from."),
    )
    source_url = models.URLField(_("source (link)"), max_length=500, blank=True)
    source = models.CharField(
        _("source (reference)"),
        max_length=255,
        blank=True,
        help_text=_("Optional: a document, a resolution, a report."),
    )
    # For staff only: never on a public page or export.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["recommendation", "date"])]

    def __str__(self) -> str:
        return f"{self.date} — {self.get_status_display()}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        sync_follow_up(self.recommendation_id)

    def delete(self, *args, **kwargs):
        recommendation_id = self.recommendation_id
        result = super().delete(*args, **kwargs)
        sync_follow_up(recommendation_id)
        return result


def sync_follow_up(recommendation_id: int) -> None:
    """Give a recommendation the status and date of its latest update ("proposed" if none)."""
    latest = (
        StatusUpdate.objects.filter(recommendation_id=recommendation_id)
        .order_by("-date", "-pk")
        .values("status", "date")
        .first()
    ) or {"status": FollowUpStatus.PROPOSED, "date": None}
    Finding.objects.filter(pk=recommendation_id).update(
        follow_up_status=latest["status"], follow_up_date=latest["date"]
    )
