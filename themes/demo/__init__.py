"""Shipped content, read from the JSON files beside this module: the cycle's own records
(`cycle_records.json`) and a fictional example meeting (`example.json`).

Each translated text is `{"fr": …, "en": …}`; French is typed with plain spaces and gets its
no-break spaces here. Rows are keyed on a slug or on their position in their meeting. Loading
creates only what is missing and leaves staff's edits alone; `reset` restores the shipped
content and recreates deleted rows, keeping the rows staff added.
"""

import json
import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

from events.models import (
    Cycle,
    Meeting,
    MeetingOrganiser,
    Organisation,
    Session,
    SessionSpeaker,
    Speaker,
    StrategicProject,
)
from themes.models import Addressee, Finding, Theme

CYCLE_RECORDS, EXAMPLE = "cycle_records", "example"
NBSP = "\u00a0"
MEETING_FIELDS = [
    "timezone",
    "country",
    "format",
    "status",
    "registration_mode",
    "reported_participants",
    "reported_participants_is_minimum",
    "is_example",
]


def data_read(name: str) -> dict[str, Any]:
    return json.loads((Path(__file__).parent / f"{name}.json").read_text(encoding="utf-8"))


def typeset_fr(text: str) -> str:
    """French spacing: a no-break space before « : ; ! ? » and inside « guillemets »."""
    text = re.sub(r" ([:;!?»])", NBSP + r"\1", text)
    return text.replace("« ", "«" + NBSP)


def translated(item: dict[str, Any], *fields: str) -> dict[str, str]:
    """The `<field>_<language>` values of `item`'s translated fields."""
    return {
        f"{field}_{code}": typeset_fr(text) if code == "fr" else text
        for field in fields
        for code, text in item[field].items()
    }


