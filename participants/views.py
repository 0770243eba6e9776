"""The public registration flow: form → check your e-mail → confirm → manage (cancel)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from events.models import Event

from . import ratelimit, services, tokens
from .forms import RegistrationForm
from .models import Participant, Registration


class MeetingFromUrlMixin:
    """The meeting named in the URL, with its programme and seat counts."""

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(Event.objects.public().with_programme(), slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, **kwargs)


class LinkErrorMixin:
    """A clear page with a 4xx status for a link that is altered, expired or already used."""

    def link_error(self, reason: str, *, event: Event | None = None, status: int = 410):
        context = {
            "reason": reason,
            "event": event,
            "link_hours": settings.REGISTRATION_LINK_MAX_AGE_HOURS,
        }
        return render(self.request, "participants/link_invalid.html", context, status=status)


class RegisterView(MeetingFromUrlMixin, FormView):
    template_name = "participants/register.html"
    form_class = RegistrationForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"event": self.event}

    def get_initial(self):
        chosen = [value for value in self.request.GET.getlist("session") if value.isdigit()]
        return {"language": get_language(), "sessions": chosen}

    def form_invalid(self, form):
        if form.is_robot:
            return self.refused(_("Your request could not be processed."), status=400)
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        ip_ok = ratelimit.hit(
            "ip", self.request.META.get("REMOTE_ADDR", ""), limit=settings.REGISTRATION_RATE_PER_IP
        )
        email_ok = ratelimit.hit(
            "email", form.cleaned_data["email"], limit=settings.REGISTRATION_RATE_PER_EMAIL
        )
        if not (ip_ok and email_ok):
            return self.refused(
                _("Too many registration requests were made. Please try again in an hour."),
                status=429,
            )
        services.registration_request(
            event=self.event,
            sessions=list(form.cleaned_data["sessions"]),
            details=form.details(),
            now=timezone.now(),
        )
        # Redirect after the post, so that going back and reloading sends nothing twice.
        return HttpResponseRedirect(
            reverse("participants:check_email", kwargs={"slug": self.event.slug})
        )

    def refused(self, message: str, *, status: int):
        context = self.get_context_data(refusal=message)
        return self.render_to_response(context, status=status)


class CheckEmailView(MeetingFromUrlMixin, TemplateView):
    """The same page whether or not the address was known: it reveals nothing."""

    template_name = "participants/check_email.html"
    extra_context = {"link_hours": settings.REGISTRATION_LINK_MAX_AGE_HOURS}


class ConfirmView(LinkErrorMixin, TemplateView):
    """GET shows what the link confirms; POST confirms (mail scanners only GET)."""

    template_name = "participants/confirm.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            link = tokens.read_confirmation_token(kwargs["token"])
        except tokens.LinkExpired as expired:
            event = Event.objects.public().filter(pk=expired.payload.get("e")).first()
            return self.link_error("expired", event=event)
        except tokens.LinkInvalid:
            return self.link_error("invalid", status=400)
        self.registrations = services.registrations_for_confirmation(link)
        self.event = Event.objects.public().filter(pk=link.event_id).first()
        if self.event is None:
            return self.link_error("invalid", status=404)
        if not self.registrations:
            return self.link_error("used", event=self.event)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            event=self.event, registrations=self.registrations, **kwargs
        )

    def post(self, request, *args, **kwargs):
        done = services.registrations_confirm(registrations=self.registrations, now=timezone.now())
        if done:
            messages.success(request, _("Your e-mail address is confirmed."))
        participant = self.registrations[0].participant
        return HttpResponseRedirect(tokens.manage_path(participant=participant, event=self.event))


class ManageView(LinkErrorMixin, TemplateView):
    """A participant's registrations for one meeting, reached through their personal link."""

    template_name = "participants/manage.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            link = tokens.read_manage_token(kwargs["token"])
        except tokens.LinkInvalid:
            return self.link_error("invalid", status=400)
        self.participant = Participant.objects.filter(
            pk=link.participant_id, manage_key=link.key, anonymised_at__isnull=True
        ).first()
        self.event = Event.objects.public().filter(pk=link.event_id).first()
        if self.participant is None or self.event is None:
            return self.link_error("revoked", event=self.event)
        return super().dispatch(request, *args, **kwargs)

    def registrations(self):
        return (
            self.participant.registrations.filter(session__event=self.event)
            .select_related("session__event")
            .order_by("session__start", "session__order", "-created_at")
        )

    def get_context_data(self, **kwargs):
        registrations = list(self.registrations())
        return super().get_context_data(
            event=self.event,
            participant=self.participant,
            registrations=registrations,
            has_active=any(r.is_active for r in registrations),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        choice = request.POST.get("cancel", "")
        active = self.registrations().filter(status__in=Registration.ACTIVE_STATUSES)
        if choice == "all":
            chosen = list(active)
        elif choice.isdigit():
            chosen = list(active.filter(pk=int(choice)))
        else:
            chosen = []
        if not chosen:
            messages.error(request, _("There was nothing to cancel: choose a registration."))
            return self.render_to_response(self.get_context_data(), status=400)
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
