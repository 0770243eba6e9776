"""The public registration flow: form → check your e-mail → confirm → manage (cancel)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from core.http import client_ip
from events.models import Meeting

from . import emails, follow_up, ratelimit, selectors, services, tokens
from .forms import FeedbackForm, RegistrationForm
from .models import Participant, Registration


class MeetingFromUrlMixin:
    """The meeting named in the URL, with its programme and seat counts."""

    def dispatch(self, request, *args, **kwargs):
        self.meeting = get_object_or_404(
            Meeting.objects.public().with_programme(), slug=kwargs["slug"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)


class LinkErrorMixin:
    """A clear page with a 4xx status for a link that is altered, expired or already used."""

    def link_error(self, reason: str, *, meeting: Meeting | None = None, status: int = 410):
        context = {
            "reason": reason,
            "meeting": meeting,
            "link_hours": settings.REGISTRATION_LINK_MAX_AGE_HOURS,
            "manage_days": settings.MANAGE_LINK_DAYS_AFTER_MEETING,
        }
        return render(self.request, "participants/link_invalid.html", context, status=status)


class PersonLinkMixin(LinkErrorMixin):
    """A page opened through a signed link that names a person (`read_token` reads it): the
    link's person, unless the link was altered (400) or revoked (410, as anonymisation does).
    `link_checked` goes on from there."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.link = self.read_token(kwargs["token"])
        except tokens.LinkInvalid:
            return self.link_error("invalid", status=400)
        self.participant = Participant.objects.filter(
            pk=self.link.participant_id, manage_key=self.link.key, anonymised_at__isnull=True
        ).first()
        if self.participant is None:
            return self.link_error("revoked")
        return self.link_checked(request, *args, **kwargs)

    def link_checked(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


class RegisterView(MeetingFromUrlMixin, FormView):
    template_name = "participants/register.html"
    form_class = RegistrationForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"meeting": self.meeting}

    def get_initial(self):
        chosen = [v for v in self.request.GET.getlist("session") if v.isascii() and v.isdigit()]
        return {"language": get_language(), "sessions": chosen}

    def form_invalid(self, form):
        if form.is_robot:
            return self.refused(_("Your request could not be processed."), status=400)
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        ip_ok = ratelimit.hit(
            "ip", client_ip(self.request), limit=settings.REGISTRATION_RATE_PER_IP
        )
        email_ok = ratelimit.hit(
            "email", form.cleaned_data["email"], limit=settings.REGISTRATION_RATE_PER_EMAIL
        )
        if not (ip_ok and email_ok):
            return self.refused(
                _("Too many registration requests were made. Please try again in an hour."),
                status=429,
            )
        sent = services.registration_request(
            meeting=self.meeting,
            sessions=list(form.cleaned_data["sessions"]),
            details=form.details(),
            now=timezone.now(),
        )
        # Redirect after the post, so that going back and reloading sends nothing twice.
        next_page = "participants:check_email" if sent else "participants:email_not_sent"
        return HttpResponseRedirect(reverse(next_page, kwargs={"slug": self.meeting.slug}))

    def refused(self, message: str, *, status: int):
        context = self.get_context_data(refusal=message)
        return self.render_to_response(context, status=status)


class CheckEmailView(MeetingFromUrlMixin, TemplateView):
    """The same page whether or not the address was known: it reveals nothing."""

    template_name = "participants/check_email.html"
    extra_context = {"link_hours": settings.REGISTRATION_LINK_MAX_AGE_HOURS}


class EmailNotSentView(MeetingFromUrlMixin, TemplateView):
    """After a request whose e-mail could not be sent: the same page for every address."""

    template_name = "participants/email_not_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(contact_email=settings.CONTACT_EMAIL, **kwargs)


class ConfirmView(LinkErrorMixin, TemplateView):
    """GET shows what the link confirms; POST confirms (mail scanners only GET).

    A link whose registrations were all confirmed already (through it, or through another
    link sent for the same request) shows where they stand: the person's manage page."""

    template_name = "participants/confirm.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            link = tokens.read_confirmation_token(kwargs["token"])
        except tokens.LinkExpired as expired:
            meeting = Meeting.objects.public().filter(pk=expired.payload.get("e")).first()
            return self.link_error("expired", meeting=meeting)
        except tokens.LinkInvalid:
            return self.link_error("invalid", status=400)
        self.meeting = Meeting.objects.public().filter(pk=link.meeting_id).first()
        if self.meeting is None:
            return self.link_error("invalid", status=404)
        named = selectors.registrations_for_confirmation(link)
        self.registrations = [r for r in named if r.status == Registration.Status.PENDING]
        if not named:
            return self.link_error("used", meeting=self.meeting)
        if not self.registrations:
            messages.info(
                request,
                _(
                    "This confirmation link has already been used. Here is where your "
                    "registration stands."
                ),
            )
            return self.to_manage_page(named[0].participant)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            meeting=self.meeting, registrations=self.registrations, **kwargs
        )

    def post(self, request, *args, **kwargs):
        done = services.registrations_confirm(registrations=self.registrations, now=timezone.now())
        if done:
            messages.success(request, _("Your e-mail address is confirmed."))
        return self.to_manage_page(self.registrations[0].participant)

    def to_manage_page(self, participant):
        return HttpResponseRedirect(
            tokens.manage_path(participant=participant, meeting=self.meeting)
        )