class Loader:
    """Finds each shipped row by its key and creates it when missing.

    An existing row is left as it is, unless `reset` asks for its shipped content back. When
    rows staff added share a shipped row's key, the oldest one is taken as the shipped one.
    """

    def __init__(self, *, reset: bool, now: datetime) -> None:
        self.reset, self.now = reset, now
        self.created: Counter[type[Model]] = Counter()
        self.existing: Counter[type[Model]] = Counter()
        self.themes: dict[str, Theme] = {}
        self.projects: dict[str, StrategicProject] = {}
        self.organisations: dict[str, Organisation] = {}

    def row(self, model: type[Model], key: dict[str, Any], content: dict[str, Any]) -> Any:
        row = model.objects.filter(**key).order_by("pk").first()
        if row is None:
            self.created[model] += 1
            return model.objects.create(**key, **content)
        self.existing[model] += 1
        if self.reset:
            for field, value in content.items():
                setattr(row, field, value)
            row.save()
        return row

    def load(self, names: list[str]) -> None:
        """Load the named files; without `reset`, a meeting that exists is not even read, so
        that what staff changed or deleted in it (a finding, a session) stays so."""
        datasets = [data_read(name) for name in names]
        meetings = [meeting for data in datasets for meeting in data.get("meetings", [])]
        existing: set[str] = set()
        if not self.reset:
            slugs = [meeting["slug"] for meeting in meetings]
            existing = set(Meeting.objects.filter(slug__in=slugs).values_list("slug", flat=True))
            if existing:
                self.existing[Meeting] += len(existing)
        missing = [meeting for meeting in meetings if meeting["slug"] not in existing]
        if missing:
            for data in datasets:
                self.references_load(data)
            for meeting in missing:
                self.meeting_load(meeting)

    def references_load(self, data: dict[str, Any]) -> None:
        for order, item in enumerate(data.get("themes", [])):
            content = {"order": order, **translated(item, "name", "description")}
            self.themes[item["slug"]] = self.row(Theme, {"slug": item["slug"]}, content)
        if "cycle" in data:
            texts = translated(data["cycle"], "name", "description")
            self.cycle = self.row(Cycle, {"slug": data["cycle"]["slug"]}, texts)
        for item in data.get("strategic_projects", []):
            texts = translated(item, "name", "description")
            self.projects[item["slug"]] = self.row(StrategicProject, {"slug": item["slug"]}, texts)
        for item in data.get("organisations", []):
            content = {field: item[field] for field in ["kind", "country", "francophonie_status"]}
            content |= translated(item, "name", "acronym")
            self.organisations[item["slug"]] = self.row(
                Organisation, {"slug": item["slug"]}, content
            )

    def meeting_load(self, item: dict[str, Any]) -> None:
        zone = ZoneInfo(item["timezone"])
        if "first_day" in item:
            first_day = date.fromisoformat(item["first_day"])
        else:  # dated from today, so that it is upcoming; --reset moves it forward again
            first_day = timezone.localdate(self.now, zone) + timedelta(days=item["days_from_today"])

        def at(day: int, clock: str) -> datetime:
            moment = time.fromisoformat(clock)
            return datetime.combine(first_day + timedelta(days=day), moment, tzinfo=zone)

        content = {field: item[field] for field in MEETING_FIELDS}
        content |= translated(item, "title", "venue", "city", "summary", "description")
        if "short_title" in item:  # optional: the title names the meeting when it is absent
            content |= translated(item, "short_title")
        content |= {"cycle": self.cycle, "start": at(0, item["start"])}
        meeting = self.row(
            Meeting, {"slug": item["slug"]}, content | {"end": at(item["end_day"], item["end"])}
        )
        for order, organiser in enumerate(item["organisers"]):
            organisation = self.organisations[organiser["organisation"]]
            key = {"meeting": meeting, "organisation": organisation}
            self.row(MeetingOrganiser, key, {"role": organiser["role"], "order": order})
        meeting.strategic_projects.set([self.projects[slug] for slug in item["strategic_projects"]])
        findings = item.get("findings", [])
        slugs = item.get("themes", []) + [slug for f in findings for slug in f["themes"]]
        meeting.themes.set({self.themes[slug] for slug in slugs})

        next_order: Counter[str] = Counter()
        for finding in findings:
            key = {
                "meeting": meeting,
                "kind": finding["kind"],
                "order": next_order[finding["kind"]],
            }
            next_order[finding["kind"]] += 1
            content = {"sector": finding["sector"], "featured": finding["featured"]}
            content |= {"chatham_house": False, "session": None, "speaker": None}
            content |= {"organisation": None, **translated(finding, "title", "text")}
            row = self.row(Finding, key, content)
            row.themes.set([self.themes[slug] for slug in finding["themes"]])
            for order, actor_kind in enumerate(finding.get("addressees", [])):
                self.row(
                    Addressee,
                    {"recommendation": row, "order": order},
                    {"actor_kind": actor_kind, "organisation": None},
                )
            for source in finding.get("takes_up", []):
                # A recommendation of a meeting loaded before (the files load in order).
                row.takes_up.add(
                    Finding.objects.filter(
                        meeting__slug=source["meeting"], kind=source["kind"]
                    ).order_by("order", "pk")[source["order"]]
                )

        speakers = {
            speaker["name"]: self.row(
                Speaker,
                {"name": speaker["name"]},
                {"affiliation": None, **translated(speaker, "position", "biography")},
            )
            for speaker in item.get("speakers", [])
        }
        for order, session in enumerate(item.get("sessions", [])):
            content = {
                "capacity": session["capacity"],
                "start": at(session["day"], session["start"]),
            }
            content |= {"end": at(session["day"], session["end"])}
            content |= translated(session, "title", "description", "room")
            row = self.row(Session, {"meeting": meeting, "order": order}, content)
            for speaker_order, speaker in enumerate(session["speakers"]):
                key = {"session": row, "speaker": speakers[speaker["name"]]}
                self.row(SessionSpeaker, key, {"role": speaker["role"], "order": speaker_order})


def counts_text(counts: Counter[type[Model]]) -> str:
    """“2 meetings, 1 theme”, in the order the rows were met."""
    return ", ".join(
        f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in counts.items()
    )


class LoadCommand(BaseCommand):
    """A command that loads the named data files in one transaction and says what it did."""

    names: list[str]
    help_text: Promise
    reset_help: Promise
    nothing_created: Promise

    @property
    def help(self) -> str:
        # argparse wants a real string: translate when the help is shown, not at import.
        return str(self.help_text)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help=str(self.reset_help))

    @transaction.atomic
    def handle(self, *args: Any, reset: bool, **options: Any) -> None:
        loader = Loader(reset=reset, now=timezone.now())
        loader.load(self.names)
        if loader.created:
            created = gettext("Created: %(rows)s.") % {"rows": counts_text(loader.created)}
            self.stdout.write(self.style.SUCCESS(created))
        else:
            self.stdout.write(str(self.nothing_created))
        if loader.existing:
            message = (
                gettext("Restored to their shipped content: %(rows)s.")
                if reset
                else gettext("Left as they were: %(rows)s.")
            )
            self.stdout.write(message % {"rows": counts_text(loader.existing)})
