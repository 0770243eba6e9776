from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core import languages

from .models import Feedback, Participant
from .selectors import sessions_with_counts
from .services import ParticipantDetails


def country_choices():
    """Country names in the active language, computed when the form is shown."""
    return [("", "—"), *countries]


class SessionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, session):
        return session.title


class RegistrationForm(forms.Form):
    sessions = SessionChoiceField(
        label=_("Sessions"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one session."),
            "invalid_choice": _("Choose among the sessions offered on this page."),
            "invalid_pk_value": _("Choose among the sessions offered on this page."),
        },
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={"invalid": _("Enter a valid e-mail address, such as name@example.org.")},
    )
    organisation_name = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—"), *Participant.Category.choices]
    )
    country = forms.ChoiceField(label=_("Country"), choices=country_choices, required=False)
    language = forms.ChoiceField(
        label=_("Language of the e-mails"),
        choices=languages.choices,
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Tell us what would make the meeting accessible to you."),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my data is used to manage my "
            "registration."
        ),
        error_messages={"required": _("You must accept the privacy notice to register.")},
    )
    # A field people never see: robots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.open_sessions = [s for s in meeting.sorted_sessions() if s.takes_registrations]
        self.fields["sessions"].queryset = (
            sessions_with_counts()
            .select_related("meeting")
            .filter(pk__in=[s.pk for s in self.open_sessions])
        )
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["country"].widget.attrs["autocomplete"] = "country"

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(_("Leave this field empty."), code="honeypot")
        return ""

    @property
    def is_robot(self) -> bool:
        return self.has_error("website", code="honeypot")

    def details(self) -> ParticipantDetails:
        data = self.cleaned_data
        return ParticipantDetails(
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            email=data["email"].strip(),
            organisation_name=data["organisation_name"].strip(),
            category=data["category"],
            country=data["country"] or "",
            language=data["language"],
            accessibility_needs=data["accessibility_needs"].strip(),
        )


class FeedbackForm(forms.Form):
    """The four questions of the feedback form after a meeting."""

    USEFULNESS_CHOICES = [
        (1, _("1 — not useful")),
        (2, "2"),
        (3, "3"),
        (4, "4"),
        (5, _("5 — very useful")),
    ]

    usefulness = forms.TypedChoiceField(
        label=_("How useful was the meeting to you?"),
        choices=USEFULNESS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a number from 1 to 5."),
            "invalid_choice": _("Choose a number from 1 to 5."),
        },
    )
    improvements = forms.CharField(
        label=_("What could we improve?"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_topics = forms.CharField(
        label=_("Which topics would you like the next meetings to take up?"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attend_again = forms.ChoiceField(
        label=_("Would you attend another meeting of the cycle?"),
        choices=Feedback.Again.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose yes, maybe or no."),
            "invalid_choice": _("Choose yes, maybe or no."),
        },
    )
