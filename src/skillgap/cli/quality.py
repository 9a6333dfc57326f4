"""Credential quality: `skillgap rubric ...`, `issuers ...`, `achievements ...` and
`alignments ...`. Every change is recorded in the workspace's change log with who made it:
``--by NAME``, else the operating-system user."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.domain import AssessmentType, IssuerTier
from skillgap.reports import quality as report
from skillgap.services import achievement_quality
from skillgap.services import quality as service

F = TypeVar("F", bound=Callable[..., Any])
TIERS = click.Choice([t.value for t in IssuerTier])
ASSESSMENTS = click.Choice([a.value for a in AssessmentType])


def by_option(command: F) -> F:
    return click.option(
        "--by",
        metavar="NAME",
        help="Who makes the change, for the change log [default: the operating-system user].",
    )(command)


def json_option(command: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print as JSON.")(command)


def who(state: CliState, by: str | None) -> str:
    """``--by``, else the operating-system user (from the environment, then the account)."""
    if by and by.strip():
        return by.strip()
    for name in ("USER", "LOGNAME", "USERNAME"):
        found = state.env.environ.get(name, "").strip()
        if found:
            return found
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


# --- the rubric ------------------------------------------------------------------------------


@cli.group()
def rubric() -> None:
    """The credential quality rubric: weights, scores, threshold, decay; and its history.

    \b
    Example:
        skillgap rubric export --out rubric.yaml   # edit it, then:
        skillgap rubric set rubric.yaml --by "Skills board"
    """


@rubric.command(name="show")
@json_option
@pass_state
@user_errors
def rubric_show(state: CliState, as_json: bool) -> None:
    """Show the rubric in use (the documented defaults until one is set).

    \b
    Example:
        skillgap rubric show
        skillgap rubric show --json
    """
    with state.store() as store:
        view = service.show_rubric(store)
    if as_json:
        echo_json(report.rubric_view_data(view))
    else:
        report.render_rubric(view, console())


@rubric.command(name="set")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@by_option
@pass_state
@user_errors
def rubric_set(state: CliState, file: Path, by: str | None) -> None:
    """Use the rubric in a YAML file (settings it leaves out take their defaults).

    The file is checked first: unknown keys, values out of range, weights not adding up to 1
    or a weaker assessment scoring above a stronger one are all reported, with their line,
    and nothing changes. Each setting changed is recorded in the history.

    \b
    Example:
        skillgap rubric set rubric.yaml --by "Skills board"
    """
    with state.store() as store:
        update = service.set_rubric(store, state.env.clock, file, who(state, by))
    report.render_rubric_update(update, console())


@rubric.command(name="export")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file [default: standard output].",
)
@click.option(
    "--defaults", is_flag=True, help="The documented defaults, not the workspace's rubric."
)
@pass_state
@user_errors
def rubric_export(state: CliState, out: Path | None, defaults: bool) -> None:
    """Write the rubric as commented YAML, each setting with its default.

    \b
    Example:
        skillgap rubric export --out rubric.yaml
        skillgap rubric export --defaults
    """
    if defaults:
        text = service.export_rubric(None)
    else:
        with state.store() as store:
            text = service.export_rubric(store)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}.")


@rubric.command(name="history")
@json_option
@pass_state
@user_errors
def rubric_history(state: CliState, as_json: bool) -> None:
    """Every change to the rubric and every reviewer decision: when, who, old -> new.

    \b
    Example:
        skillgap rubric history
        skillgap rubric history --json
    """
    with state.store() as store:
        entries = service.history(store)
    if as_json:
        echo_json(report.history_data(entries))
    else:
        report.render_history(entries, console())


# --- issuers ---------------------------------------------------------------------------------


@cli.group()
def issuers() -> None:
    """The trusted-issuer registry: each issuer's tier (unknown issuers are not trusted).

    \b
    Example:
        skillgap issuers list --tier unknown
        skillgap issuers set-tier https://badges.example.org/issuer known
    """


@issuers.command(name="list")
@click.option("--tier", type=TIERS, help="Only issuers of this tier.")
@json_option
@pass_state
@user_errors
def issuers_list(state: CliState, tier: str | None, as_json: bool) -> None:
    """List the issuers with their tier, its score, and their achievements and awards.

    \b
    Example:
        skillgap issuers list
        skillgap issuers list --tier unknown --json
    """
    with state.store() as store:
        rows = service.list_issuers(store, IssuerTier(tier) if tier else None)
    if as_json:
        echo_json(report.issuers_data(rows))
    else:
        report.render_issuers(rows, console())


@issuers.command(name="set-tier")
@click.argument("issuer_id", metavar="ISSUER")
@click.argument("tier", type=TIERS)
@by_option
@pass_state
@user_errors
def issuers_set_tier(state: CliState, issuer_id: str, tier: str, by: str | None) -> None:
    """Give an issuer a tier in the registry (recorded in the history).

    \b
    Example:
        skillgap issuers set-tier https://credentials.corvidlabs.example/issuer industry-vendor
        skillgap issuers set-tier https://skillbadge-express.example/issuer unknown --by "Ana"
    """
    with state.store() as store:
        decision = service.set_issuer_tier(
            store, state.env.clock, issuer_id, IssuerTier(tier), who(state, by)
        )
    report.render_decision(decision, console())


# --- achievements ----------------------------------------------------------------------------


@cli.group()
def achievements() -> None:
    """Achievements (credential definitions) with their quality weight and checks.

    \b
    Example:
        skillgap achievements list
        skillgap achievements set-assessment https://badges.example.org/badges/5 proctored-exam
    """


@achievements.command(name="list")
@json_option
@pass_state
@user_errors
def achievements_list(state: CliState, as_json: bool) -> None:
    """List the achievements with their quality weight (and, in JSON, every check).

    \b
    Example:
        skillgap achievements list
        skillgap achievements list --json
    """
    with state.store() as store:
        rows = achievement_quality.list_achievements(store)
    if as_json:
        echo_json(report.achievements_data(rows))
    else:
        report.render_achievements(rows, console())


@achievements.command(name="show")
@click.argument("achievement_id", metavar="ID")
@pass_state
@user_errors
def achievements_show(state: CliState, achievement_id: str) -> None:
    """Show one achievement: its four checks, its numbered alignments, the decisions on it.

    \b
    Example:
        skillgap achievements show https://skills.tidewell.example/achievements/change-champion
    """
    with state.store() as store:
        detail = achievement_quality.show_achievement(store, achievement_id)
    report.render_achievement(detail, console())


@achievements.command(name="set-assessment")
@click.argument("achievement_id", metavar="ID")
@click.argument("kind", metavar="TYPE", type=ASSESSMENTS)
@by_option
@pass_state
@user_errors
def achievements_set_assessment(
    state: CliState, achievement_id: str, kind: str, by: str | None
) -> None:
    """Set how an achievement is assessed, overriding what was read from the credential.

    TYPE is one of: performance, portfolio, practical-exam, proctored-exam,
    unproctored-test, quiz, attendance, unknown.

    \b
    Example:
        skillgap achievements set-assessment https://badges.example.org/badges/5 proctored-exam
    """
    with state.store() as store:
        decision = achievement_quality.set_assessment(
            store, state.env.clock, achievement_id, AssessmentType(kind), who(state, by)
        )
    report.render_decision(decision, console())


# --- alignments ------------------------------------------------------------------------------


@cli.group()
def alignments() -> None:
    """Review suggested alignments: a suggestion counts only once a reviewer confirms it.

    \b
    Example:
        skillgap alignments review
        skillgap alignments confirm https://badges.example.org/badges/5 2 --level 3
    """


@alignments.command(name="review")
@json_option
@pass_state
@user_errors
def alignments_review(state: CliState, as_json: bool) -> None:
    """The queue of suggested alignments: target, suggested competency, similarity score.

    \b
    Example:
        skillgap alignments review
        skillgap alignments review --json
    """
    with state.store() as store:
        items = achievement_quality.review_queue(store)
    if as_json:
        echo_json(report.review_data(items))
    else:
        report.render_review(items, console())


@alignments.command(name="confirm")
@click.argument("achievement_id", metavar="ACHIEVEMENT")
@click.argument("position", type=click.IntRange(min=1))
@click.option("--level", type=int, help="The level it evidences, on the framework's scale.")
@by_option
@pass_state
@user_errors
def alignments_confirm(
    state: CliState, achievement_id: str, position: int, level: int | None, by: str | None
) -> None:
    """Confirm the achievement's alignment at POSITION (1 = first, as `review` shows).

    \b
    Example:
        skillgap alignments confirm https://badges.example.org/badges/5 2 --level 3
    """
    with state.store() as store:
        decision = achievement_quality.confirm_alignment(
            store, state.env.clock, achievement_id, position, who(state, by), level=level
        )
    report.render_decision(decision, console())


@alignments.command(name="reject")
@click.argument("achievement_id", metavar="ACHIEVEMENT")
@click.argument("position", type=click.IntRange(min=1))
@by_option
@pass_state
@user_errors
def alignments_reject(state: CliState, achievement_id: str, position: int, by: str | None) -> None:
    """Reject the alignment at POSITION: it is kept as unmapped and never counts.

    \b
    Example:
        skillgap alignments reject https://badges.example.org/badges/5 2
    """
    with state.store() as store:
        decision = achievement_quality.reject_alignment(
            store, state.env.clock, achievement_id, position, who(state, by)
        )
    report.render_decision(decision, console())
