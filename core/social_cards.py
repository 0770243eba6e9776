"""Social cards: the 1200 × 630 PNG that a link to a meeting or a finding shows when shared.

The apps say what a card reads (a `Card`); this module lays it out, draws it with Pillow in
the site's typeface (core/fonts, Source Sans 3 under the OFL), and serves it through
`SocialCardView`. A card is drawn once per text: its cache key and ETag are a hash of
everything it shows, so a change saved by staff gives a new card at once, and an unchanged
one is never drawn twice. When the cache cannot be reached the card is drawn anyway.
"""

import functools
import hashlib
import io
import logging
from dataclasses import astuple, dataclass
from pathlib import Path

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import get_language
from django.views import View
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
# Bump when the drawing changes: every cached card and every ETag then changes with it.
LAYOUT_VERSION = 1
CACHE_SECONDS = 7 * 24 * 3600  # in Django's cache; a changed text gets a new key anyway
BROWSER_SECONDS = 86400  # Cache-Control max-age

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR = FONTS / "SourceSans3-Regular.ttf"
BOLD = FONTS / "SourceSans3-Bold.ttf"

INK_BLUE = "#1b2a4a"
ACCENT = "#ffbf47"  # the site's focus yellow: a warm line under the band
PAPER = "#ffffff"
TEXT = "#1b1b1f"
MUTED = "#4a4a55"
BAND_TEXT = "#ffffff"
KIND_COLOURS = {  # as in portal.css: each kind of finding keeps its colour
    "opportunity": "#1d6b35",
    "risk": "#a3221b",
    "recommendation": "#5a3b8c",
}
LABEL_COLOUR = "#7a4b00"  # example and cancelled labels, as portal.css's --example
LABEL_BACKGROUND = "#fff8e6"

BAND_HEIGHT = 150
ACCENT_HEIGHT = 8
BODY_TOP = BAND_HEIGHT + ACCENT_HEIGHT + 44
TEXT_WIDTH = WIDTH - 2 * MARGIN
TITLE_SIZES = (64, 58, 52, 46, 42, 38, 34)  # largest first: the first at which the title fits
TITLE_MAX_LINES = 4


@dataclass(frozen=True)
class Card:
    """What a card reads, already in the page's language."""

    wordmark: str  # the cycle's name, in the band
    title: str
    kicker: str = ""  # above the title: a finding's kind
    kind: str = ""  # colours the kicker
    labels: tuple[str, ...] = ()  # « Exemple fictif », « Annulée »
    footer: tuple[str, ...] = ()  # under the title: meeting, dates, place

    def version(self) -> str:
        """A short hash of everything the card shows: its cache key and its ETag."""
        text = "\x1f".join([str(LAYOUT_VERSION), *map(str, astuple(self))])
        return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Text:
    """One line of text placed on the card: `xy` is its top-left corner (Pillow's "la")."""

    text: str
    xy: tuple[int, int]
    font: ImageFont.FreeTypeFont
    fill: str

    def bbox(self) -> tuple[int, int, int, int]:
        """The box the ink of this line covers on the card."""
        left, top, right, bottom = self.font.getbbox(self.text, anchor="la")
        x, y = self.xy
        return (x + round(left), y + round(top), x + round(right), y + round(bottom))


