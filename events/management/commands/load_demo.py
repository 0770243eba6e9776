"""Load the demonstration data: the cycle, its first meeting on record and a fictional example.

The real meeting is the one of 15 April 2025 in Geneva; everything said about it comes from
its published report (no hours, sessions or speakers are given there, so none are stored).
Rows are keyed on a slug or on their position in their meeting. Running the command again
creates only what is missing and leaves staff's edits alone; `--reset` restores the shipped
content.
"""

import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any, NotRequired, TypedDict
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from events.models import (
    Cycle,
    Event,
    EventOrganiser,
    Organisation,
    Programme,
    Session,
    SessionSpeaker,
    Speaker,
)

GENEVA_TZ = "Europe/Zurich"
ZURICH = ZoneInfo(GENEVA_TZ)
NBSP = "\u00a0"

Bilingual = tuple[str, str]  # (French, English)


def typeset_fr(text: str) -> str:
    """French spacing: a non-breaking space before « : ; ! ? » and inside « guillemets »."""
    text = re.sub(r" ([:;!?»])", NBSP + r"\1", text)
    return text.replace("« ", "«" + NBSP)


def bilingual(field: str, text: Bilingual) -> dict[str, str]:
    """The `<field>_fr` and `<field>_en` values; the French one gets French spacing."""
    french, english = text
    return {f"{field}_fr": typeset_fr(french), f"{field}_en": english}


# --- Themes ------------------------------------------------------------------------------


class ThemeData(TypedDict):
    slug: str
    name: Bilingual
    description: Bilingual


THEMES: list[ThemeData] = [
    {
        "slug": "intelligence-artificielle",
        "name": ("Intelligence artificielle", "Artificial intelligence"),
        "description": (
            "Ce que l’intelligence artificielle apporte à la paix, à la sécurité et au "
            "désarmement, et ce qu’elle leur fait craindre.",
            "What artificial intelligence offers peace, security and disarmament, and the "
            "threats it poses to them.",
        ),
    },
    {
        "slug": "paix-securite-internationales",
        "name": ("Paix et sécurité internationales", "International peace and security"),
        "description": (
            "La stabilité internationale, la prévention des conflits et la sécurité des États "
            "et des populations.",
            "International stability, conflict prevention and the security of States and peoples.",
        ),
    },
    {
        "slug": "desarmement",
        "name": ("Désarmement et non-prolifération", "Disarmament and non-proliferation"),
        "description": (
            "La maîtrise des armements, la lutte contre la prolifération et le contrôle des "
            "technologies à double usage.",
            "Arms control, the fight against proliferation and the control of dual-use "
            "technologies.",
        ),
    },
    {
        "slug": "droit-international-humanitaire",
        "name": (
            "Droit international humanitaire (DIH)",
            "International humanitarian law (IHL)",
        ),
        "description": (
            "Les règles qui encadrent la conduite des hostilités et protègent les personnes "
            "en temps de conflit armé.",
            "The rules that govern the conduct of hostilities and protect people in armed "
            "conflict.",
        ),
    },
    {
        "slug": "droits-de-l-homme",
        "name": ("Droits de l’Homme", "Human rights"),
        "description": (
            "Le respect et la protection des droits de l’Homme, et les enquêtes sur leurs "
            "violations.",
            "Respect for and protection of human rights, and the investigation of their "
            "violations.",
        ),
    },
    {
        "slug": "gouvernance-numerique-ia",
        "name": (
            "Gouvernance du numérique et de l’IA",
            "Governance of digital technology and AI",
        ),
        "description": (
            "Les cadres éthiques, juridiques et politiques, les normes et les acteurs qui "
            "régissent le numérique et l’intelligence artificielle.",
            "The ethical, legal and political frameworks, the norms and the actors that "
            "govern digital technology and artificial intelligence.",
        ),
    },
    {
        "slug": "action-humanitaire",
        "name": (
            "Action humanitaire et gestion des crises",
            "Humanitarian action and crisis response",
        ),
        "description": (
            "L’intervention dans les zones de crise, y compris la logistique des opérations.",
            "Work in crisis zones, including the logistics of operations.",
        ),
    },
    {
        "slug": "criminalite-organisee-piraterie",
        "name": (
            "Lutte contre la criminalité organisée et la piraterie",
            "Fight against organised crime and piracy",
        ),
        "description": (
            "La prévention et la répression de la criminalité organisée et de la piraterie.",
            "Preventing and countering organised crime and piracy.",
        ),
    },
    {
        "slug": "dialogue-multi-acteurs",
        "name": (
            "Dialogue multi-acteurs et multilinguisme",
            "Multi-stakeholder dialogue and multilingualism",
        ),
        "description": (
            "Un dialogue qui associe des acteurs de toutes sortes, dans la diversité des "
            "régions, des langues et des points de vue.",
            "Dialogue that brings together many kinds of stakeholders, across the diversity "
            "of regions, languages and perspectives.",
        ),
    },
]


