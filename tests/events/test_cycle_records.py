"""The shipped content as data: `load_cycle_records` alone, the data files, French typography
and the example's dates."""

import datetime as dt
import re
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from modeltranslation.translator import translator

from events.models import Cycle, Meeting, Organisation, Session, Speaker, StrategicProject
from tests.test_settings import start_web  # noqa: F401 - the image's start script, run
from themes.demo import CYCLE_RECORDS, EXAMPLE, Loader, data_read, typeset_fr
from themes.management.commands.load_demo import EXAMPLE_SLUG, MEETING_SLUG
from themes.models import Finding, FollowUpStatus, StatusUpdate, Theme

pytestmark = pytest.mark.django_db

ZURICH = ZoneInfo("Europe/Zurich")
# The model each part of a data file holds.
SECTIONS = {
    "themes": Theme,
    "cycle": Cycle,
    "strategic_projects": StrategicProject,
    "organisations": Organisation,
    "meetings": Meeting,
    "findings": Finding,
    "speakers": Speaker,
    "sessions": Session,
}
LANGUAGES = {code for code, _name in settings.LANGUAGES}
BAD_FRENCH_SPACING = re.compile(r" [:;!?»]|« ")


def run(command: str, *args: str) -> str:
    """Run a command; its output in English."""
    out = StringIO()
    with translation.override("en"):
        call_command(command, *args, stdout=out)
    return out.getvalue()


def data_rows(data: Any, model: type | None = None):
    """Every (model, row) of a data file, rows nested in rows included."""
    if isinstance(data, list):
        for item in data:
            yield from data_rows(item, model)
    elif isinstance(data, dict):
        if model is not None:
            yield model, data
        for key, value in data.items():
            if key in SECTIONS:
                yield from data_rows(value, SECTIONS[key])


def test_cycle_records_alone_hold_the_real_meeting_and_no_example():
    output = run("load_cycle_records")

    meeting = Meeting.objects.get()
    assert meeting.slug == MEETING_SLUG and not meeting.is_example
    assert meeting.local_start.date() == dt.date(2025, 4, 15)
    assert meeting.findings.count() == 15
    assert not Meeting.objects.filter(slug=EXAMPLE_SLUG).exists()
    assert not Session.objects.exists() and not Speaker.objects.exists()
    assert "Created: 9 themes, 1 meeting cycle, 2 strategic projects, 3 organisations" in output
    assert "1 meeting," in output and "15 findings" in output


def test_cycle_records_run_again_leave_the_meeting_alone_and_reset_restores_it():
    run("load_cycle_records")
    Meeting.objects.filter(slug=MEETING_SLUG).update(title_en="Edited", status=Meeting.Status.DRAFT)

    second = run("load_cycle_records")
    kept = Meeting.objects.get(slug=MEETING_SLUG)
    reset = run("load_cycle_records", "--reset")
    restored = Meeting.objects.get(slug=MEETING_SLUG)

    assert "Created nothing: the cycle's records are there." in second
    assert "Left as they were: 1 meeting." in second
    assert kept.title_en == "Edited" and kept.status == Meeting.Status.DRAFT
    assert (
        "Restored to their shipped content: 9 themes, 1 meeting cycle, 2 strategic projects, "
        "3 organisations, 1 meeting, 3 organisers, 15 findings, 1 addressee." in reset
    )
    assert restored.title_en.startswith("Artificial intelligence: taking stock")
    assert restored.status == Meeting.Status.PUBLISHED


def test_demo_after_the_records_adds_only_the_example():
    run("load_cycle_records")

    output = run("load_demo")

    assert set(Meeting.objects.values_list("slug", flat=True)) == {MEETING_SLUG, EXAMPLE_SLUG}
    assert (
        "Created: 1 meeting, 1 organiser, 1 finding, 2 addressees, 4 speakers, 4 sessions" in output
    )
    assert "Left as they were: 1 meeting, 9 themes" in output


def test_the_real_recommendations_start_proposed_and_only_the_example_takes_one_up():
    """Honest data: nothing says what became of the 15 April 2025 recommendations, so they
    have no status update; the fictional example meeting shows a chain."""
    run("load_demo")

    real = Finding.objects.filter(meeting__slug=MEETING_SLUG, kind=Finding.Kind.RECOMMENDATION)
    assert real.count() == 5
    assert set(real.values_list("follow_up_status", flat=True)) == {FollowUpStatus.PROPOSED}
    assert not StatusUpdate.objects.exists()
    [taker] = Finding.objects.filter(takes_up__isnull=False)
    assert taker.meeting.slug == EXAMPLE_SLUG and taker.meeting.is_example
    assert [f.title_en for f in taker.takes_up.all()] == [
        "A shared ethical, legal and political framework"
    ]


