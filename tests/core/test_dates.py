"""How the portal writes days and hours (core.dates): the forms a reader sees, in each language."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from core.dates import date_range, date_range_html, time_of_day, time_range

GENEVA = zoneinfo.ZoneInfo("Europe/Zurich")


def at(year, month, day, hour=9, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=GENEVA)


@pytest.mark.parametrize(
    ("start", "end", "fr", "en"),
    [
        (at(2025, 4, 15), at(2025, 4, 15, 18), "15 avril 2025", "15 April 2025"),
        (at(2027, 1, 27), at(2027, 1, 28), "27-28 janvier 2027", "27–28 January 2027"),
        (
            at(2027, 1, 30),
            at(2027, 2, 2),
            "30 janvier – 2 février 2027",
            "30 January – 2 February 2027",
        ),
        (
            at(2026, 12, 30),
            at(2027, 1, 2),
            "30 décembre 2026 – 2 janvier 2027",
            "30 December 2026 – 2 January 2027",
        ),
    ],
)
def test_a_span_of_days_writes_its_month_and_year_once(start, end, fr, en):
    with translation.override("fr"):
        assert date_range(start, end) == fr
    with translation.override("en"):
        assert date_range(start, end) == en


def test_the_html_form_reads_the_same_with_each_day_machine_readable():
    with translation.override("fr"):
        html = date_range_html(at(2027, 1, 27), at(2027, 1, 28))
    assert html == (
        '<time datetime="2027-01-27">27</time>-<time datetime="2027-01-28">28 janvier 2027</time>'
    )


@pytest.mark.parametrize(
    ("hour", "minute", "fr", "en"),
    [
        (9, 0, "9\u00a0h", "09:00"),
        (14, 30, "14\u00a0h\u00a030", "14:30"),
        (0, 5, "0\u00a0h\u00a005", "00:05"),
    ],
)
def test_french_writes_a_whole_hour_without_its_minutes(hour, minute, fr, en):
    moment = at(2025, 4, 15, hour, minute)
    with translation.override("fr"):
        assert time_of_day(moment) == fr
    with translation.override("en"):
        assert time_of_day(moment) == en


def test_a_session_gives_its_day_and_hours_and_the_end_day_when_it_runs_past_midnight():
    with translation.override("fr"):
        assert time_range(at(2025, 4, 15, 9), at(2025, 4, 15, 12, 30)) == (
            "15 avril 2025, 9\u00a0h – 12\u00a0h\u00a030"
        )
        assert time_range(at(2025, 4, 15, 9), at(2025, 4, 15, 12), with_day=False) == (
            "9\u00a0h – 12\u00a0h"
        )
        assert time_range(at(2025, 4, 15, 22), at(2025, 4, 16, 1)) == (
            "15 avril 2025, 22\u00a0h – 16 avril 2025, 1\u00a0h"
        )


def test_the_template_tag_writes_a_session_in_its_meetings_zone_not_the_sites():
    # 7:00 UTC is 9 h in Geneva (summer) and 7 h in Dakar.
    start = dt.datetime(2025, 4, 15, 7, tzinfo=dt.UTC)
    template = Template("{% load portal %}{% time_range start end zone with_day=False %}")
    with translation.override("fr"):
        in_dakar = template.render(
            Context(
                {
                    "start": start,
                    "end": start + dt.timedelta(hours=2),
                    "zone": zoneinfo.ZoneInfo("Africa/Dakar"),
                }
            )
        )
        in_geneva = template.render(
            Context({"start": start, "end": start + dt.timedelta(hours=2), "zone": GENEVA})
        )
    assert (in_dakar, in_geneva) == ("7\u00a0h – 9\u00a0h", "9\u00a0h – 11\u00a0h")
