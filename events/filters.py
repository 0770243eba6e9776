import django_filters
from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Meeting, Organisation


def theme_queryset(request):
    # The themes app owns the relation (Theme.meetings, reverse name "themes"): the themes are
    # what the relation leads to, as in any `themes__…` lookup, with no import of that app.
    return Meeting._meta.get_field("themes").related_model.objects.all()


def year_choices():
    years = (
        Meeting.objects.public()
        .annotate(year=ExtractYear("start"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return [(year, str(year)) for year in years]


def country_choices():
    codes = set(Meeting.objects.public().exclude(country="").values_list("country", flat=True))
    return [(code, name) for code, name in countries if code in codes]


MAX_QUERY_LENGTH = 200


class MeetingListFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _("Your search is too long: use at most %(limit_value)d characters.")
        },
    )
    when = django_filters.ChoiceFilter(
        label=_("When"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        method="filter_when",
        empty_label=_("All dates"),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"),
        field_name="start__year",
        choices=year_choices,
        empty_label=_("All years"),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="themes",
        to_field_name="slug",
        queryset=theme_queryset,
        empty_label=_("All themes"),
    )
    organiser = django_filters.ModelChoiceFilter(
        label=_("Organiser"),
        field_name="organisations",
        to_field_name="slug",
        queryset=Organisation.objects.filter(meeting_roles__isnull=False).distinct(),
        empty_label=_("All organisers"),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=country_choices, empty_label=_("All countries")
    )
    format = django_filters.ChoiceFilter(
        label=_("Format"), choices=Meeting.Format.choices, empty_label=_("All formats")
    )

    class Meta:
        model = Meeting
        fields = ["q", "when", "year", "theme", "organiser", "country", "format"]

    def filter_text(self, queryset, name, value):
        words = value.split()
        for word in words[:10]:
            queryset = queryset.filter(
                Q(title_fr__icontains=word)
                | Q(title_en__icontains=word)
                | Q(summary_fr__icontains=word)
                | Q(summary_en__icontains=word)
                | Q(city_fr__icontains=word)
                | Q(city_en__icontains=word)
            )
        return queryset

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        return queryset.upcoming(now) if value == "upcoming" else queryset.past(now)
