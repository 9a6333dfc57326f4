"""Charts drawn on the server as inline SVG (no script, no third-party code): the heatmap
of groups x capability groups, and a plan's timeline (a bar per item, from start to due).
Every cell or bar is a ``rect`` with a ``<title>`` (its tooltip), its value or state is
written beside it (colour is never the only signal), and the chart has a name
(``role="img"``, ``aria-label``) and a legend; pages add a table of the same figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

from skillgap.server.web.orgdata import Cell, Heatmap

#: Light to dark: the darker, the larger the gap (text turns white from the fourth step).
PALETTE = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
HIDDEN_FILL = "#e2e5e9"
EMPTY_FILL = "#ffffff"
CELL_W, CELL_H, LABEL_W, HEAD_H, LEGEND_H = 92, 34, 170, 120, 70


def _badness(chart: Heatmap, value: float) -> float:
    """0 (nothing missing) to 1 (the worst): coverage turned round, gaps against the top."""
    if chart.metric == "coverage":
        return max(0.0, min(1.0, 1.0 - value))
    return max(0.0, min(1.0, value / chart.top)) if chart.top else 0.0


def _step(chart: Heatmap, value: float) -> int:
    return min(len(PALETTE) - 1, int(_badness(chart, value) * len(PALETTE)))


def value_text(chart: Heatmap, value: float) -> str:
    return f"{value:.0%}" if chart.metric == "coverage" else f"{value:.1f}"


def cell_text(chart: Heatmap, cell: Cell) -> str:
    """What a cell says, in words: its tooltip and its row in the table."""
    if cell.hidden:
        return f"fewer than {chart.min_group_size} people"
    if cell.value is None:
        return "nothing required"
    what = "coverage" if chart.metric == "coverage" else "mean weighted gap"
    people = "person" if cell.people == 1 else "people"
    return f"{what} {value_text(chart, cell.value)} ({cell.people} {people})"


def _wrap(text: str, width: int = 14) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines[:4] or [""]


def heatmap_svg(chart: Heatmap, title: str) -> Markup:
    """The heatmap as an ``<svg>`` element, one ``rect.cell`` per row x column."""
    width = LABEL_W + CELL_W * max(1, len(chart.columns)) + 10
    height = HEAD_H + CELL_H * max(1, len(chart.rows)) + LEGEND_H
    label = f"{title}: {METRIC_NAMES[chart.metric]} per {chart.by} and capability group"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
    ]
    for j, column in enumerate(chart.columns):
        x = LABEL_W + j * CELL_W + CELL_W / 2
        lines = _wrap(column)
        for k, line in enumerate(lines):
            y = HEAD_H - 8 - (len(lines) - 1 - k) * 14
            out.append(
                f'<text x="{x:.0f}" y="{y}" text-anchor="middle" class="col">{escape(line)}</text>'
            )
    for i, row in enumerate(chart.rows):
        y = HEAD_H + i * CELL_H
        out.append(
            f'<text x="{LABEL_W - 8}" y="{y + CELL_H / 2 + 5:.0f}" text-anchor="end" '
            f'class="row">{escape(row)} ({chart.sizes[i]})</text>'
        )
        for j in range(len(chart.columns)):
            out.append(_cell(chart, chart.cell(i, j), LABEL_W + j * CELL_W, y))
    out.append(_legend(chart, HEAD_H + CELL_H * len(chart.rows) + 20))
    out.append("</svg>")
    return Markup("\n".join(out))


def _cell(chart: Heatmap, cell: Cell, x: int, y: int) -> str:
    tooltip = escape(f"{cell.row} x {cell.column}: {cell_text(chart, cell)}")
    dash = ""
    if cell.hidden:
        fill, text, ink = HIDDEN_FILL, f"<{chart.min_group_size}", "#1b1f24"
    elif cell.value is None:  # dashed: told apart from the lightest step at a glance
        fill, text, ink = EMPTY_FILL, "-", "#4d5661"
        dash = ' stroke-dasharray="4 3"'
    else:
        step = _step(chart, cell.value)
        fill, text = PALETTE[step], value_text(chart, cell.value)
        ink = "#ffffff" if step >= 3 else "#1b1f24"
    return (
        f'<g><rect class="cell" x="{x}" y="{y}" width="{CELL_W - 2}" height="{CELL_H - 2}" '
        f'fill="{fill}" stroke="#8a949e" stroke-width="1"{dash}><title>{tooltip}</title></rect>'
        f'<text x="{x + CELL_W / 2 - 1:.0f}" y="{y + CELL_H / 2 + 4:.0f}" text-anchor="middle" '
        f'fill="{ink}" aria-hidden="true">{escape(text)}</text></g>'
    )


def _legend(chart: Heatmap, y: int) -> str:
    parts = [f'<g class="legend"><text x="0" y="{y + 14}">Legend:</text>']
    if chart.metric == "coverage":
        names = ["80-100%", "60-80%", "40-60%", "20-40%", "0-20%"]
    else:
        step = chart.top / len(PALETTE)
        names = [f"{k * step:.1f}-{(k + 1) * step:.1f}" for k in range(len(PALETTE))]
    x = 70
    for k, (fill, name) in enumerate(zip(PALETTE, names, strict=True)):
        parts.append(
            f'<rect x="{x}" y="{y}" width="18" height="18" fill="{fill}" stroke="#8a949e">'
            f"<title>{escape(name)}</title></rect>"
            f'<text x="{x + 24}" y="{y + 14}">{escape(name)}</text>'
        )
        x += 100 if k < len(PALETTE) - 1 else 0
    second = y + 34
    parts.append(
        f'<rect x="70" y="{second}" width="18" height="18" fill="{HIDDEN_FILL}" '
        f'stroke="#8a949e"><title>hidden</title></rect>'
        f'<text x="94" y="{second + 14}">&lt;{chart.min_group_size}: fewer than '
        f"{chart.min_group_size} people, not shown</text>"
        f'<rect x="396" y="{second}" width="18" height="18" fill="{EMPTY_FILL}" '
        f'stroke="#8a949e" stroke-dasharray="4 3"><title>nothing required</title></rect>'
        f'<text x="420" y="{second + 14}">-: nothing required</text></g>'
    )
    return "".join(parts)


METRIC_NAMES = {"coverage": "coverage", "gap": "mean weighted gap"}


# --- a plan's timeline -----------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One plan line on the timeline: from its start to its due date."""

    label: str  # what the row says (the item, and whose it is in a group's plan)
    start: date
    due: date
    state: str  # done, planned, overdue or not trackable


