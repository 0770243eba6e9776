from types import SimpleNamespace

from themes.chart import BARS_WIDTH, LABEL_LINE_LENGTH, build_chart


def theme(name: str, opportunity: int = 0, risk: int = 0, recommendation: int = 0):
    return SimpleNamespace(
        name=name, opportunity=opportunity, risk=risk, recommendation=recommendation
    )


def test_longest_bar_takes_the_whole_width_and_others_are_to_scale():
    chart = build_chart([theme("IA", opportunity=2, risk=2), theme("DIH", recommendation=1)])

    widths = [[float(segment.width) for segment in row.segments] for row in chart.rows]

    assert widths == [[BARS_WIDTH / 2, BARS_WIDTH / 2], [BARS_WIDTH / 4]]
    assert [row.total for row in chart.rows] == [4, 1]


def test_segments_are_stacked_in_the_order_of_the_kinds_and_skip_empty_ones():
    chart = build_chart([theme("IA", opportunity=1, recommendation=3)])

    segments = chart.rows[0].segments

    assert [(s.kind, s.count) for s in segments] == [("opportunity", 1), ("recommendation", 3)]
    assert float(segments[0].x) == 0
    assert float(segments[1].x) == BARS_WIDTH / 4


def test_table_counts_keep_every_kind_even_at_zero():
    chart = build_chart([theme("IA", risk=2)])

    assert [count for _kind, _label, count in chart.rows[0].counts] == [0, 2, 0]


def test_lengths_are_written_with_a_decimal_point_whatever_the_language():
    chart = build_chart([theme("A", risk=3), theme("B", risk=1)])

    assert chart.rows[1].segments[0].width == "105"
    assert build_chart([theme("A", risk=9), theme("B", risk=1)]).rows[1].segments[0].width == "35"
    assert build_chart([theme("A", risk=7), theme("B", risk=1)]).rows[1].segments[0].width == "45"
    assert build_chart([theme("A", risk=6), theme("B", risk=1)]).rows[1].segments[0].width == (
        "52.5"
    )


def test_long_theme_names_are_wrapped_whole_and_short_ones_kept_on_one_line():
    long_name = "Droit international humanitaire et droits de l’Homme dans les conflits"
    chart = build_chart([theme(long_name, risk=1), theme("Désarmement", risk=1)])

    lines = [[line.text for line in row.lines] for row in chart.rows]

    assert " ".join(lines[0]) == long_name
    assert len(lines[0]) == 2 and all(len(line) <= LABEL_LINE_LENGTH for line in lines[0])
    assert lines[1] == ["Désarmement"]
    # The bar sits under the label's second line, and the chart grows by that line.
    assert float(chart.rows[0].bar_y) > float(chart.rows[0].lines[1].y)
    assert chart.height == build_chart([theme("A"), theme("B")]).height + 18


def test_no_theme_gives_an_empty_chart():
    chart = build_chart([])

    assert not chart
    assert chart.height == 0