class ManageView(LinkErrorMixin, TemplateView):
    """A participant's registrations for one meeting, reached through their personal link.

    Cancelling takes two steps: the cancel buttons lead to a page that asks to confirm, and
    only that page's button (which sends `confirm`) cancels."""

    template_name = "participants/manage.html"
    confirm_template_name = "participants/cancel_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            link = tokens.read_manage_token(kwargs["token"])
        except tokens.LinkInvalid:
            return self.link_error("invalid", status=400)
        self.meeting = Meeting.objects.public().filter(pk=link.meeting_id).first()
        if self.meeting is not None and tokens.manage_link_expired(
            meeting=self.meeting, now=timezone.now()
        ):
            return self.link_error("manage_expired", meeting=self.meeting)
        self.participant = Participant.objects.filter(
            pk=link.participant_id, manage_key=link.key, anonymised_at__isnull=True
        ).first()
        if self.participant is None or self.meeting is None:
            return self.link_error("revoked", meeting=self.meeting)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        registrations = selectors.registrations_to_manage(
            participant=self.participant, meeting=self.meeting
        )
        # The online links and practical information are for confirmed participants only:
        # computed from the confirmed registrations, nothing for the others.
        confirmed = [r.session for r in registrations if r.status == Registration.Status.CONFIRMED]
        return super().get_context_data(
            meeting=self.meeting,
            participant=self.participant,
            registrations=registrations,
            has_active=any(r.is_active for r in registrations),
            has_confirmed=bool(confirmed),
            online=emails.online_access(self.meeting, confirmed),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        choice = request.POST.get("cancel", "")
        active = self.participant.registrations.active().filter(session__meeting=self.meeting)
        if choice == "all":
            chosen = list(active.select_related("session__meeting").order_by("session__start"))
        elif choice.isascii() and choice.isdigit() and len(choice) < 19:
            chosen = list(active.filter(pk=int(choice)).select_related("session__meeting"))
        else:
            chosen = []
        if not chosen:
            messages.error(request, _("There was nothing to cancel: choose a registration."))
            return self.render_to_response(self.get_context_data(), status=400)
        if "confirm" not in request.POST:
            context = {"meeting": self.meeting, "chosen": chosen, "choice": choice}
            return render(request, self.confirm_template_name, context)
        for registration in chosen:
            services.registration_cancel(registration=registration, now=timezone.now())
        messages.success(request, _("Your registration is cancelled."))
        return HttpResponseRedirect(request.path)


class PrivacyView(TemplateView):
    template_name = "participants/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            version=settings.PRIVACY_NOTICE_VERSION,
            retention_days=settings.PARTICIPANT_RETENTION_DAYS,
            link_hours=settings.REGISTRATION_LINK_MAX_AGE_HOURS,
            **kwargs,
        )


@method_decorator(csrf_exempt, name="dispatch")
class StopMessagesView(PersonLinkMixin, TemplateView):
    """The link at the foot of reminders and staff messages: no more of them, without an
    account. Opening it asks to confirm (mail scanners open links); the button, or a mail
    program's one-click unsubscribe (RFC 8058: a POST with no form of ours, hence no CSRF
    token), stops them. The signed link is the only credential."""

    template_name = "participants/stop_messages.html"
    read_token = staticmethod(tokens.read_stop_token)

    def get_context_data(self, **kwargs):
        return super().get_context_data(stopped_at=self.participant.messages_stopped_at, **kwargs)

    def post(self, request, *args, **kwargs):
        services.messages_stop(participant=self.participant, now=timezone.now())
        return HttpResponseRedirect(request.path)


class FeedbackView(PersonLinkMixin, FormView):
    """The feedback form after a meeting, opened through the link of the follow-up e-mail:
    no account, one answer per person who took part. The signed link is the only credential.
    Once answered, the link shows a thank-you page."""

    template_name = "participants/feedback.html"
    closed_template_name = "participants/feedback_closed.html"
    form_class = FeedbackForm
    # The status of each page that is not the form: on a POST, "not ended" and "answered"
    # refuse what was sent; on a GET, they only tell where the form stands.
    closed_status = {"expired": 410, "not_participant": 403}
    refused_post_status = {"not_ended": 403, "answered": 409}

    read_token = staticmethod(tokens.read_feedback_token)

    def link_checked(self, request, *args, **kwargs):
        self.meeting = Meeting.objects.filter(
            pk=self.link.meeting_id, status=Meeting.Status.PUBLISHED
        ).first()
        if self.meeting is None:
            raise Http404
        try:
            follow_up.feedback_check(
                meeting=self.meeting, participant=self.participant, now=timezone.now()
            )
        except follow_up.FeedbackRefused as refused:
            return self.closed(refused.reason)
        return super().link_checked(request, *args, **kwargs)

    def closed(self, reason: str):
        status = self.closed_status.get(reason, 200)
        if self.request.method == "POST":
            status = self.refused_post_status.get(reason, status)
        context = {
            "meeting": self.meeting,
            "reason": reason,
            "closes": follow_up.feedback_closes(self.meeting),
        }
        return render(self.request, self.closed_template_name, context, status=status)

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        try:
            follow_up.feedback_record(
                meeting=self.meeting,
                participant=self.participant,
                answers=form.cleaned_data,
                language=get_language(),
                now=timezone.now(),
            )
        except follow_up.FeedbackRefused as refused:
            return self.closed(refused.reason)
        # Redirect after the post: the link now shows the thank-you page.
        return HttpResponseRedirect(self.request.path)