# --- Cycle, strategic projects, organisations ----------------------------------------------

CYCLE_SLUG = "paix-stabilite-desarmement"
CYCLE: dict[str, Bilingual] = {
    "name": (
        "Cycle de rencontres francophones sur les questions de paix, de stabilité et de "
        "désarmement",
        "Francophone meeting cycle on peace, stability and disarmament",
    ),
    "description": (
        "Une série de rencontres où l’OIF et ses partenaires réunissent États francophones, "
        "organisations internationales et experts pour débattre des questions de paix, de "
        "stabilité et de désarmement. Le cycle relève de plusieurs projets stratégiques de "
        "l’OIF, dont « la langue française, langue internationale » et « la gouvernance du "
        "numérique et de l’IA ».",
        "A series of meetings in which the OIF and its partners bring together francophone "
        "States, international organisations and experts to discuss questions of peace, "
        "stability and disarmament. The cycle is part of several OIF strategic projects, "
        "including “French, an international language” and “Governance of digital technology "
        "and AI”.",
    ),
}

PROGRAMMES: dict[str, Bilingual] = {
    "langue-francaise-langue-internationale": (
        "La langue française, langue internationale",
        "French, an international language",
    ),
    "gouvernance-numerique-ia": (
        "La gouvernance du numérique et de l’IA",
        "Governance of digital technology and AI",
    ),
}
PROGRAMME_DESCRIPTION: Bilingual = (
    "Projet stratégique de l’OIF dans le cadre duquel est organisé le cycle de rencontres "
    "francophones sur les questions de paix, de stabilité et de désarmement.",
    "OIF strategic project under which the Francophone meeting cycle on peace, stability "
    "and disarmament is organised.",
)

OIF, UNIDIR, FRANCE_CD = "oif", "unidir", "representation-france-conference-desarmement"
ORGANISATIONS: dict[str, dict[str, Any]] = {
    OIF: {
        "kind": Organisation.Kind.INTERNATIONAL,
        "country": "",  # an international organisation: no one country
        "francophonie_status": "",
        "name": (
            "Organisation internationale de la Francophonie",
            "International Organisation of La Francophonie",
        ),
        "acronym": ("OIF", "OIF"),
    },
    UNIDIR: {
        "kind": Organisation.Kind.UNITED_NATIONS,
        "country": "CH",  # seat in Geneva
        "francophonie_status": "",
        "name": (
            "Institut des Nations Unies pour la recherche sur le désarmement",
            "United Nations Institute for Disarmament Research",
        ),
        "acronym": ("UNIDIR", "UNIDIR"),
    },
    FRANCE_CD: {
        "kind": Organisation.Kind.STATE,
        "country": "FR",
        "francophonie_status": Organisation.FrancophonieStatus.MEMBER,
        "name": (
            "Représentation permanente de la France auprès de la Conférence du désarmement",
            "Permanent Representation of France to the Conference on Disarmament",
        ),
        # No official acronym exists; pages fall back to the full name.
        "acronym": ("", ""),
    },
}


# --- The meeting of 15 April 2025 ----------------------------------------------------------