@functools.lru_cache(maxsize=32)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """A font at a size, loaded once per process."""
    return ImageFont.truetype(str(path), size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; a word wider than the line is cut where it must be."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if face.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while face.getlength(word) > width:  # a long URL or compound: cut it
            cut = len(word) - 1
            while cut > 1 and face.getlength(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def fit(
    text: str, path: Path, sizes: tuple[int, ...], width: int, max_lines: int
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which `text` holds in `max_lines`; at the smallest, the last
    line ends with an ellipsis."""
    for size in sizes:
        face = font(path, size)
        lines = wrap(text, face, width)
        if len(lines) <= max_lines:
            return face, lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and face.getlength(f"{last}…") > width:
        last = last[:-1].rstrip()
    kept[-1] = f"{last}…"
    return face, kept


def line_height(face: ImageFont.FreeTypeFont) -> int:
    return round(face.size * 1.18)


def layout(card: Card) -> tuple[list[Text], list[tuple[int, int, int, int]]]:
    """Where every line goes: the texts, and the label boxes drawn behind the labels.

    Band with the wordmark at the top; then labels, kicker and title from the top of the
    body down; the footer lines from the bottom up. The title gets what space is left
    between them, shrinking and, at worst, ending with an ellipsis.
    """
    texts: list[Text] = []
    boxes: list[tuple[int, int, int, int]] = []

    # The band: the cycle's name on one or two lines, centred vertically.
    mark_face, mark_lines = fit(card.wordmark, BOLD, (34, 30, 27, 24), TEXT_WIDTH, 2)
    mark_height = line_height(mark_face) * len(mark_lines)
    y = (BAND_HEIGHT - mark_height) // 2
    for line in mark_lines:
        texts.append(Text(line, (MARGIN, y), mark_face, BAND_TEXT))
        y += line_height(mark_face)

    # The footer, bottom up.
    footer_face = font(REGULAR, 30)
    footer_lines = [fit(line, REGULAR, (30,), TEXT_WIDTH, 1)[1][0] for line in card.footer if line]
    footer_top = HEIGHT - MARGIN + 14 - line_height(footer_face) * len(footer_lines)
    for index, line in enumerate(footer_lines):
        xy = (MARGIN, footer_top + index * line_height(footer_face))
        texts.append(Text(line, xy, footer_face, MUTED))

    # Labels and kicker on one line at the top of the body.
    y = BODY_TOP
    x = MARGIN
    label_face = font(BOLD, 26)
    if card.kicker:
        kicker = Text(card.kicker.upper(), (x, y), label_face, KIND_COLOURS.get(card.kind, TEXT))
        texts.append(kicker)
        x = kicker.bbox()[2] + 28
    for label in card.labels:
        text = Text(label, (x + 14, y), label_face, LABEL_COLOUR)
        left, top, right, bottom = text.bbox()
        boxes.append((left - 14, top - 8, right + 14, bottom + 8))
        texts.append(text)
        x = right + 14 + 20
    if card.kicker or card.labels:
        y += line_height(label_face) + 24

    # The title, in what is left.
    room = footer_top - 28 - y
    for max_lines in range(TITLE_MAX_LINES, 0, -1):
        title_face, title_lines = fit(card.title, BOLD, TITLE_SIZES, TEXT_WIDTH, max_lines)
        if line_height(title_face) * len(title_lines) <= room:
            break
    for line in title_lines:
        texts.append(Text(line, (MARGIN, y), title_face, TEXT))
        y += line_height(title_face)
    return texts, boxes


def draw(card: Card) -> bytes:
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    canvas = ImageDraw.Draw(image)
    canvas.rectangle((0, 0, WIDTH, BAND_HEIGHT), fill=INK_BLUE)
    canvas.rectangle((0, BAND_HEIGHT, WIDTH, BAND_HEIGHT + ACCENT_HEIGHT), fill=ACCENT)
    texts, boxes = layout(card)
    for box in boxes:
        canvas.rounded_rectangle(
            box, radius=6, fill=LABEL_BACKGROUND, outline=LABEL_COLOUR, width=2
        )
    for text in texts:
        canvas.text(text.xy, text.text, font=text.font, fill=text.fill, anchor="la")
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=False)
    return output.getvalue()


def cached_png(key: str, card: Card) -> bytes:
    """The card's PNG from the cache, or drawn and stored; drawn all the same if the cache fails."""
    try:
        png = cache.get(key)
    except Exception as error:  # noqa: BLE001 - whatever the cache's failure, show the card
        logger.warning("Social card cache unreachable (%s): drawing", type(error).__name__)
        return draw(card)
    if png is not None:
        return png
    png = draw(card)
    try:
        cache.set(key, png, timeout=CACHE_SECONDS)
    except Exception as error:  # noqa: BLE001
        logger.warning("Social card cache unreachable (%s): not stored", type(error).__name__)
    return png


class SocialCardView(View):
    """Serves an object's card as PNG, in the language of the URL.

    A subclass names `kind` (part of the cache key) and implements `get_object()` (404 for
    what the public may not see) and `card(obj)`.
    """

    kind = ""

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        card = self.card(obj)
        version = card.version()
        etag = quote_etag(version)
        response = get_conditional_response(request, etag=etag)
        if response is None:
            key = f"social-card:{self.kind}:{obj.pk}:{get_language()}:{version}"
            response = HttpResponse(cached_png(key, card), content_type="image/png")
        response.headers["ETag"] = etag
        patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
        return response
