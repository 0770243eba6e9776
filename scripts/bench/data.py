"""Fictional data for the benchmark (scripts/bench/run.py): meetings, findings, sessions,
speakers, organisers and registrations on top of the demo, in bulk.

Imported once Django is set up (scripts/bench/generate.py, or the test suite). `fill()` brings
the database to the totals asked for, counting the demo's rows, with a fixed random seed so
that two runs make the same data. Texts are bilingual (French and English), taken from the
demo's own vocabulary; 1 meeting in 25 is a draft and 1 in 40 cancelled; about 85 % are past.
The text generators (`pairs`, `MEETING`, `THEMES`, `FINDINGS`, `QUALIFIERS`, `sentences`) are
also those of scripts/bench_search.py.
"""

# Fictional data: the random choices need no cryptographic generator.
# ruff: noqa: S311

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from events.models import (
    Cycle,
    Meeting,
    MeetingOrganiser,
    Organisation,
    Session,
    SessionSpeaker,
    Speaker,
)
from participants.models import Participant, Registration
from themes.demo import CYCLE_RECORDS, data_read, typeset_fr
from themes.models import Finding, Theme

GENEVA = zoneinfo.ZoneInfo("Europe/Zurich")
BATCH = 5000
NBSP = "\u00a0"


@dataclass(frozen=True)
class Size:
    """Totals wanted in the database, the demo's rows included (0: add none)."""

    meetings: int
    findings: int
    registrations: int


# The benchmark's sizes; "demo" is the demo alone (`load_demo`).
SIZES = {
    "demo": Size(meetings=0, findings=0, registrations=0),
    "10k": Size(meetings=200, findings=10_000, registrations=1_000),
    "100k": Size(meetings=2_000, findings=100_000, registrations=10_000),
}


def pairs(item: dict) -> dict:
    """The data file's {"fr": …, "en": …} texts as (French, English) pairs."""
    return {k: (v["fr"], v["en"]) if isinstance(v, dict) else v for k, v in item.items()}


RECORDS = data_read(CYCLE_RECORDS)
MEETING = pairs(RECORDS["meetings"][0])
THEMES = [pairs(theme) for theme in RECORDS["themes"]]
FINDINGS = [pairs(finding) for finding in MEETING["findings"]]
QUALIFIERS = [
    ("dans les zones de crise", "in crisis areas"),
    ("en Afrique de l’Ouest", "in West Africa"),
    ("pour les pays en développement", "for developing countries"),
    ("dans l’espace numérique", "in cyberspace"),
    ("face aux armes nucléaires", "in the face of nuclear weapons"),
    ("dans le domaine maritime", "in the maritime domain"),
    ("pour les opérations de maintien de la paix", "for peacekeeping operations"),
    ("au sein de la Conférence du désarmement", "within the Conference on Disarmament"),
    ("avec la société civile", "with civil society"),
    ("et les entreprises technologiques", "and technology companies"),
]
CITIES = [
    ("Genève", "Geneva", "CH"),
    ("Dakar", "Dakar", "SN"),
    ("Montréal", "Montreal", "CA"),
    ("Bruxelles", "Brussels", "BE"),
    ("Abidjan", "Abidjan", "CI"),
    ("Tunis", "Tunis", "TN"),
    ("Paris", "Paris", "FR"),
    ("Beyrouth", "Beirut", "LB"),
    ("Hanoï", "Hanoi", "VN"),
    ("Yaoundé", "Yaoundé", "CM"),
    ("Bamako", "Bamako", "ML"),
    ("Kinshasa", "Kinshasa", "CD"),
    ("Lomé", "Lomé", "TG"),
    ("Bucarest", "Bucharest", "RO"),
    ("Erevan", "Yerevan", "AM"),
    ("Port-au-Prince", "Port-au-Prince", "HT"),
]
FIRST_NAMES = ["Aminata", "Jean", "Fatou", "Pierre", "Nadia", "Olivier", "Mariam", "Luc"]
FIRST_NAMES += ["Hélène", "Moussa", "Sophie", "Karim", "Claire", "Ibrahima", "Anne", "Thi"]
LAST_NAMES = ["Diallo", "Martin", "Traoré", "Nguyen", "Haddad", "Lefebvre", "Mbaye", "Dubois"]
LAST_NAMES += ["Kouassi", "Tremblay", "Popescu", "Sarr", "Petit", "Benali", "Ndiaye", "Roy"]
POSITIONS = [
    ("Ambassadeur, représentant permanent", "Ambassador, Permanent Representative"),
    ("Chercheuse principale", "Senior researcher"),
    ("Conseiller juridique", "Legal adviser"),
    ("Directrice de programme", "Programme director"),
    ("Chef de la section désarmement", "Head of the disarmament section"),
]