MEETING_SLUG = "ia-paix-securite-internationale-2025"
MEETING: dict[str, Bilingual] = {
    "title": (
        "L’intelligence artificielle : un état des lieux des risques et des opportunités "
        "pour la paix et la sécurité internationales",
        "Artificial intelligence: taking stock of the risks and opportunities for "
        "international peace and security",
    ),
    "venue": ("Palais des Nations", "Palais des Nations"),
    "city": ("Genève", "Geneva"),
    "summary": (
        "Réunis à Genève par l’OIF, l’UNIDIR et la Représentation permanente de la France "
        "auprès de la Conférence du désarmement, plus de 80 participants ont fait le point "
        "sur ce que l’intelligence artificielle promet et fait craindre à la paix et à la "
        "sécurité internationales. Les échanges ont dessiné les contours d’une gouvernance "
        "de l’IA partagée, inclusive et fondée sur les droits de l’Homme.",
        "Brought together in Geneva by the OIF, UNIDIR and the Permanent Representation of "
        "France to the Conference on Disarmament, more than 80 participants took stock of "
        "what artificial intelligence promises and threatens for international peace and "
        "security. The discussions outlined a shared, inclusive AI governance grounded in "
        "human rights.",
    ),
    "description": (
        "Le 15 avril 2025, le Palais des Nations, à Genève, a accueilli une rencontre du "
        "cycle de rencontres francophones sur les questions de paix, de stabilité et de "
        "désarmement, consacrée à l’intelligence artificielle. L’Organisation internationale "
        "de la Francophonie (OIF), l’Institut des Nations Unies pour la recherche sur le "
        "désarmement (UNIDIR) et la Représentation permanente de la France auprès de la "
        "Conférence du désarmement l’ont organisée ensemble.\n\n"
        "Plus de 80 participants y ont pris part, venus d’États francophones, de la "
        "communauté internationale et d’organisations internationales et spécialisées. "
        "Le dialogue entre experts et participants a porté sur ce que l’IA peut apporter à "
        "la sécurité, sur les risques qu’entraîne son double usage, civil et militaire, et "
        "sur la gouvernance capable de les encadrer. Ses opportunités, risques et "
        "recommandations sont repris un à un dans les constats de la rencontre.\n\n"
        "La rencontre s’inscrit dans deux projets stratégiques de l’OIF : « la langue "
        "française, langue internationale » et « la gouvernance du numérique et de l’IA ».",
        "On 15 April 2025, the Palais des Nations in Geneva hosted a meeting of the "
        "Francophone meeting cycle on peace, stability and disarmament devoted to artificial "
        "intelligence. It was organised jointly by the International Organisation of La "
        "Francophonie (OIF), the United Nations Institute for Disarmament Research (UNIDIR) "
        "and the Permanent Representation of France to the Conference on Disarmament.\n\n"
        "More than 80 participants took part, from francophone States, the international "
        "community and international and specialised organisations. The exchange between "
        "experts and participants covered what AI can contribute to security, the risks "
        "that come with its dual civil and military use, and the governance needed to keep "
        "them in check. Its opportunities, risks and recommendations are set out one by one "
        "in the meeting's findings.\n\n"
        "The meeting is part of two OIF strategic projects: “French, an international "
        "language” and “Governance of digital technology and AI”.",
    ),
}
# The report gives the day, not the hours: the meeting spans the whole local day.
MEETING_START = datetime(2025, 4, 15, 0, 0, tzinfo=ZURICH)
MEETING_END = datetime(2025, 4, 15, 23, 59, 59, tzinfo=ZURICH)


class FindingData(TypedDict):
    kind: str
    sector: str
    title: Bilingual
    text: Bilingual
    themes: list[str]
    featured: NotRequired[bool]


AI = "intelligence-artificielle"
PEACE = "paix-securite-internationales"
DISARMAMENT = "desarmement"
IHL = "droit-international-humanitaire"
HUMAN_RIGHTS = "droits-de-l-homme"
GOVERNANCE = "gouvernance-numerique-ia"
HUMANITARIAN = "action-humanitaire"
CRIME = "criminalite-organisee-piraterie"
DIALOGUE = "dialogue-multi-acteurs"

