"""The portal's design system: stylesheets written with logical properties only, tokens that
other stylesheets rely on, a self-hosted typeface, contrast at WCAG AA, the contact address,
and French typography in the site-wide templates."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from tests.factories import MeetingFactory, MeetingOrganiserFactory, StrategicProjectFactory

CSS_DIR = Path(settings.BASE_DIR) / "static" / "css"
STYLESHEETS = sorted(CSS_DIR.glob("*.css"))
PORTAL_CSS = CSS_DIR / "portal.css"

# Properties that name a physical side: a right-to-left page would need them all rewritten.
PHYSICAL = re.compile(
    r"(?<![\w-])("
    r"(margin|padding|border)-(left|right)(-\w+)?"
    r"|(left|right)"
    r")\s*:"
    r"|(?<![\w-])(float|clear|text-align)\s*:\s*(left|right)\b",
    re.IGNORECASE,
)
TOKENS = [
    "--color-ink",
    "--color-text",
    "--color-muted",
    "--color-primary",
    "--color-primary-dark",
    "--color-accent",
    "--color-surface",
    "--color-surface-alt",
    "--color-border",
    "--color-opportunity",
    "--color-risk",
    "--color-recommendation",
    "--color-focus",
    *(f"--space-{step}" for step in range(1, 7)),
    "--radius",
    "--font-body",
    "--font-size-sm",
    "--font-size-base",
    "--font-size-lg",
    "--font-size-xl",
    "--font-size-2xl",
    "--measure",
]
# Text colours and the backgrounds they are written on.
TEXT_ON_BACKGROUND = [
    (text, background)
    for text in [
        "--color-text",
        "--color-ink",
        "--color-muted",
        "--color-primary",
        "--color-primary-dark",
        "--color-accent",
        "--color-opportunity",
        "--color-risk",
        "--color-recommendation",
    ]
    for background in ["--color-surface", "--color-surface-alt"]
]
AA_NORMAL_TEXT = 4.5


def without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)


def root_tokens() -> dict[str, str]:
    root = re.search(r":root\s*{(.*?)}", without_comments(PORTAL_CSS.read_text()), re.DOTALL)
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", root.group(1)))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted([luminance(first), luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_physical_property_pattern_catches_what_it_should():
    found = [
        declaration
        for declaration in [
            "margin-left: 1rem",
            "padding-right:0",
            "border-left-color: red",
            "left: -999px",
            "float: right",
            "text-align: left",
            "margin-inline-start: 1rem",
            "inset-inline-start: 0",
            "text-align: start",
            "grid-template-areas: 'left right'",
        ]
        if PHYSICAL.search(declaration)
    ]

    assert found == [
        "margin-left: 1rem",
        "padding-right:0",
        "border-left-color: red",
        "left: -999px",
        "float: right",
        "text-align: left",
    ]


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda path: path.name)
def test_stylesheets_use_logical_properties_only(stylesheet):
    css = without_comments(stylesheet.read_text())

    physical = [match.group(0) for match in PHYSICAL.finditer(css)]

    assert physical == [], f"{stylesheet.name}: use logical properties (margin-inline-start…)"


def test_every_design_token_is_defined_at_root():
    tokens = root_tokens()

    assert [name for name in TOKENS if name not in tokens] == []


@pytest.mark.parametrize(("text", "background"), TEXT_ON_BACKGROUND)
def test_text_colours_reach_wcag_aa_contrast(text, background):
    tokens = root_tokens()

    assert contrast(tokens[text], tokens[background]) >= AA_NORMAL_TEXT


def test_header_and_footer_text_reach_wcag_aa_contrast_on_ink():
    tokens = root_tokens()

    assert contrast("#ffffff", tokens["--color-ink"]) >= AA_NORMAL_TEXT
    assert contrast(tokens["--color-accent-light"], tokens["--color-ink"]) >= AA_NORMAL_TEXT


def test_typeface_is_self_hosted_woff2_with_its_licence():
    css = without_comments(PORTAL_CSS.read_text())
    faces = re.findall(r"@font-face\s*{(.*?)}", css, re.DOTALL)
    sources = [re.search(r"url\(\"?([^\")]+)\"?\)", face).group(1) for face in faces]

    assert faces, "no @font-face"
    assert all("font-display: swap" in face and "unicode-range" in face for face in faces)
    assert all(source.startswith("../fonts/") and source.endswith(".woff2") for source in sources)
    for source in sources:
        assert finders.find(source.removeprefix("../")), f"{source} is not a static file"
    assert finders.find("fonts/OFL-source-sans-3.txt")
    assert "var(--font-body)" in css and '"Source Sans 3"' in root_tokens()["--font-body"]


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda path: path.name)
def test_stylesheets_load_nothing_from_another_site(stylesheet):
    css = without_comments(stylesheet.read_text())

    assert re.findall(r"url\(\s*[\"']?(?:https?:)?//", css) == []
    assert "@import" not in css


def test_print_stylesheet_hides_the_screen_only_parts_and_keeps_findings_whole():
    css = without_comments((CSS_DIR / "print.css").read_text())
    hidden = re.search(r"([^{}]*){\s*display:\s*none !important;\s*}", css).group(1)
    unbroken = re.search(r"([^{}]*){[^}]*break-inside:\s*avoid", css).group(1)

    for selector in [".site-nav", ".site-footer", ".skip-link", "form", ".language-switcher"]:
        assert selector in hidden
    for selector in [".finding", ".card", ".session"]:
        assert selector in unbroken
    assert 'a[href^="http"]::after' in css


def page_text(client, language: str, name: str) -> str:
    with translation.override(language):
        response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


CONTACT_PAGES = ["events:about", "events:accessibility", "participants:privacy"]
FOOTER = '<footer class="site-footer">'


@pytest.mark.django_db
@override_settings(CONTACT_EMAIL="rencontres@francophonie.example")
@pytest.mark.parametrize("language", ["fr", "en"])
def test_contact_address_in_the_footer_and_on_privacy_and_accessibility(client, language):
    link = 'href="mailto:rencontres@francophonie.example"'
    pages = {name: page_text(client, language, name).split(FOOTER) for name in CONTACT_PAGES}
    privacy, accessibility = pages["participants:privacy"][0], pages["events:accessibility"][0]

    assert all(link in footer for _body, footer in pages.values())
    assert link in privacy
    assert link in accessibility


@pytest.mark.django_db
@override_settings(CONTACT_EMAIL="")
@pytest.mark.parametrize("name", CONTACT_PAGES)
def test_no_contact_line_without_an_address(client, name):
    text = page_text(client, "fr", name)

    assert "mailto:" not in text
    assert "Contact" not in text


@pytest.mark.django_db
@override_settings(PRIVACY_NOTICE_VERSION="2026-11-28")
@pytest.mark.parametrize(
    ("language", "written"), [("fr", "28 novembre 2026"), ("en", "28 November 2026")]
)
def test_privacy_notice_writes_its_version_date_in_words(client, language, written):
    text = page_text(client, language, "participants:privacy")

    assert written in text
    assert "2026-11-28" not in text


# A space that should be a no-break one: before : ; ! ? and » , after «.
BAD_FRENCH_SPACING = re.compile(r"[^\s>] [:;!?»]|« ")


def visible_text(html: str) -> str:
    """The page's text: no tags, scripts or attribute values (URLs have colons)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", *CONTACT_PAGES])
