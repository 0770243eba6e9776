"""People who register for sessions, and their registrations. Private data."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from core import languages


def new_key() -> str:
    return secrets.token_urlsafe(16)


class Participant(models.Model):
    """A person who registers. One row per e-mail address."""

    class Category(models.TextChoices):
        STATE = "state", _("State delegation")
        INTERNATIONAL = "international", _("International organisation")
        UNITED_NATIONS = "un", _("United Nations body")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        ACADEMIA = "academia", _("Academia")
        PRIVATE = "private", _("Private sector")
        MEDIA = "media", _("Media")
        OTHER = "other", _("Other")

    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail address"), max_length=254)
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    country = CountryField(_("country"), blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=languages.choices,
        # Not a callable: the admin form would then carry a hidden initial value.
        default=settings.LANGUAGE_CODE,
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    privacy_notice_version = models.CharField(
        _("privacy notice version"), max_length=20, blank=True
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # Set through the link at the foot of reminders and staff messages: no more of them (the
    # e-mails that answer the person's own requests still go).
    messages_stopped_at = models.DateTimeField(
        _("reminders and messages stopped"), null=True, blank=True
    )
    # Part of the signed manage links; changing it revokes every link sent so far.
    manage_key = models.CharField(max_length=32, default=new_key, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="unique_participant_email",
                violation_error_message=_("A participant with this e-mail address exists."),
            ),
        ]

    def __str__(self) -> str:
        if self.anonymised_at:
            return _("Anonymised participant no. %(pk)s") % {"pk": self.pk}
        return f"{self.first_name} {self.last_name}"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Registration.ACTIVE_STATUSES)

    def waiting_queue(self):
        """Waitlisted registrations in the order freed seats go to them: longest wait first.
        One put on the list by hand in the admin, without a date, counts from when it was made."""
        return (
            self.filter(status=Registration.Status.WAITLISTED)
            .annotate(queued_at=Coalesce("waitlisted_at", "created_at"))
            .order_by("queued_at", "pk")
        )

    def with_waitlist_position(self):
        """Annotate `waitlist_position`: 1 for the person the next freed seat goes to, in the
        order of `waiting_queue`; None when not waitlisted. One subquery, whatever the rows."""
        queued_at = OuterRef("queued_at")
        ahead = (
            Registration.objects.waiting_queue()
            .filter(session=OuterRef("session"))
            .filter(Q(queued_at__lt=queued_at) | Q(queued_at=queued_at, pk__lt=OuterRef("pk")))
            .order_by()
            .values("session")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            queued_at=Coalesce("waitlisted_at", "created_at"),
            waitlist_position=Case(
                When(
                    status=Registration.Status.WAITLISTED,
                    then=Coalesce(Subquery(ahead), Value(0)) + 1,
                ),
                default=None,
            ),
        )


class Registration(models.Model):
    """A participant's place (or wish of a place) in a session."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending e-mail confirmation")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Rejected")

    ACTIVE_STATUSES = [
        Status.PENDING,
        Status.AWAITING_APPROVAL,
        Status.CONFIRMED,
        Status.WAITLISTED,
    ]

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("participant"),
    )
    session = models.ForeignKey(
        "events.Session",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("session"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("put on the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Secret part of every confirmation link sent for this registration, so that a link needs
    # more than the signing key. A person's pending registrations for one meeting share one
    # nonce, which never changes: every link sent stays valid until it expires, and a link
    # used twice is still recognised (it then shows where the registration stands).
    confirmation_nonce = models.CharField(max_length=32, blank=True, editable=False)
    # When the last confirmation link was sent: the link, and the pending registration with
    # it, expire from then.
    confirmation_sent_at = models.DateTimeField(
        _("confirmation link sent"), null=True, blank=True, editable=False
    )
    email_failed = models.BooleanField(
        _("last e-mail failed"),
        default=False,
        help_text=_("The last e-mail about this registration could not be sent; resend it."),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        # One registration (« inscription »): the plain msgid is the meeting's field
        # "registration", whose French is the plural « inscriptions ».
        verbose_name = pgettext_lazy("one registration", "registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "session"],
                condition=Q(status__in=["pending", "awaiting_approval", "confirmed", "waitlisted"]),
                name="unique_active_registration",
                violation_error_message=_(
                    "This participant already has an active registration for this session."
                ),
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.participant} — {self.session}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


# --- Messages to participants ---------------------------------------------------------------


class StaffMessage(models.Model):
    """A message that staff write to the participants of a meeting or a session."""

    # The statuses staff may write to.
    AUDIENCES = [
        Registration.Status.CONFIRMED,
        Registration.Status.WAITLISTED,
        Registration.Status.AWAITING_APPROVAL,
    ]

    meeting = models.ForeignKey(
        "events.Meeting",
        on_delete=models.PROTECT,
        related_name="staff_messages",
        verbose_name=_("meeting"),
    )
    session = models.ForeignKey(
        "events.Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_messages",
        verbose_name=_("session"),
        help_text=_("Empty: the participants of every session of the meeting."),
    )
    statuses = models.JSONField(
        _("recipients"),
        default=list,
        help_text=_("The registrations whose participants get the message."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("message"),
        help_text=_(
            "Plain text. The greeting, the link to the participant's registrations and the "
            "link to stop messages are added."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to participants")
        verbose_name_plural = _("messages to participants")
        ordering = ["-created_at"]
        permissions = [("send_staffmessage", _("Can send messages to participants"))]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One e-mail to one participant, recorded before it leaves: the outbox that the worker
    sends from (participants/outbox.py). Its key makes each message go once per recipient."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        REMINDER = "reminder", _("Reminder")
        STAFF_MESSAGE = "staff_message", _("Message from staff")
        ONLINE_ACCESS = "online_access", _("Online link")
        FOLLOW_UP = "follow_up", _("Follow-up and feedback")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Not sent")

    # Kinds that the link "stop reminders and messages" stops.
    STOPPABLE = [Kind.REMINDER, Kind.STAFF_MESSAGE, Kind.FOLLOW_UP]
    # Kinds sent only while their meeting is published (not once cancelled).
    ABOUT_THE_MEETING_TAKING_PLACE = [Kind.REMINDER, Kind.ONLINE_ACCESS, Kind.FOLLOW_UP]

    key = models.CharField(max_length=200, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    template = models.CharField(_("template"), max_length=50)
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("participant"),
    )
    meeting = models.ForeignKey(
        "events.Meeting",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("meeting"),
    )
    staff_message = models.ForeignKey(
        StaffMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("message to participants"),
    )
    # Registrations the e-mail is about, and what else the template needs (a link's token).
    registration_ids = models.JSONField(default=list, blank=True, editable=False)
    context = models.JSONField(default=dict, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=5, choices=languages.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    attempted_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # The exception's class only: never a server's reply, which may quote the address.
    last_error = models.CharField(_("last error"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["meeting", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.template} #{self.pk}"


class Feedback(models.Model):
    """A participant's answers to the feedback form after a meeting; one per person."""

    class Again(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    meeting = models.ForeignKey(
        "events.Meeting",
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("meeting"),
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    improvements = models.TextField(_("what to improve"), blank=True)
    next_topics = models.TextField(_("topics for the next meetings"), blank=True)
    attend_again = models.CharField(_("would attend again"), max_length=10, choices=Again.choices)
    language = models.CharField(_("language"), max_length=5, choices=languages.choices)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="one_feedback_per_participant"
            ),
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5), name="feedback_usefulness_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.submitted_at:%Y-%m-%d}"