# The report says the challenges concern the civil and the military sectors alike, so a
# finding is "both" unless its subject belongs plainly to one sector. Order is the order of
# the report; it numbers the findings within each kind.
FINDINGS: list[FindingData] = [
    # Opportunities
    {
        "kind": "opportunity",
        "sector": "both",
        "title": ("Renforcer la sécurité", "Strengthening security"),
        "text": (
            "Les participants ont relevé que l’intelligence artificielle peut contribuer au "
            "renforcement de la sécurité.",
            "Participants noted that artificial intelligence can help to strengthen security.",
        ),
        "themes": [AI, PEACE],
    },
    {
        # Strategic decisions on security belong to diplomacy as much as to defence.
        "kind": "opportunity",
        "sector": "both",
        "title": (
            "Améliorer les processus décisionnels stratégiques",
            "Improving strategic decision-making",
        ),
        "text": (
            "L’IA peut améliorer les processus par lesquels les décisions stratégiques sont "
            "préparées et prises.",
            "AI can improve the processes through which strategic decisions are prepared "
            "and taken.",
        ),
        "themes": [AI, PEACE],
    },
    {
        # IHL governs the conduct of hostilities: a military matter first.
        "kind": "opportunity",
        "sector": "military",
        "title": (
            "Mieux respecter le droit international humanitaire",
            "Greater respect for international humanitarian law",
        ),
        "text": (
            "L’IA peut aider à assurer le respect du droit international humanitaire (DIH).",
            "AI can help to ensure respect for international humanitarian law (IHL).",
        ),
        "themes": [AI, IHL],
    },
    {
        "kind": "opportunity",
        "sector": "civil",
        "title": (
            "Enquêter sur les violations des droits de l’Homme",
            "Investigating human rights violations",
        ),
        "text": (
            "Les outils d’IA peuvent appuyer la conduite d’enquêtes sur les violations des "
            "droits de l’Homme.",
            "AI tools can support investigations into human rights violations.",
        ),
        "themes": [AI, HUMAN_RIGHTS],
        "featured": True,
    },
    {
        # Humanitarian logistics: a civil setting.
        "kind": "opportunity",
        "sector": "civil",
        "title": (
            "Optimiser la logistique dans les zones de crise",
            "Optimising logistics in crisis zones",
        ),
        "text": (
            "L’IA peut aider à organiser plus efficacement la logistique dans les zones de crise.",
            "AI can help to organise logistics in crisis zones more efficiently.",
        ),
        "themes": [AI, HUMANITARIAN],
    },
    {
        # Navies fight piracy, police and justice fight organised crime.
        "kind": "opportunity",
        "sector": "both",
        "title": (
            "Lutter contre la piraterie et le crime organisé",
            "Fighting piracy and organised crime",
        ),
        "text": (
            "L’IA peut renforcer les moyens de la lutte contre la piraterie et la criminalité "
            "organisée.",
            "AI can strengthen the means of fighting piracy and organised crime.",
        ),
        "themes": [AI, CRIME, PEACE],
    },
    # Risks
    {
        "kind": "risk",
        "sector": "both",
        "title": (
            "Le double usage accroît le risque de prolifération",
            "Dual use increases the risk of proliferation",
        ),
        "text": (
            "Parce que les technologies d’IA servent aussi bien le civil que le militaire, "
            "le risque de leur prolifération augmente, avec des conséquences majeures pour "
            "la stabilité, la paix et la sécurité internationales.",
            "Because AI technologies serve civil and military ends alike, the risk of their "
            "proliferation grows, with major implications for international stability, "
            "peace and security.",
        ),
        "themes": [AI, DISARMAMENT, PEACE],
        "featured": True,
    },
    {
        "kind": "risk",
        "sector": "both",
        "title": ("L’usage malveillant de l’IA", "Malicious use of AI"),
        "text": (
            "La nature duale de l’IA accroît aussi le risque qu’elle soit employée à des fins "
            "malveillantes.",
            "The dual-use nature of AI also raises the risk of its being put to malicious use.",
        ),
        "themes": [AI, PEACE],
    },
    {
        "kind": "risk",
        "sector": "both",
        "title": (
            "Le détournement contraire au droit international",
            "Diversion in breach of international law",
        ),
        "text": (
            "Des technologies d’IA peuvent être détournées vers des usages non conformes au "
            "droit international.",
            "AI technologies can be diverted to uses that do not comply with international law.",
        ),
        "themes": [AI, DISARMAMENT, PEACE],
    },
    {
        # Defence, security and disarmament dynamics: the military sector.
        "kind": "risk",
        "sector": "military",
        "title": (
            "Une transformation de la défense et du désarmement sans cadre",
            "Defence and disarmament transformed without a framework",
        ),
        "text": (
            "L’IA transforme en profondeur les dynamiques de défense, de sécurité et de "
            "désarmement ; sans cadre partagé, cette transformation risque de ne pas servir "
            "la paix.",
            "AI is deeply transforming the dynamics of defence, security and disarmament; "
            "without a shared framework, this transformation may fail to serve peace.",
        ),
        "themes": [AI, DISARMAMENT, PEACE],
    },
    # Recommendations
    {
        "kind": "recommendation",
        "sector": "both",
        "title": (
            "Un cadre éthique, juridique et politique partagé",
            "A shared ethical, legal and political framework",
        ),
        "text": (
            "Pour être porteuse de paix, la transformation qu’apporte l’IA doit s’inscrire "
            "dans un cadre éthique, juridique et politique commun.",
            "For the transformation AI brings to serve peace, it must take place within a "
            "common ethical, legal and political framework.",
        ),
        "themes": [AI, GOVERNANCE, PEACE],
        "featured": True,
    },
    {
        "kind": "recommendation",
        "sector": "both",
        "title": (
            "Une gouvernance inclusive, transparente et fondée sur les droits de l’Homme",
            "Inclusive, transparent governance grounded in human rights",
        ),
        "text": (
            "Les intervenants ont souligné l’urgence de bâtir une gouvernance de l’IA "
            "inclusive, transparente et fondée sur les droits de l’Homme.",
            "Speakers stressed the urgency of building AI governance that is inclusive, "
            "transparent and grounded in human rights.",
        ),
        "themes": [AI, GOVERNANCE, HUMAN_RIGHTS],
    },
    {
        # Their innovations reach both sectors.
        "kind": "recommendation",
        "sector": "both",
        "title": (
            "Reconnaître le rôle central des entreprises technologiques",
            "Recognising the central role of technology companies",
        ),
        "text": (
            "Les entreprises technologiques, d’où viennent souvent ces innovations, ont un "
            "rôle central à jouer dans cette gouvernance.",
            "Technology companies, where these innovations often originate, have a central "
            "role to play in this governance.",
        ),
        "themes": [AI, GOVERNANCE],
    },
    {
        "kind": "recommendation",
        "sector": "both",
        "title": (
            "Un dialogue multi-acteurs ouvert à la diversité des régions et des langues",
            "A multi-stakeholder dialogue open to diverse regions and languages",
        ),
        "text": (
            "Le dialogue doit réunir des acteurs multiples et faire place à la diversité des "
            "régions, des langues et des points de vue.",
            "Dialogue should bring many stakeholders together and make room for a diversity "
            "of regions, languages and perspectives.",
        ),
        "themes": [AI, GOVERNANCE, DIALOGUE],
    },
    {
        "kind": "recommendation",
        "sector": "both",
        "title": (
            "Adapter les normes aux réalités locales",
            "Adapting norms to local realities",
        ),
        "text": (
            "Tenir compte des réalités locales, notamment dans les pays en développement, "
            "est une condition de la légitimité et de l’efficacité des futures "
            "réglementations.",
            "Taking account of local realities, particularly in developing countries, is a "
            "precondition for the legitimacy and effectiveness of future regulation.",
        ),
        "themes": [AI, GOVERNANCE, DIALOGUE],
    },
]


