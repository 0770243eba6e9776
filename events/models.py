"""The meetings of the cycle: who organises them, when and where, and their programme."""

import functools
import zoneinfo
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Prefetch, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

DEFAULT_TIMEZONE = "Europe/Zurich"
# The help of the order of an item edited inline, where a new one left at 0 is numbered
# after the others (core.admin.NextOrderFormSet).
NEXT_ORDER_HELP = _("Position among the others; a new one left at 0 goes after them.")


@functools.cache
def known_timezones() -> frozenset[str]:
    """The IANA time zones this machine knows (read once: the listing walks the disk)."""
    return frozenset(zoneinfo.available_timezones())


def timezone_choices() -> list[tuple[str, str]]:
    """Every known IANA zone, sorted; referenced by the migration rather than listed in it."""
    return [(name, name.replace("_", " ")) for name in sorted(known_timezones())]


def validate_timezone(value: str) -> None:
    if value not in known_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone."),
            code="invalid_timezone",
            params={"value": value},
        )


def reminder_day_list(value: str) -> list[int]:
    """The days of "7, 1": [7, 1], largest first, each once. Raises ValueError on anything else."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    days = sorted({int(part) for part in parts}, reverse=True)
    if any(day < 1 or day > 60 for day in days):
        raise ValueError(value)
    return days


def validate_reminder_days(value: str) -> None:
    try:
        reminder_day_list(value)
    except ValueError:
        raise ValidationError(
            _("Give whole numbers of days from 1 to 60, separated by commas, such as “7, 1”."),
            code="invalid_reminder_days",
        ) from None


def same_local_time(value, old_tz: zoneinfo.ZoneInfo, new_tz: zoneinfo.ZoneInfo):
    """The instant showing in `new_tz` the wall-clock time that `value` shows in `old_tz`."""
    return timezone.make_aware(timezone.make_naive(value, old_tz), new_tz)


class Cycle(models.Model):
    """A series of meetings, such as the cycle on peace, stability and disarmament."""

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("meeting cycle")
        verbose_name_plural = _("meeting cycles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A body that organises meetings or that people and speakers belong to."""

    class Kind(models.TextChoices):
        INTERNATIONAL = "international", _("International organisation")
        STATE = "state", _("State (permanent mission or delegation)")
        UNITED_NATIONS = "un", _("United Nations body")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        ACADEMIA = "academia", _("Academia")
        PRIVATE = "private", _("Private sector")
        MEDIA = "media", _("Media")

    class FrancophonieStatus(models.TextChoices):
        MEMBER = "member", _("Member State")
        ASSOCIATE = "associate", _("Associate member")
        OBSERVER = "observer", _("Observer")
        NONE = "none", _("Not a member of the Francophonie")

    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = CountryField(_("country"), blank=True)
    francophonie_status = models.CharField(
        _("status in the Francophonie"),
        max_length=20,
        choices=FrancophonieStatus.choices,
        blank=True,
        help_text=_("Only for a State: its status in the Francophonie."),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to="organisations/",
        blank=True,
        help_text=_(
            "Optional. Shown beside the organisation's name on meeting pages; PNG, JPEG or "
            "WebP, on a transparent or white background. Upload only a logo you may use."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="state") & ~Q(francophonie_status=""))
                | (~Q(kind="state") & Q(francophonie_status="")),
                name="organisation_francophonie_status_only_for_states",
                violation_error_message=_(
                    "A State records its status in the Francophonie; other organisations do not."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    def clean(self) -> None:
        if self.kind == self.Kind.STATE and not self.francophonie_status:
            raise ValidationError(
                {"francophonie_status": _("Give the status in the Francophonie of this State.")},
                code="status_required",
            )
        if self.kind != self.Kind.STATE and self.francophonie_status:
            raise ValidationError(
                {"francophonie_status": _("Only a State has a status in the Francophonie.")},
                code="status_not_allowed",
            )


class StrategicProject(models.Model):
    """An OIF strategic project that meetings belong to."""

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        # The table keeps the model's former name (Event, Programme, EventOrganiser):
        # renaming the model changed no table, index or search configuration.
        db_table = "events_programme"
        verbose_name = _("strategic project")
        verbose_name_plural = _("strategic projects")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MeetingQuerySet(models.QuerySet):
    def public(self):
        """Meetings the public may see: published ones, and cancelled ones with their notice."""
        return self.filter(status__in=[Meeting.Status.PUBLISHED, Meeting.Status.CANCELLED])

    def upcoming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start")

    def with_listing(self):
        """What a meeting card shows: its cycle, organisers and themes."""
        return self.select_related("cycle").prefetch_related(
            Prefetch(
                "meeting_organisers",
                queryset=MeetingOrganiser.objects.select_related("organisation"),
            ),
            "themes",
        )

    def related_to(self, meeting: "Meeting"):
        """Other meetings sharing the most themes and organisers with this one. A real meeting
        never points to a fictional example; an example may point to real meetings."""
        theme_ids = [theme.pk for theme in meeting.themes.all()]
        organisation_ids = [link.organisation_id for link in meeting.meeting_organisers.all()]
        candidates = self.exclude(pk=meeting.pk)
        if not meeting.is_example:
            candidates = candidates.filter(is_example=False)
        # A count filtered on an empty list would empty the whole query: count 0 instead.
        shared_themes = (
            Count("themes", filter=Q(themes__in=theme_ids), distinct=True)
            if theme_ids
            else Value(0)
        )
        shared_organisations = (
            Count("organisations", filter=Q(organisations__in=organisation_ids), distinct=True)
            if organisation_ids
            else Value(0)
        )
        return (
            candidates.annotate(shared=shared_themes + shared_organisations)
            .filter(shared__gt=0)
            .order_by("-shared", "-start")
        )

    def with_programme(self):
        """What the meeting page shows: the listing, strategic projects, sessions and speakers."""
        return self.with_listing().prefetch_related(
            "strategic_projects",
            Prefetch(
                "sessions",
                queryset=Session.objects.for_programme().prefetch_related(
                    Prefetch(
                        "session_speakers",
                        queryset=SessionSpeaker.objects.select_related("speaker__affiliation"),
                    )
                ),
            ),
        )


class Meeting(models.Model):
    """One meeting of a cycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class RegistrationMode(models.TextChoices):
        CLOSED = "closed", _("Closed")
        OPEN = "open", _("Open")
        APPROVAL = "approval", _("Open, with approval by staff")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("cycle")
    )
    strategic_projects = models.ManyToManyField(
        StrategicProject, blank=True, related_name="meetings", verbose_name=_("strategic projects")
    )
    organisations = models.ManyToManyField(
        Organisation,
        through="MeetingOrganiser",
        related_name="meetings",
        verbose_name=_("organisers"),
    )
    title = models.CharField(_("title"), max_length=255)
    short_title = models.CharField(
        _("short title"),
        max_length=80,
        blank=True,
        help_text=_(
            "Optional. A few words naming the meeting where space is short, under each of its "
            "findings for instance. The title is used when it is empty."
        ),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_(
            "The end of the meeting's web address; filled in from the French title. Avoid "
            "changing it once published: links to the page would break."
        ),
    )
    start = models.DateTimeField(
        _("start"), help_text=_("In the meeting's time zone: the local time of the venue.")
    )
    end = models.DateTimeField(
        _("end"), help_text=_("In the meeting's time zone: the local time of the venue.")
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=timezone_choices,
        default=DEFAULT_TIMEZONE,
        validators=[validate_timezone],
        help_text=_("Time zone of the venue: the meeting's and its sessions' times are in it."),
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    reported_participants = models.PositiveIntegerField(
        _("reported participants"),
        null=True,
        blank=True,
        help_text=_(
            "Number of participants the meeting's report gives; leave empty before the meeting."
        ),
    )
    reported_participants_is_minimum = models.BooleanField(
        _("“more than” this number"),
        default=False,
        help_text=_("Tick when the report says “more than” the number."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_(
            "Draft: seen by staff only. Published: on the public site. Cancelled: stays online "
            "with a cancellation notice."
        ),
    )
    registration_mode = models.CharField(
        _("registration"),
        max_length=20,
        choices=RegistrationMode.choices,
        default=RegistrationMode.CLOSED,
    )
    is_example = models.BooleanField(
        _("fictional example"),
        default=False,
        help_text=_(
            "Tick only for a demonstration meeting: it is labelled as an example wherever it "
            "shows, and never suggested beside a real meeting."
        ),
    )
    # What confirmed participants are told before the meeting (reminders, manage page).
    practical_information = models.TextField(
        _("practical information"),
        blank=True,
        help_text=_(
            "For confirmed participants, in their reminders: access to the venue, security "
            "checks, what to bring. Not shown on the public page."
        ),
    )
    interpretation_languages = models.CharField(
        _("interpretation"),
        max_length=255,
        blank=True,
        help_text=_("Languages of the interpretation, if any, such as “French and English”."),
    )
    # Private: only confirmed participants get them, by e-mail and on their manage page.
    online_url = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        help_text=_(
            "Link to join an online or hybrid meeting. Private: sent only to confirmed "
            "participants, never shown on the public site."
        ),
    )
    online_passcode = models.CharField(
        _("passcode"),
        max_length=100,
        blank=True,
        help_text=_("Passcode of the online link, if any. Private, like the link."),
    )
    reminder_days = models.CharField(
        _("reminders"),
        max_length=50,
        blank=True,
        default="7, 1",
        validators=[validate_reminder_days],
        help_text=_(
            "Days before the start when confirmed participants get a reminder, separated by "
            "commas. Empty: no reminder."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        db_table = "events_event"  # the former name: see StrategicProject
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="event_ends_after_it_starts",
                violation_error_message=_("A meeting cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["status", "start"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def reminder_days_list(self) -> list[int]:
        """The reminder days, largest first: [7, 1] by default."""
        try:
            return reminder_day_list(self.reminder_days)
        except ValueError:
            return []

    @property
    def card_title(self) -> str:
        """What names the meeting where space is short: its short title, or else its title."""
        return self.short_title or self.title

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError(
                {"end": _("A meeting cannot end before it starts.")}, code="end_before_start"
            )

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.tzinfo)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.tzinfo)

    def keep_sessions_local_times(self, *, previous_timezone: str) -> None:
        """After a change of zone, give every session the local times it had in the previous one.

        A corrected zone means the times typed were the venue's all along, so what changes
        is the instant, never the time on the programme.
        """
        old_tz, new_tz = zoneinfo.ZoneInfo(previous_timezone), self.tzinfo
        sessions = list(Session.objects.filter(meeting=self))
        for session in sessions:
            session.start = same_local_time(session.start, old_tz, new_tz)
            session.end = same_local_time(session.end, old_tz, new_tz)
        Session.objects.bulk_update(sessions, ["start", "end"])

    @property
    def is_multi_day(self) -> bool:
        return self.local_start.date() != self.local_end.date()

    @property
    def is_upcoming(self) -> bool:
        return self.end >= timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def takes_registrations(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.registration_mode != self.RegistrationMode.CLOSED
            and self.is_upcoming
        )

    @property
    def needs_approval(self) -> bool:
        return self.registration_mode == self.RegistrationMode.APPROVAL

    def organisers_by_role(self) -> list["MeetingOrganiser"]:
        """Organisers in display order; relies on the prefetch of `with_listing()`."""
        return sorted(self.meeting_organisers.all(), key=lambda o: (o.role_rank, o.order))

    def sorted_sessions(self) -> list["Session"]:
        return sorted(self.sessions.all(), key=lambda s: (s.start, s.order))


class MeetingOrganiser(models.Model):
    """The part an organisation plays in a meeting."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead organiser")
        CO_ORGANISER = "co_organiser", _("Co-organiser")
        PARTNER = "partner", _("Partner")

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="meeting_organisers",
        verbose_name=_("meeting"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="meeting_roles",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LEAD)
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=NEXT_ORDER_HELP)

    class Meta:
        db_table = "events_eventorganiser"  # the former name: see StrategicProject
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                name="unique_organiser_per_event",
                violation_error_message=_("This organisation is already an organiser."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"

    @property
    def role_rank(self) -> int:
        return list(self.Role.values).index(self.role)


class Speaker(models.Model):
    """A speaker's public profile. Never holds contact details."""

    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=255, blank=True)
    affiliation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speakers",
        verbose_name=_("affiliation"),
    )
    biography = models.TextField(_("biography"), blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# What the apps above events add to the sessions of a meeting's programme: each is a function
# from a queryset of sessions to another, registered in its AppConfig.ready() (participants
# adds the seats taken, read by `Session.places_left`). events names none of those apps.
PROGRAMME_SESSION_ANNOTATIONS: list[Callable[[models.QuerySet], models.QuerySet]] = []


class SessionQuerySet(models.QuerySet):
    def for_programme(self):
        """Sessions with what the apps above events add to a programme."""
        queryset = self
        for annotate in PROGRAMME_SESSION_ANNOTATIONS:
            queryset = annotate(queryset)
        return queryset


class Session(models.Model):
    """An item of a meeting's programme; participants register for sessions."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("meeting")
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(
        _("start"), help_text=_("In the meeting's time zone: the local time of the venue.")
    )
    end = models.DateTimeField(
        _("end"), help_text=_("In the meeting's time zone: the local time of the venue.")
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Number of places; leave empty when there is no limit."),
    )
    registration_open = models.BooleanField(
        _("registration open"),
        default=True,
        help_text=_(
            "Participants may register when this is ticked and the meeting takes registrations."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=NEXT_ORDER_HELP)
    speakers = models.ManyToManyField(
        Speaker, through="SessionSpeaker", related_name="sessions", verbose_name=_("speakers")
    )
    # Private, as the meeting's: a session's own link, when it differs from the meeting's.
    online_url = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        help_text=_(
            "Only when this session has a link of its own; otherwise the meeting's applies. "
            "Private: sent only to confirmed participants."
        ),
    )
    online_passcode = models.CharField(_("passcode"), max_length=100, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="session_ends_after_it_starts",
                violation_error_message=_("A session must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not (self.start and self.end):
            return
        if self.end <= self.start:
            raise ValidationError(
                {"end": _("A session must end after it starts.")}, code="end_before_start"
            )
        # The database cannot compare with another table's row, so this rule lives here.
        try:
            meeting = self.meeting
        except Meeting.DoesNotExist:
            meeting = None
        if meeting and meeting.start and meeting.end:
            tz = meeting.tzinfo
            first_day = timezone.localtime(meeting.start, tz).date()
            last_day = timezone.localtime(meeting.end, tz).date()
            if (
                timezone.localtime(self.start, tz).date() < first_day
                or timezone.localtime(self.end, tz).date() > last_day
            ):
                raise ValidationError(
                    _("A session must take place within its meeting's days."),
                    code="outside_event_days",
                )

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.meeting.tzinfo)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.meeting.tzinfo)

    @property
    def takes_registrations(self) -> bool:
        """Whether the public may register for this session now."""
        return (
            self.registration_open
            and self.meeting.takes_registrations
            and self.start > timezone.now()
        )

    @property
    def places_left(self) -> int | None:
        """Places not yet confirmed (None: no limit); needs the seats taken (`for_programme()`)."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_full(self) -> bool:
        return self.places_left == 0

    def sorted_speakers(self) -> list["SessionSpeaker"]:
        return sorted(self.session_speakers.all(), key=lambda s: (s.role_rank, s.order))


class SessionSpeaker(models.Model):
    """The part a speaker plays in a session."""

    class Role(models.TextChoices):
        MODERATOR = "moderator", _("Moderator")
        SPEAKER = "speaker", _("Speaker")
        RAPPORTEUR = "rapporteur", _("Rapporteur")

    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="session_speakers",
        verbose_name=_("session"),
    )
    speaker = models.ForeignKey(
        Speaker,
        on_delete=models.PROTECT,
        related_name="session_roles",
        verbose_name=_("speaker"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("session speaker")
        verbose_name_plural = _("session speakers")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "speaker", "role"],
                name="unique_speaker_role_per_session",
                violation_error_message=_("This speaker already has this role in the session."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.speaker} ({self.get_role_display()})"

    @property
    def role_rank(self) -> int:
        return list(self.Role.values).index(self.role)