@pytest.mark.parametrize("name", [CYCLE_RECORDS, EXAMPLE])
def test_every_translated_text_of_the_data_files_is_in_every_language(name):
    rows = list(data_rows(data_read(name)))
    texts = 0

    for model, row in rows:
        translated = translator.get_options_for_model(model).fields
        for field in set(translated) & row.keys():
            text = row[field]
            assert isinstance(text, dict) and set(text) == LANGUAGES, (model, field, text)
            filled = {bool(value.strip()) for value in text.values()}
            assert len(filled) == 1, f"{model.__name__}.{field} is empty in one language: {text}"
            texts += 1

    assert {model for model, _row in rows} >= {Meeting}
    assert texts > 10


def test_french_texts_are_loaded_with_french_spacing():
    run("load_demo")

    meeting = Meeting.objects.get(slug=MEETING_SLUG)
    assert "L’intelligence artificielle\u00a0: un état des lieux" in meeting.title_fr
    assert "«\u00a0la langue française, langue internationale\u00a0»" in meeting.description_fr
    for model in SECTIONS.values():
        for field in translator.get_options_for_model(model).fields:
            for text in model.objects.values_list(f"{field}_fr", flat=True):
                assert not BAD_FRENCH_SPACING.search(text or ""), (model, field, text)


def test_french_spacing_puts_no_break_spaces_before_high_signs_and_inside_guillemets():
    assert typeset_fr("Pourquoi ? « Oui » : enfin ; bien !") == (
        "Pourquoi\u00a0? «\u00a0Oui\u00a0»\u00a0: enfin\u00a0; bien\u00a0!"
    )
    assert typeset_fr("https://exemple.org") == "https://exemple.org"


def test_the_example_is_dated_from_now_and_a_reset_moves_it_again():
    first_now = dt.datetime(2031, 1, 10, 23, 30, tzinfo=dt.UTC)  # already 11 January in Geneva
    later_now = dt.datetime(2032, 6, 1, 12, 0, tzinfo=dt.UTC)

    Loader(reset=False, now=first_now).load([CYCLE_RECORDS, EXAMPLE])
    example = Meeting.objects.get(slug=EXAMPLE_SLUG)
    first_session = example.sessions.get(order=0)
    Loader(reset=False, now=later_now).load([CYCLE_RECORDS, EXAMPLE])
    kept = Meeting.objects.get(slug=EXAMPLE_SLUG)
    Loader(reset=True, now=later_now).load([CYCLE_RECORDS, EXAMPLE])
    moved = Meeting.objects.get(slug=EXAMPLE_SLUG)

    assert example.start == dt.datetime(2031, 3, 12, 9, 0, tzinfo=ZURICH)  # 60 days on
    assert example.end == dt.datetime(2031, 3, 13, 17, 0, tzinfo=ZURICH)
    assert first_session.start == dt.datetime(2031, 3, 12, 9, 0, tzinfo=ZURICH)
    assert kept.start == example.start
    assert moved.start == dt.datetime(2032, 7, 31, 9, 0, tzinfo=ZURICH)
    assert moved.sessions.get(order=3).end == dt.datetime(2032, 8, 1, 17, 0, tzinfo=ZURICH)
    real = Meeting.objects.get(slug=MEETING_SLUG)
    assert real.local_start.date() == dt.date(2025, 4, 15)


def test_container_start_loads_the_cycle_records_only_when_asked(start_web):  # noqa: F811
    _status, default_calls = start_web()
    status, calls = start_web(LOAD_CYCLE_RECORDS="1", fail="load_cycle_records")

    assert not any("load_" in call for call in default_calls)
    assert status == 0
    assert "python manage.py load_cycle_records" in calls
    assert calls[-1].startswith("gunicorn --config gunicorn.conf.py")


def test_container_start_with_the_demo_loads_it_once_records_included(start_web):  # noqa: F811
    status, calls = start_web(LOAD_DEMO="1", LOAD_CYCLE_RECORDS="1")

    assert status == 0
    assert [call for call in calls if "load_" in call] == ["python manage.py load_demo"]