# --- The fictional example -----------------------------------------------------------------

EXAMPLE_SLUG = "exemple-rencontre-fictive"
EXAMPLE_DAYS_AHEAD = 60
EXAMPLE: dict[str, Bilingual] = {
    "title": (
        "Exemple fictif — Systèmes d’armes autonomes et droit international humanitaire",
        "Fictional example — Autonomous weapons systems and international humanitarian law",
    ),
    "venue": ("Palais des Nations", "Palais des Nations"),
    "city": ("Genève", "Geneva"),
    "summary": (
        "Rencontre fictive, créée uniquement pour essayer le portail : s’inscrire à des "
        "séances, passer en liste d’attente, annuler son inscription. Elle n’aura pas lieu "
        "et ses intervenants n’existent pas.",
        "A fictional meeting, created only to try out the portal: registering for sessions, "
        "joining a waiting list, cancelling a registration. It will not take place and its "
        "speakers do not exist.",
    ),
    "description": (
        "Cette rencontre est un exemple fictif. Elle sert à essayer le portail et ne "
        "correspond à aucune rencontre réelle du cycle : ses dates, son programme, ses "
        "salles et ses intervenants sont inventés.\n\n"
        "Son programme compte quatre séances sur deux jours. L’atelier du premier jour "
        "n’offre que cinq places, pour voir la liste d’attente à l’œuvre.",
        "This meeting is a fictional example. It is there to try out the portal and matches "
        "no real meeting of the cycle: its dates, programme, rooms and speakers are "
        "invented.\n\n"
        "Its programme has four sessions over two days. The workshop on the first day has "
        "only five places, so that the waiting list can be seen at work.",
    ),
}

