"""The findings-per-theme chart of the explorer: bar geometry for a server-rendered SVG.

The template draws it (templates/themes/includes/chart.html) next to a table of the same
numbers; nothing here needs JavaScript. Lengths are in SVG user units of the viewBox and are
given as strings: Django would otherwise write floats with a decimal comma in French.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Finding

# The series, in the order the bars are stacked and the table's columns are read.
SERIES = [
    (Finding.Kind.OPPORTUNITY, _("Opportunities")),
    (Finding.Kind.RISK, _("Risks")),
    (Finding.Kind.RECOMMENDATION, _("Recommendations")),
]
KIND_PLURALS = dict(SERIES)

# About a phone's width at 1:1, so that the 14-unit labels read as 14 pixels there.
WIDTH = 360
BARS_WIDTH = 315  # the rest of the width holds each bar's total
LABEL_MAX_LENGTH = 46  # longer theme names are cut: SVG text does not wrap
LABEL_HEIGHT = 20
BAR_HEIGHT = 18
ROW_GAP = 14
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP


def units(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def short_label(name: str) -> str:
    """The theme's name, cut to fit the chart's width (the table gives it whole)."""
    name = str(name)
    if len(name) <= LABEL_MAX_LENGTH:
        return name
    return name[: LABEL_MAX_LENGTH - 1].rstrip() + "…"


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
    counts: list[tuple[str, str, int]]
    total: int
    label_y: str
    bar_y: str
    total_x: str
    total_y: str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Chart:
    rows: list[Row]
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def series(self) -> list[tuple[str, str]]:
        return SERIES

    @property
    def height(self) -> int:
        return max(len(self.rows) * ROW_HEIGHT - ROW_GAP, 0)

    def __bool__(self) -> bool:
        return bool(self.rows)


def build_chart(themes) -> Chart:
    """Stacked horizontal bars, one per theme, from themes annotated with a count per kind.

    `themes` is typically `Theme.objects.with_counts_among(findings)`; the longest bar takes
    the whole width, the others are to scale.
    """
    themes = list(themes)
    totals = [sum(getattr(theme, kind) for kind, _label in SERIES) for theme in themes]
    scale = BARS_WIDTH / max(totals, default=1) if any(totals) else 0
    rows = []
    for index, (theme, total) in enumerate(zip(themes, totals, strict=True)):
        top = index * ROW_HEIGHT
        bar_y = top + LABEL_HEIGHT
        row = Row(
            theme=theme,
            label=short_label(theme.name),
            counts=[(kind, label, getattr(theme, kind)) for kind, label in SERIES],
            total=total,
            label_y=units(top + LABEL_HEIGHT - 6),
            bar_y=units(bar_y),
            total_x=units(total * scale + 6),
            total_y=units(bar_y + BAR_HEIGHT - 4),
        )
        x = 0.0
        for kind, label, count in row.counts:
            if count:
                width = count * scale
                row.segments.append(Segment(kind, label, count, units(x), units(width)))
                x += width
        rows.append(row)
    return Chart(rows=rows)
