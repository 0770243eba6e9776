import django_filters
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from core.dates import date_range
from events.models import Meeting, Organisation

from .models import Addressee, Finding, FollowUpStatus, Theme
from .selectors import public_recommendations


def year_choices(findings=None):
    """The years in which a public meeting found something (of `findings`, if given)."""
    years = (
        (Finding.objects.public() if findings is None else findings)
        .annotate(year=ExtractYear("meeting__start"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return [(year, str(year)) for year in years]


class MeetingChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        # Two meetings may share a title from one year to the next: the dates tell them apart.
        return f"{obj.title} ({date_range(obj.local_start, obj.local_end)})"


class MeetingFilter(django_filters.ModelChoiceFilter):
    field_class = MeetingChoiceField


class CycleFindingFilter(django_filters.FilterSet):
    """The filters of every list of findings: theme, meeting and year."""

    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="themes",
        to_field_name="slug",
        queryset=Theme.objects.all(),
        empty_label=_("All themes"),
    )
    # Only public meetings: a draft's address is refused like an unknown one.
    meeting = MeetingFilter(
        label=_("Meeting"),
        field_name="meeting",
        to_field_name="slug",
        queryset=Meeting.objects.public().order_by("-start"),
        empty_label=_("All meetings"),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"),
        field_name="meeting__start__year",
        choices=year_choices,
        empty_label=_("All years"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read the years once: the form would otherwise query them to validate, then to render.
        self.filters["year"].extra["choices"] = year_choices(self.listed())

    def listed(self):
        """The findings this list may show, whatever the filters."""
        return Finding.objects.public()


class FindingFilter(CycleFindingFilter):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Finding.Kind.choices, empty_label=_("All kinds")
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=Finding.Sector.choices, empty_label=_("All sectors")
    )

    class Meta:
        model = Finding
        fields = ["kind", "sector", "theme", "meeting", "year"]


def addressee_choices():
    """The kinds of actors, then the organisations that public recommendations address."""
    organisations = (
        Organisation.objects.filter(
            recommendations_addressed__recommendation__in=public_recommendations().values("pk")
        )
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )
    return [
        (_("Kinds of actors"), Addressee.ActorKind.choices),
        (_("Organisations"), list(organisations)),
    ]


class RecommendationFilter(CycleFindingFilter):
    """The recommendations of the follow-up page. Besides the list, it keeps those of every
    status that the other filters leave (`without_status`): the counts per status are theirs,
    so that each count is what its link gives."""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        field_name="follow_up_status",
        choices=FollowUpStatus.choices,
        empty_label=_("All statuses"),
    )
    # A kind of actor by its code (`?addressee=states`), an organisation by its slug.
    addressee = django_filters.ChoiceFilter(
        label=_("Addressee"),
        choices=addressee_choices,
        empty_label=_("All addressees"),
        method="filter_addressee",
    )

    class Meta:
        model = Finding
        fields = ["status", "addressee", "theme", "meeting", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.without_status = self.queryset  # until filtered
        self.filters["addressee"].extra["choices"] = addressee_choices()
        # Only the meetings that made recommendations.
        self.filters["meeting"].queryset = Meeting.objects.filter(
            pk__in=self.listed().values("meeting")
        ).order_by("-start")

    def listed(self):
        return public_recommendations()

    def filter_addressee(self, queryset, name, value):
        if value in Addressee.ActorKind.values:
            addressed = Addressee.objects.filter(actor_kind=value)
        else:
            addressed = Addressee.objects.filter(organisation__slug=value)
        return queryset.filter(pk__in=addressed.values("recommendation"))

    def filter_queryset(self, queryset):
        filters = dict(self.form.cleaned_data)
        status = filters.pop("status")
        for name, value in filters.items():
            queryset = self.filters[name].filter(queryset, value)
        self.without_status = queryset
        return self.filters["status"].filter(queryset, status)