FICTIONAL_POSITION: Bilingual = (
    "Personne fictive (exemple de démonstration)",
    "Fictional person (demonstration example)",
)
SPEAKER_A = "Intervenante exemple A"
SPEAKER_B = "Intervenant exemple B"
MODERATOR_C = "Modératrice exemple C"
RAPPORTEUR_D = "Rapporteur exemple D"
EXAMPLE_SPEAKERS = [SPEAKER_A, SPEAKER_B, MODERATOR_C, RAPPORTEUR_D]

MODERATOR = SessionSpeaker.Role.MODERATOR
SPEAKER = SessionSpeaker.Role.SPEAKER
RAPPORTEUR = SessionSpeaker.Role.RAPPORTEUR
ROOM_XII: Bilingual = ("Salle XII", "Room XII")
ROOM_XXIII: Bilingual = ("Salle XXIII", "Room XXIII")


class SessionData(TypedDict):
    day: int  # 0 for the first day of the meeting, 1 for the second
    start: time
    end: time
    title: Bilingual
    description: Bilingual
    room: Bilingual
    capacity: int
    speakers: list[tuple[str, str]]  # (speaker name, role), in display order


EXAMPLE_SESSIONS: list[SessionData] = [
    {
        "day": 0,
        "start": time(9, 0),
        "end": time(10, 30),
        "title": ("Ouverture : de quoi parle-t-on ?", "Opening: what are we talking about?"),
        "description": (
            "Séance fictive : les enjeux des systèmes d’armes autonomes, présentés en "
            "séance plénière.",
            "Fictional session: what is at stake with autonomous weapons systems, presented "
            "in plenary.",
        ),
        "room": ROOM_XII,
        "capacity": 60,
        "speakers": [(MODERATOR_C, MODERATOR), (SPEAKER_A, SPEAKER), (SPEAKER_B, SPEAKER)],
    },
    {
        "day": 0,
        "start": time(11, 0),
        "end": time(12, 30),
        "title": (
            "Atelier de simulation (places très limitées)",
            "Simulation workshop (very few places)",
        ),
        "description": (
            "Séance fictive de cinq places, pour essayer la liste d’attente.",
            "Fictional session with five places, to try out the waiting list.",
        ),
        "room": ROOM_XXIII,
        "capacity": 5,
        "speakers": [(SPEAKER_A, MODERATOR)],
    },
    {
        "day": 1,
        "start": time(9, 30),
        "end": time(12, 30),
        "title": (
            "Table ronde : contrôle humain et droit international humanitaire",
            "Round table: human control and international humanitarian law",
        ),
        "description": (
            "Séance fictive : comment garder un contrôle humain sur l’emploi de la force ?",
            "Fictional session: how can human control over the use of force be kept?",
        ),
        "room": ROOM_XXIII,
        "capacity": 30,
        "speakers": [(MODERATOR_C, MODERATOR), (SPEAKER_A, SPEAKER), (SPEAKER_B, SPEAKER)],
    },
    {
        "day": 1,
        "start": time(14, 0),
        "end": time(17, 0),
        "title": (
            "Clôture : restitution des recommandations",
            "Closing: reporting back the recommendations",
        ),
        "description": (
            "Séance fictive : la synthèse des échanges est présentée en séance plénière.",
            "Fictional session: the summary of the discussions is presented in plenary.",
        ),
        "room": ROOM_XII,
        "capacity": 60,
        "speakers": [(MODERATOR_C, MODERATOR), (RAPPORTEUR_D, RAPPORTEUR)],
    },
]
EXAMPLE_THEMES = [AI, DISARMAMENT, IHL, GOVERNANCE]


# --- Writers -------------------------------------------------------------------------------


def at(day: date, moment: time) -> datetime:
    """An aware datetime in Geneva's time zone."""
    return datetime.combine(day, moment, tzinfo=ZURICH)


class Writer:
    """Finds each demo row by its slug or natural key and creates it when missing.

    An existing row is left as it is, unless `reset` asks for its shipped content back. When
    rows staff added share a demo row's key, the oldest one is taken as the demo's.
    """

    def __init__(self, *, reset: bool) -> None:
        self.reset = reset
        self.created: Counter[type[Model]] = Counter()
        self.existing: Counter[type[Model]] = Counter()

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


