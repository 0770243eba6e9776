import django_filters
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from core.dates import date_range
from events.models import Meeting

from .models import Finding, Theme


def year_choices():
    """The years in which a public meeting found something."""
    years = (
        Finding.objects.public()
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


class FindingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Finding.Kind.choices, empty_label=_("All kinds")
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=Finding.Sector.choices, empty_label=_("All sectors")
    )
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

    class Meta:
        model = Finding
        fields = ["kind", "sector", "theme", "meeting", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read the years once: the form would otherwise query them to validate, then to render.
        self.filters["year"].extra["choices"] = year_choices()
