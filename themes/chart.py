"""Per-theme charts: bar geometry for a server-rendered SVG, one stacked bar per theme.

Two charts use it: the explorer's findings by kind, the follow-up page's recommendations by
status. The template draws either (templates/themes/includes/chart.html) next to a table of
the same numbers; nothing here needs JavaScript. Lengths are in SVG user units of the viewBox
and are given as strings: Django would otherwise write floats with a decimal comma in French.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Finding, FollowUpStatus


@dataclass(frozen=True)
class ChartKind:
    """What a chart counts: its series, in the order the bars are stacked and the table's
    columns are read (each the name of a count on the themes given to `build_chart`), and
    the words around it."""

    series: list[tuple[str, str]]
    title: str
    note: str
    caption: str
    table_caption: str


KINDS = ChartKind(
    series=[
        (Finding.Kind.OPPORTUNITY, _("Opportunities")),
        (Finding.Kind.RISK, _("Risks")),
        (Finding.Kind.RECOMMENDATION, _("Recommendations")),
    ],
    title=_("Opportunities, risks and recommendations per theme"),
    note=_(
        "For the findings that match the filters. A finding on several themes counts under "
        "each of them."
    ),
    caption=_(
        "Bar chart of the opportunities, risks and recommendations per theme; the table gives "
        "the same numbers."
    ),
    table_caption=_("Findings per theme and kind"),
)
KIND_PLURALS = dict(KINDS.series)

STATUSES = ChartKind(
    series=FollowUpStatus.choices,
    title=_("Status of the recommendations per theme"),
    note=_(
        "For the recommendations that match the filters. A recommendation on several themes "
        "counts under each of them."
    ),
    caption=_(
        "Bar chart of the recommendations per theme and status; the table gives the same numbers."
    ),
    table_caption=_("Recommendations per theme and status"),
)

# About a phone's width at 1:1, so that the 14-unit labels read as 14 pixels there.
WIDTH = 360
BARS_WIDTH = 315  # the rest of the width holds each bar's total
# SVG text does not wrap: a theme's name is broken into lines here, never cut. A 14-unit
# character of a sans-serif face is at most about 8.5 units wide on average (0.6 em), so
# 40 characters stay within the 360 units of the width, in either language.
LABEL_LINE_LENGTH = 40
LABEL_LINE_HEIGHT = 18
LABEL_HEIGHT = 20  # the first line's box, down to the bar
BAR_HEIGHT = 18
ROW_GAP = 14


def units(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def label_lines(name: str, length: int = LABEL_LINE_LENGTH) -> list[str]:
    """The theme's whole name, broken between words into lines of at most `length`
    characters; a word longer than a line is broken inside."""
    lines: list[str] = []
    line = ""
    for word in str(name).split():
        while len(word) > length:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:length])
            word = word[length:]
        if line and len(line) + 1 + len(word) > length:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines or [""]


@dataclass
class Line:
    text: str
    y: str


@dataclass
class Segment:
    kind: str
    label: str
    count: int
    x: str
    width: str


@dataclass
class Row:
    theme: object
    label: str
    lines: list[Line]
    counts: list[tuple[str, str, int]]
    total: int
    bar_y: str
    total_x: str
    total_y: str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Chart:
    rows: list[Row]
    kind: ChartKind = KINDS
    height: int = 0
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def series(self) -> list[tuple[str, str]]:
        return self.kind.series

    def __bool__(self) -> bool:
        return bool(self.rows)


def build_chart(themes, kind: ChartKind = KINDS) -> Chart:
    """Stacked horizontal bars, one per theme, from themes annotated with a count per series
    of `kind` (by kind of finding: `Theme.objects.with_counts_among(findings)`).

    The longest bar takes the whole width, the others are to scale.
    """
    themes = list(themes)
    series = kind.series
    totals = [sum(getattr(theme, key) for key, _label in series) for theme in themes]
    scale = BARS_WIDTH / max(totals, default=1) if any(totals) else 0
    rows = []
    top = 0
    for theme, total in zip(themes, totals, strict=True):
        lines = label_lines(theme.name)
        # Each line below the first pushes the bar down by one line.
        bar_y = top + LABEL_HEIGHT + (len(lines) - 1) * LABEL_LINE_HEIGHT
        row = Row(
            theme=theme,
            label=str(theme.name),
            lines=[
                Line(text, units(top + LABEL_HEIGHT - 6 + number * LABEL_LINE_HEIGHT))
                for number, text in enumerate(lines)
            ],
            counts=[(key, label, getattr(theme, key)) for key, label in series],
            total=total,
            bar_y=units(bar_y),
            total_x=units(total * scale + 6),
            total_y=units(bar_y + BAR_HEIGHT - 4),
        )
        x = 0.0
        for key, label, count in row.counts:
            if count:
                width = count * scale
                row.segments.append(Segment(key, label, count, units(x), units(width)))
                x += width
        rows.append(row)
        top = bar_y + BAR_HEIGHT + ROW_GAP
    return Chart(rows=rows, kind=kind, height=max(top - ROW_GAP, 0))