def themes_load(writer: Writer) -> dict[str, Any]:
    # `events` refers to the themes app by label only: imports flow themes → events.
    theme_model = apps.get_model("themes", "Theme")
    return {
        item["slug"]: writer.row(
            theme_model,
            {"slug": item["slug"]},
            {
                "order": order,
                **bilingual("name", item["name"]),
                **bilingual("description", item["description"]),
            },
        )
        for order, item in enumerate(THEMES)
    }


def cycle_load(writer: Writer) -> Cycle:
    texts = {**bilingual("name", CYCLE["name"]), **bilingual("description", CYCLE["description"])}
    return writer.row(Cycle, {"slug": CYCLE_SLUG}, texts)


def programmes_load(writer: Writer) -> list[Programme]:
    description = bilingual("description", PROGRAMME_DESCRIPTION)
    return [
        writer.row(Programme, {"slug": slug}, {**bilingual("name", name), **description})
        for slug, name in PROGRAMMES.items()
    ]


def organisations_load(writer: Writer) -> dict[str, Organisation]:
    organisations = {}
    for slug, item in ORGANISATIONS.items():
        organisations[slug] = writer.row(
            Organisation,
            {"slug": slug},
            {
                "kind": item["kind"],
                "country": item["country"],
                "francophonie_status": item["francophonie_status"],
                **bilingual("name", item["name"]),
                **bilingual("acronym", item["acronym"]),
            },
        )
    return organisations


def event_load(
    writer: Writer, *, slug: str, texts: dict[str, Bilingual], cycle: Cycle, **fields: Any
) -> Event:
    content = {"cycle": cycle, "timezone": GENEVA_TZ, "country": "CH", **fields}
    for field, text in texts.items():
        content.update(bilingual(field, text))
    return writer.row(Event, {"slug": slug}, content)


def organisers_set(
    writer: Writer, *, event: Event, organisers: list[tuple[Organisation, str]]
) -> None:
    """Give the organisers their role, in display order."""
    for order, (organisation, role) in enumerate(organisers):
        writer.row(
            EventOrganiser,
            {"event": event, "organisation": organisation},
            {"role": role, "order": order},
        )


def findings_load(
    writer: Writer, *, event: Event, findings: list[FindingData], themes: dict[str, Any]
) -> None:
    finding_model = apps.get_model("themes", "Finding")
    next_order: dict[str, int] = {}
    for item in findings:
        order = next_order.get(item["kind"], 0)
        next_order[item["kind"]] = order + 1
        finding = writer.row(
            finding_model,
            {"event": event, "kind": item["kind"], "order": order},
            {
                "sector": item["sector"],
                "featured": item.get("featured", False),
                "chatham_house": False,
                "session": None,
                "speaker": None,
                "organisation": None,
                **bilingual("title", item["title"]),
                **bilingual("text", item["text"]),
            },
        )
        finding.themes.set([themes[slug] for slug in item["themes"]])


def speakers_load(writer: Writer) -> dict[str, Speaker]:
    content = {
        "affiliation": None,  # fictional people belong to no real organisation
        **bilingual("position", FICTIONAL_POSITION),
        **bilingual("biography", ("", "")),
    }
    return {name: writer.row(Speaker, {"name": name}, content) for name in EXAMPLE_SPEAKERS}


def sessions_load(
    writer: Writer,
    *,
    event: Event,
    first_day: date,
    sessions: list[SessionData],
    speakers: dict[str, Speaker],
) -> None:
    for order, item in enumerate(sessions):
        day = first_day + timedelta(days=item["day"])
        session = writer.row(
            Session,
            {"event": event, "order": order},
            {
                "start": at(day, item["start"]),
                "end": at(day, item["end"]),
                "capacity": item["capacity"],
                **bilingual("title", item["title"]),
                **bilingual("description", item["description"]),
                **bilingual("room", item["room"]),
            },
        )
        for speaker_order, (name, role) in enumerate(item["speakers"]):
            writer.row(
                SessionSpeaker,
                {"session": session, "speaker": speakers[name]},
                {"role": role, "order": speaker_order},
            )