#: The colour of each state (its word is written next to the bar as well).
STATE_FILLS = {
    "done": "#0a6b2d",
    "planned": "#2171b5",
    "overdue": "#a1151f",
    "not trackable": "#8a949e",
}
BAR_H, BAR_GAP, TRACK_W, BAR_LABEL_W, AXIS_H = 22, 8, 560, 260, 40


def timeline_svg(bars: list[Bar], today: date, title: str) -> Markup:
    """The plan's lines as horizontal bars from start to due on one date axis, a line at
    today, each bar's dates and state in its ``<title>`` and written beside it."""
    first = min([today, *(b.start for b in bars)])
    last = max([today, *(b.due for b in bars)])
    span = max(1, (last - first).days)

    def x(day: date) -> float:
        return BAR_LABEL_W + (day - first).days / span * TRACK_W

    rows_h = len(bars) * (BAR_H + BAR_GAP)
    width = BAR_LABEL_W + TRACK_W + 120
    height = AXIS_H + rows_h + LEGEND_H
    label = f"{title}: {len(bars)} items from {first.isoformat()} to {last.isoformat()}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="system-ui, sans-serif" font-size="12" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
    ]
    out += _ticks(first, last, x, AXIS_H + rows_h)
    for i, bar in enumerate(bars):
        y = AXIS_H + i * (BAR_H + BAR_GAP)
        left, right = x(bar.start), max(x(bar.due), x(bar.start) + 3)
        tip = f"{bar.label}: {bar.start.isoformat()} to {bar.due.isoformat()}, {bar.state}"
        out.append(
            f'<g><text x="{BAR_LABEL_W - 8}" y="{y + BAR_H - 6}" text-anchor="end" '
            f'class="row">{escape(_clip(bar.label))}</text>'
            f'<rect class="bar" x="{left:.1f}" y="{y}" width="{right - left:.1f}" '
            f'height="{BAR_H}" fill="{STATE_FILLS.get(bar.state, HIDDEN_FILL)}">'
            f"<title>{escape(tip)}</title></rect>"
            f'<text x="{right + 6:.1f}" y="{y + BAR_H - 6}" aria-hidden="true">'
            f"{escape(bar.state)}</text></g>"
        )
    now = x(today)
    out.append(
        f'<line x1="{now:.1f}" y1="{AXIS_H - 12}" x2="{now:.1f}" y2="{AXIS_H + rows_h}" '
        f'stroke="#1b1f24" stroke-dasharray="4 3"><title>today, {today.isoformat()}</title>'
        f'</line><text x="{now:.1f}" y="{AXIS_H + rows_h + 14}" text-anchor="middle">today'
        "</text>"
    )
    out.append(_timeline_legend(AXIS_H + rows_h + 30))
    out.append("</svg>")
    return Markup("\n".join(out))


def _clip(text: str, width: int = 36) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _ticks(first: date, last: date, x: Callable[[date], float], bottom: int) -> list[str]:
    """A tick at the first day of every month (every quarter beyond two years)."""
    step = 3 if (last - first).days > 730 else 1
    out = []
    month = date(first.year, first.month, 1)
    while month <= last:
        if month >= first and (month.month - 1) % step == 0:
            at = x(month)
            out.append(
                f'<line x1="{at:.1f}" y1="{AXIS_H - 6}" x2="{at:.1f}" y2="{bottom}" '
                f'stroke="#e2e5e9"/><text x="{at:.1f}" y="{AXIS_H - 24}" '
                f'text-anchor="middle" class="tick">{month.strftime("%b %Y")}</text>'
            )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def _timeline_legend(y: int) -> str:
    parts = [f'<g class="legend"><text x="0" y="{y + 14}">Legend:</text>']
    x = 70
    for state, fill in STATE_FILLS.items():
        parts.append(
            f'<rect x="{x}" y="{y}" width="18" height="18" fill="{fill}">'
            f"<title>{escape(state)}</title></rect>"
            f'<text x="{x + 24}" y="{y + 14}">{escape(state)}</text>'
        )
        x += 130
    return "".join(parts) + "</g>"