def test_french_pages_use_no_break_spaces_in_the_site_wide_parts(client, name):
    MeetingOrganiserFactory(meeting=MeetingFactory())
    text = page_text(client, "fr", name)
    # The header, the footer and these pages' own text are this module's: the home page's
    # body is checked with its template.
    if name == "home":
        text = text.split("<main")[0] + text.split("</main>")[1]

    assert BAD_FRENCH_SPACING.findall(visible_text(text)) == []


@pytest.mark.django_db
def test_english_about_page_quotes_with_english_quotation_marks(client):
    project = StrategicProjectFactory(name_en="Peace and security", name_fr="Paix et sécurité")
    meeting = MeetingFactory()
    meeting.strategic_projects.add(project)

    text = page_text(client, "en", "events:about")

    assert "“Peace and security”" in text
    assert "«" not in visible_text(text)


@pytest.mark.parametrize(
    ("view", "status", "french", "english"),
    [
        (defaults.server_error, 500, "Une erreur est survenue", "An error occurred"),
        (defaults.bad_request, 400, "Requête incorrecte", "Bad request"),
    ],
)
def test_error_pages_without_a_database_keep_the_identity(rf, view, status, french, english):
    request = rf.get("/")
    response = view(request) if status == 500 else view(request, exception=ValueError())
    text = response.content.decode()

    assert response.status_code == status
    assert "css/portal.css" in text
    assert 'class="site-title"' in text
    assert french in text
    assert f'lang="en">{english}<' in text


@pytest.mark.django_db
def test_access_denied_page_is_a_portal_page(rf):
    request = rf.get("/fr/")
    request.resolver_match = None

    with translation.override("fr"):
        response = defaults.permission_denied(request, exception=PermissionDenied())

    assert response.status_code == 403
    assert 'class="site-nav"' in response.content.decode()
