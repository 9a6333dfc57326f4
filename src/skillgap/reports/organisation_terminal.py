"""Gaps of groups, priorities and bench strength as rich tables in the terminal, read from
``reports.organisation``'s data: a hidden row keeps its identifying columns, and a note says
how many rows were hidden and why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.reports.explain import view_name
from skillgap.reports.organisation import Row, bench_data, hidden_text, priorities_data, scope_data
from skillgap.services.organisation import BenchStrength, Priorities, ScopeGaps
from skillgap.services.organisation_scope import Frame, Privacy, ScopeKind

#: A column: its header, and its cell for a visible row. The first ``labels`` columns of a
#: table identify the row and are shown for hidden rows too.
Column = tuple[str, Callable[[Row], str]]


def _render(
    console: Console,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Row],
    labels: int,
    empty: str = "none",
) -> int:
    """Prints a table of ``rows``; returns how many were hidden."""
    table = Table(title=title, title_justify="left")
    for i, (header, _) in enumerate(columns):
        table.add_column(header, justify="left" if i < labels else "right", overflow="fold")
    for row in rows:
        cells = [escape(cell(row)) for _, cell in columns[:labels]]
        if row.get("suppressed"):
            cells += ["[dim]hidden[/]", *[""] * (len(columns) - labels - 1)]
        else:
            cells += [escape(cell(row)) for _, cell in columns[labels:]]
        table.add_row(*cells)
    if not rows:
        table.add_row(empty, *[""] * (len(columns) - 1))
    console.print(table)
    return sum(1 for row in rows if row.get("suppressed"))


def _get(key: str, form: str = "{}") -> Callable[[Row], str]:
    return lambda row: "-" if row.get(key) is None else form.format(row[key])


def _percent(key: str) -> Callable[[Row], str]:
    return lambda row: f"{100 * row[key]:.0f}%"


NAME, CAPABILITY = ("Competency", _get("name")), ("Capability", _get("capability"))
IN_SCOPE = ("In scope", _get("people_in_scope"))
MEAN_GAP = ("Mean w. gap", _get("mean_weighted_gap", "{:.2f}"))
SHORT = ("Short", _get("people_short"))
MEETING, COVERAGE = ("Meeting", _get("people_meeting")), ("Coverage", _percent("coverage"))
TOTAL_GAP = ("Total w. gap", _get("total_weighted_gap", "{:g}"))


def _title(f: Frame, what: str) -> str:
    scope = "" if f.scope.kind is ScopeKind.ORGANISATION else f" ({f.scope.kind.value})"
    return (
        f"[bold]{escape(what + f.group)}[/]{scope}: {f.people} active people; as of "
        f"{f.as_of.isoformat()}, {view_name(f.view)} view."
    )


def _not_shown(f: Frame, console: Console) -> bool:
    if f.hidden:
        console.print(
            f"Not shown: {hidden_text(f.hidden.reason, f.privacy)} (minimum group size "
            f"{f.privacy.min_group_size}; an administrator may pass --admin)."
        )
    return f.hidden is not None


def render_scope(r: ScopeGaps, console: Console) -> None:
    data, f = scope_data(r), r.frame
    console.print(_title(f, ""))
    profile = "today's profiles" if r.at == f.as_of else f"the {r.at.isoformat()} profiles"
    console.print(f"Compared with {profile}, with the levels held on {f.as_of.isoformat()}.")
    if _not_shown(f, console):
        return
    ready = data["readiness"]
    if ready and not ready["suppressed"]:
        console.print(
            f"Readiness: [bold]{ready['mean_readiness']:.0f}%[/] (importance-weighted, mean "
            f"over {ready['people_assessed']} people assessed); total weighted gap "
            f"{ready['total_weighted_gap']:g}."
        )
    later = [h.isoformat() for h in r.horizons if h > r.at]
    if later and r.future is None:
        console.print(f"Later horizons of these roles: {', '.join(later)} (--horizon future).")
    console.print()
    columns = [NAME, CAPABILITY, IN_SCOPE, MEETING, COVERAGE, MEAN_GAP, TOTAL_GAP]
    hidden = _render(console, "Per competency", columns, data["competencies"], labels=2)
    hidden += _render(
        console,
        "Per capability group",
        [
            CAPABILITY,
            IN_SCOPE,
            ("Meeting all", _get("people_meeting")),
            ("Met / required", lambda row: f"{row['requirements_met']} / {row['requirements']}"),
            COVERAGE,
            MEAN_GAP,
        ],
        data["capabilities"],
        labels=1,
    )
    if data["breakdown"]:
        by = data["breakdown"]["by"]
        hidden += _render(
            console,
            f"Per {by}",
            [
                (by.capitalize(), _get("group")),
                ("People", _get("group_size")),
                ("Assessed", _get("people_assessed")),
                ("Readiness", _get("mean_readiness", "{:.0f}%")),
                TOTAL_GAP,
            ],
            data["breakdown"]["groups"],
            labels=1,
        )
    if data["future_gaps"] is not None:
        hidden += _render(
            console,
            f"Future gaps (requirements dated after {f.as_of.isoformat()}, levels held now)",
            [("Horizon", _get("horizon")), NAME, IN_SCOPE, SHORT, TOTAL_GAP],
            data["future_gaps"],
            labels=2,
        )
    if data["single_points_of_failure"] is not None:
        _render(
            console,
            "Single points of failure (critical competencies verified in at most one person)",
            [
                NAME,
                CAPABILITY,
                ("Level", _get("level", "{:g}")),
                ("Roles", _get("roles")),
                ("People requiring", _get("people_requiring")),
                ("Holders", _get("holders")),
            ],
            data["single_points_of_failure"],
            labels=2,
        )
    if hidden:
        console.print(_hidden_note(hidden, "row", f.privacy))


def _hidden_note(count: int, what: str, privacy: Privacy) -> str:
    return (
        f"{count} {what}{'' if count == 1 else 's'} hidden: in a group of fewer than "
        f"{privacy.min_group_size} people, or computed from fewer people than that (an "
        "administrator may pass --admin)."
    )


def render_priorities(p: Priorities, console: Console) -> None:
    data, f = priorities_data(p), p.frame
    console.print(_title(f, "Training priorities: "))
    console.print(
        "Score = importance x people short x mean gap x urgency; urgency halves every "
        f"{p.half_life_days:g} days until the need arises."
    )
    if _not_shown(f, console):
        return
    _render(
        console,
        f"Top {len(p.rows)} of {p.needs} needs",
        [
            ("#", _get("rank")),
            NAME,
            ("When", lambda row: row["horizon"] or "now"),
            ("Short / need", lambda row: f"{row['people_short']} / {row['people_required']}"),
            ("Mean gap", _get("gap_size", "{:.2f}")),
            ("Importance", _get("importance", "{:.2f}")),
            ("Urgency", _get("urgency", "{:.2f}")),
            ("Score", _get("score", "{:.1f}")),
        ],
        data["priorities"],
        labels=3,
        empty="no gaps",
    )
    if data["hidden"]:
        console.print(_hidden_note(len(data["hidden"]), "more need", f.privacy))


def render_bench(b: BenchStrength, console: Console) -> None:
    console.print(_title(b.frame, "Bench strength: "))
    console.print("People holding each level on verified evidence, anywhere in the organisation.")
    if _not_shown(b.frame, console):
        return
    _render(
        console,
        "Thinnest bench first",
        [
            NAME,
            CAPABILITY,
            ("Level", _get("level", "{:g}+")),
            ("People holding it", _get("people")),
            ("Needed by", _get("required_by")),
        ],
        bench_data(b)["bench"],
        labels=2,
    )


__all__ = ["render_bench", "render_priorities", "render_scope"]