def sentences() -> tuple[list[str], list[str]]:
    """French and English sentences of the demo data: the cycle's own vocabulary."""
    french, english = [], []
    texts = [finding["text"] for finding in FINDINGS] + [theme["description"] for theme in THEMES]
    texts += [MEETING["summary"], MEETING["description"]]
    for fr, en in texts:
        french += [typeset_fr(p.strip()) + "." for p in fr.split(".") if len(p.strip()) > 20]
        english += [p.strip() + "." for p in en.split(".") if len(p.strip()) > 20]
    return french, english


def counts() -> Size:
    return Size(
        meetings=Meeting.objects.count(),
        findings=Finding.objects.count(),
        registrations=Registration.objects.count(),
    )


def has_bench_rows() -> bool:
    return Meeting.objects.filter(slug__startswith="bench-").exists()


@transaction.atomic
def fill(size: Size, *, seed: int = 10) -> None:
    """Add the rows missing to reach `size`'s totals, on top of the demo's."""
    rng = random.Random(seed)
    have = counts()
    if size.meetings <= have.meetings:
        return
    french, english = sentences()
    cycle = Cycle.objects.order_by("pk").first() or Cycle.objects.create(
        slug="bench", name_fr="Cycle de test", name_en="Test cycle"
    )
    themes = list(Theme.objects.all()) or Theme.objects.bulk_create(
        Theme(slug=f"theme-{n}", name_fr=t["name"][0], name_en=t["name"][1], order=n)
        for n, t in enumerate(THEMES)
    )
    organisations = make_organisations(max(20, size.meetings // 10), rng)
    speakers = make_speakers(max(30, size.meetings // 2), organisations, rng)
    meetings = make_meetings(size.meetings - have.meetings, cycle, themes, french, english, rng)
    link_organisers(meetings, organisations, rng)
    sessions = make_sessions(meetings, themes, speakers, rng)
    make_findings(
        size.findings - have.findings, meetings, sessions, themes, speakers, french, english, rng
    )
    make_registrations(size.registrations - have.registrations, meetings, sessions, rng)


def make_organisations(number: int, rng: random.Random) -> list[Organisation]:
    kinds = [Organisation.Kind.STATE, Organisation.Kind.ACADEMIA]
    kinds += [Organisation.Kind.CIVIL_SOCIETY, Organisation.Kind.INTERNATIONAL]
    rows = []
    for n in range(number):
        city_fr, city_en, country = CITIES[n % len(CITIES)]
        kind = kinds[n % len(kinds)]
        names = {
            Organisation.Kind.STATE: (
                f"Mission permanente no {n} ({city_fr})",
                f"Permanent Mission no. {n} ({city_en})",
            ),
            Organisation.Kind.ACADEMIA: (
                f"Centre d’études sur la paix de {city_fr} ({n})",
                f"{city_en} Centre for Peace Studies ({n})",
            ),
            Organisation.Kind.CIVIL_SOCIETY: (
                f"Réseau francophone pour le désarmement ({n})",
                f"Francophone Disarmament Network ({n})",
            ),
            Organisation.Kind.INTERNATIONAL: (
                f"Institut international de sécurité ({n})",
                f"International Security Institute ({n})",
            ),
        }[kind]
        rows.append(
            Organisation(
                slug=f"bench-org-{n}",
                kind=kind,
                country=country if kind == Organisation.Kind.STATE else "",
                francophonie_status="member" if kind == Organisation.Kind.STATE else "",
                name_fr=names[0],
                name_en=names[1],
                acronym_fr=f"ORG{n}" if n % 3 == 0 else "",
                description_fr=f"Organisation fictive du banc d’essai, à {city_fr}.",
                description_en=f"A fictional organisation of the benchmark, in {city_en}.",
            )
        )
    return Organisation.objects.bulk_create(rows, batch_size=BATCH)


def make_speakers(number, organisations, rng) -> list[Speaker]:
    rows = []
    for _ in range(number):
        position = rng.choice(POSITIONS)
        rows.append(
            Speaker(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                position_fr=position[0],
                position_en=position[1],
                affiliation=rng.choice(organisations),
            )
        )
    return Speaker.objects.bulk_create(rows, batch_size=BATCH)


def make_meetings(number, cycle, themes, french, english, rng) -> list[Meeting]:
    """`number` meetings, one day each, spread so that about 85 % are past."""
    span = max(2 * number, 365)
    today = timezone.localdate()
    rows = []
    for n in range(number):
        theme = rng.choice(themes)
        where_fr, where_en = rng.choice(QUALIFIERS)
        city_fr, city_en, country = rng.choice(CITIES)
        day = today + dt.timedelta(days=(n + 1) * span // number - int(0.85 * span))
        start = dt.datetime.combine(day, dt.time(9), GENEVA)
        upcoming = day >= today
        status = Meeting.Status.PUBLISHED
        if n % 25 == 0:
            status = Meeting.Status.DRAFT
        elif n % 40 == 1:
            status = Meeting.Status.CANCELLED
        rows.append(
            Meeting(
                cycle=cycle,
                slug=f"bench-{n}",
                title_fr=f"{theme.name_fr} {where_fr}",
                title_en=f"{theme.name_en} {where_en}",
                short_title_fr=f"Rencontre {n}" if n % 2 else "",
                short_title_en=f"Meeting {n}" if n % 2 else "",
                venue_fr="Maison de la Francophonie",
                venue_en="House of La Francophonie",
                city_fr=city_fr,
                city_en=city_en,
                country=country,
                summary_fr=" ".join(rng.sample(french, 3)),
                summary_en=" ".join(rng.sample(english, 3)),
                description_fr=" ".join(rng.sample(french, 12)),
                description_en=" ".join(rng.sample(english, 12)),
                start=start,
                end=start + dt.timedelta(hours=8, minutes=30),
                status=status,
                registration_mode=(
                    Meeting.RegistrationMode.OPEN if upcoming else Meeting.RegistrationMode.CLOSED
                ),
                reported_participants=None if upcoming else rng.randint(40, 300),
            )
        )
    meetings = Meeting.objects.bulk_create(rows, batch_size=BATCH)
    links = Theme.meetings.through
    links.objects.bulk_create(
        (
            links(theme_id=theme.pk, meeting_id=meeting.pk)
            for meeting in meetings
            for theme in rng.sample(themes, rng.randint(1, 3))
        ),
        batch_size=BATCH,
    )
    return meetings


def link_organisers(meetings, organisations, rng) -> None:
    roles = [MeetingOrganiser.Role.LEAD, MeetingOrganiser.Role.CO_ORGANISER]
    roles += [MeetingOrganiser.Role.PARTNER]
    MeetingOrganiser.objects.bulk_create(
        (
            MeetingOrganiser(meeting=meeting, organisation=organisation, role=roles[i], order=i)
            for meeting in meetings
            for i, organisation in enumerate(rng.sample(organisations, rng.randint(1, 3)))
        ),
        batch_size=BATCH,
    )


SESSION_SLOTS = [(dt.time(9, 30), "Séance d’ouverture", "Opening session")]
SESSION_SLOTS += [(dt.time(11), "Table ronde" + NBSP + ": ", "Round table: ")]
SESSION_SLOTS += [(dt.time(14), "Atelier" + NBSP + ": ", "Workshop: ")]
SESSION_SLOTS += [(dt.time(15, 45), "Séance de clôture", "Closing session")]


def make_sessions(meetings, themes, speakers, rng) -> dict[int, list[Session]]:
    """Four sessions a meeting, 1 h 15 each, with one to three speakers; by meeting id."""
    rows = []
    for meeting in meetings:
        day = timezone.localtime(meeting.start, GENEVA).date()
        for order, (time, fr, en) in enumerate(SESSION_SLOTS):
            theme = rng.choice(themes)
            start = dt.datetime.combine(day, time, GENEVA)
            topical = fr.endswith(": ")
            rows.append(
                Session(
                    meeting=meeting,
                    title_fr=fr + theme.name_fr.lower() if topical else fr,
                    title_en=en + theme.name_en.lower() if topical else en,
                    room_fr=f"Salle {order + 1}",
                    room_en=f"Room {order + 1}",
                    start=start,
                    end=start + dt.timedelta(hours=1, minutes=15),
                    capacity=80,
                    order=order,
                )
            )
    sessions = Session.objects.bulk_create(rows, batch_size=BATCH)
    SessionSpeaker.objects.bulk_create(
        (
            SessionSpeaker(session=session, speaker=speaker, order=i)
            for session in sessions
            for i, speaker in enumerate(rng.sample(speakers, rng.randint(1, 3)))
        ),
        batch_size=BATCH,
    )
    by_meeting: dict[int, list[Session]] = {}
    for session in sessions:
        by_meeting.setdefault(session.meeting_id, []).append(session)
    return by_meeting


def make_findings(number, meetings, sessions, themes, speakers, french, english, rng) -> None:
    """`number` findings spread at random over the meetings; 10 % French only, 10 % under the
    Chatham House rule, some attributed, 12 featured."""
    rows, order = [], {}
    for n in range(number):
        meeting = rng.choice(meetings)
        source = rng.choice(FINDINGS)
        where_fr, where_en = rng.choice(QUALIFIERS)
        french_only = n % 10 == 0
        chatham = n % 10 == 5
        order[meeting.pk] = order.get(meeting.pk, 0) + 1
        rows.append(
            Finding(
                meeting=meeting,
                session=rng.choice(sessions[meeting.pk]) if n % 2 else None,
                kind=source["kind"],
                sector=source["sector"],
                title_fr=f"{typeset_fr(source['title'][0])} {where_fr}",
                title_en="" if french_only else f"{source['title'][1]} {where_en}",
                text_fr=" ".join(
                    [typeset_fr(source["text"][0]), *rng.sample(french, rng.randint(1, 4))]
                ),
                text_en=""
                if french_only
                else " ".join([source["text"][1], *rng.sample(english, rng.randint(1, 4))]),
                chatham_house=chatham,
                speaker=rng.choice(speakers) if not chatham and n % 5 == 1 else None,
                featured=n < 12,
                order=order[meeting.pk],
            )
        )
    findings = Finding.objects.bulk_create(rows, batch_size=BATCH)
    links = Finding.themes.through
    links.objects.bulk_create(
        (
            links(finding_id=finding.pk, theme_id=theme.pk)
            for finding in findings
            for theme in rng.sample(themes, rng.randint(1, 2))
        ),
        batch_size=BATCH,
    )


def make_registrations(number, meetings, sessions, rng) -> None:
    """`number` registrations by number / 2 participants, on the sessions of published
    meetings; mostly confirmed. A participant registers at most once per session."""
    if number <= 0:
        return
    published = [m for m in meetings if m.status == Meeting.Status.PUBLISHED]
    people = Participant.objects.bulk_create(
        (
            Participant(
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"participant-{n}@example.org",
                organisation_name="Organisation fictive",
                category=Participant.Category.OTHER,
                language=rng.choice(["fr", "en"]),
                consent_at=timezone.now(),
                privacy_notice_version="bench",
            )
            for n in range(max(1, number // 2))
        ),
        batch_size=BATCH,
    )
    statuses = [Registration.Status.CONFIRMED] * 8
    statuses += [Registration.Status.PENDING, Registration.Status.CANCELLED]
    taken, rows = set(), []
    while len(rows) < number:
        participant = rng.choice(people)
        session = rng.choice(sessions[rng.choice(published).pk])
        if (participant.pk, session.pk) in taken:
            continue
        taken.add((participant.pk, session.pk))
        rows.append(
            Registration(participant=participant, session=session, status=rng.choice(statuses))
        )
    Registration.objects.bulk_create(rows, batch_size=BATCH)