def counts_text(counts: Counter[type[Model]]) -> str:
    """“2 meetings, 1 theme”, in the order the rows were met."""
    return ", ".join(
        f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in counts.items()
    )


HELP = _(
    "Load the demonstration data: the themes, the cycle, its strategic projects and "
    "organisers, the meeting of 15 April 2025 with its findings, and a fictional example "
    "meeting. It creates what is missing and never changes, republishes or deletes what "
    "exists: a demo meeting that exists is left as it is, with everything in it. Use --reset "
    "to restore the shipped content."
)
RESET_HELP = _(
    "Restore the demo rows to their shipped content: texts, status, dates, organisers, "
    "findings, sessions and speakers, and recreate those deleted. Rows staff added are kept."
)


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # argparse wants a real string: translate when the help is shown, not at import.
        return str(HELP)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help=str(RESET_HELP))

    @transaction.atomic
    def handle(self, *args: Any, reset: bool, **options: Any) -> None:
        writer = Writer(reset=reset)
        # Without --reset a meeting is the unit: one that exists is not even read, so that
        # what staff changed or deleted in it (a finding, a session, an organiser) stays so.
        existing = set()
        if not reset:
            slugs = [MEETING_SLUG, EXAMPLE_SLUG]
            existing = set(Event.objects.filter(slug__in=slugs).values_list("slug", flat=True))
            if existing:
                writer.existing[Event] = len(existing)
        if len(existing) < 2:
            themes = themes_load(writer)
            cycle = cycle_load(writer)
            programmes = programmes_load(writer)
            organisations = organisations_load(writer)

        if MEETING_SLUG not in existing:
            meeting = event_load(
                writer,
                slug=MEETING_SLUG,
                texts=MEETING,
                cycle=cycle,
                start=MEETING_START,
                end=MEETING_END,
                format=Event.Format.IN_PERSON,
                status=Event.Status.PUBLISHED,
                registration_mode=Event.RegistrationMode.CLOSED,
                reported_participants=80,
                reported_participants_is_minimum=True,  # "plus de 80 participants"
                is_example=False,
            )
            organisers_set(
                writer,
                event=meeting,
                organisers=[
                    (organisations[OIF], EventOrganiser.Role.LEAD),
                    (organisations[UNIDIR], EventOrganiser.Role.CO_ORGANISER),
                    (organisations[FRANCE_CD], EventOrganiser.Role.CO_ORGANISER),
                ],
            )
            meeting.programmes.set(programmes)
            meeting.themes.set({themes[slug] for item in FINDINGS for slug in item["themes"]})
            findings_load(writer, event=meeting, findings=FINDINGS, themes=themes)

        if EXAMPLE_SLUG not in existing:
            # Dated from today so that it is upcoming; --reset moves it forward again.
            first_day = timezone.localdate(timezone.now(), ZURICH) + timedelta(
                days=EXAMPLE_DAYS_AHEAD
            )
            example = event_load(
                writer,
                slug=EXAMPLE_SLUG,
                texts=EXAMPLE,
                cycle=cycle,
                start=at(first_day, time(9, 0)),
                end=at(first_day + timedelta(days=1), time(17, 0)),
                format=Event.Format.IN_PERSON,
                status=Event.Status.PUBLISHED,
                registration_mode=Event.RegistrationMode.OPEN,
                reported_participants=None,
                reported_participants_is_minimum=False,
                is_example=True,
            )
            organisers_set(
                writer, event=example, organisers=[(organisations[OIF], EventOrganiser.Role.LEAD)]
            )
            example.programmes.set([p for p in programmes if p.slug == "gouvernance-numerique-ia"])
            example.themes.set([themes[slug] for slug in EXAMPLE_THEMES])
            sessions_load(
                writer,
                event=example,
                first_day=first_day,
                sessions=EXAMPLE_SESSIONS,
                speakers=speakers_load(writer),
            )

        created = counts_text(writer.created)
        if created:
            self.stdout.write(self.style.SUCCESS(gettext("Created: %(rows)s.") % {"rows": created}))
        else:
            self.stdout.write(gettext("Created nothing: the demo data is there."))
        if writer.existing:
            message = (
                gettext("Restored to their shipped content: %(rows)s.")
                if reset
                else gettext("Left as they were: %(rows)s.")
            )
            self.stdout.write(message % {"rows": counts_text(writer.existing)})
