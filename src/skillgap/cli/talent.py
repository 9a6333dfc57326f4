"""Talent decisions: ``skillgap candidates``, ``skillgap hiring-needs``, ``skillgap policy``
(import, show, check) and ``skillgap audit``. Each run about individuals is audited."""

from __future__ import annotations

import json
from pathlib import Path

import click

from skillgap.cli.quality import by_option, json_option, who
from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.formats.policy import policy_yaml
from skillgap.reports import talent as report
from skillgap.services import talent as service


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE", param_hint="--where")
        found[key.strip()] = text.strip()
    return found


@cli.command()
@click.option("--role", required=True, help="The role (or opening) to fill.")
@click.option("--department", help="Only people of this department.")
@click.option("--team", help="Only people of this team.")
@click.option(
    "--where", multiple=True, metavar="KEY=VALUE", help="HR attribute filter (repeatable)."
)
@click.option("--include-holders", is_flag=True, help="Also list people who hold the role.")
@click.option("--limit", type=click.IntRange(1, 500), default=10, show_default=True)
@click.option("--no-plans", is_flag=True, help="Skip each candidate's plan (faster).")
@by_option
@json_option
@pass_state
@user_errors
def candidates(
    state: CliState, role: str, department: str | None, team: str | None,
    where: tuple[str, ...], include_holders: bool, limit: int, no_plans: bool,
    by: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Internal candidates for a role: people ranked by verified readiness, with what each
    still lacks and the cheapest plan that would close it. Audited.

    \b
    Example:
        skillgap candidates --role data-analyst --department Operations --where location=Leeds
    """
    with state.store() as store:
        result = service.candidates(
            store, state.env.clock, role, department=department, team=team,
            attributes=_pairs(where) or None, exclude_holders=not include_holders,
            limit=limit, with_plans=not no_plans, actor=who(state, by),
        )  # fmt: skip
    if as_json:
        click.echo(json.dumps(report.candidates_data(result), indent=2))
    else:
        report.render_candidates(result, console())


@cli.command("hiring-needs")
@click.option("--role", help="Only this role's holders.")
@click.option("--postings", is_flag=True, help="Print each need as a job posting's skills section.")
@by_option
@json_option
@pass_state
@user_errors
def hiring_needs(
    state: CliState, role: str | None, postings: bool, by: str | None, as_json: bool
) -> None:
    """Build or buy: the gaps no catalog plan closes before the role needs them, as hiring
    needs per role, with the skills section of a job posting. Audited.

    \b
    Example:
        skillgap hiring-needs --postings
    """
    with state.store() as store:
        result = service.hiring_needs_report(
            store, state.env.clock, role_id=role, actor=who(state, by)
        )
    if as_json:
        click.echo(json.dumps(report.hiring_data(result), indent=2))
    else:
        report.render_hiring(result, console(), postings)


@cli.group()
def policy() -> None:
    """Pay and recognition rules linked to verified, job-relevant credentials.

    \b
    Example:
        skillgap policy import policy.yaml
        skillgap policy check
    """


@policy.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--keep", is_flag=True, help="Keep stored rules the file does not hold.")
@pass_state
@user_errors
def policy_import(state: CliState, file: Path, keep: bool) -> None:
    """Store the rules of a YAML file (replacing the stored rules unless --keep).

    \b
    Example:
        skillgap policy import policy.yaml
    """
    with state.store() as store:
        rules = service.import_policy(store, file, replace=not keep)
    click.echo(f"Stored {len(rules)} policy rules: {', '.join(r.id for r in rules)}.")


@policy.command("show")
@pass_state
@user_errors
def policy_show(state: CliState) -> None:
    """Print the stored rules as YAML.

    \b
    Example:
        skillgap policy show > policy.yaml
    """
    with state.store() as store:
        click.echo(policy_yaml(service.list_policy(store)), nl=False)


@policy.command("check")
@click.option("--rule", help="Only this rule.")
@click.option("-v", "--verbose", is_flag=True, help="Every qualifying credential and near miss.")
@by_option
@json_option
@pass_state
@user_errors
def policy_check(
    state: CliState, rule: str | None, verbose: bool, by: str | None, as_json: bool
) -> None:
    """Who qualifies under each rule and why, from counted credentials only. skillgap
    lists; people decide. The run, its rules and its results go to the audit log.

    \b
    Example:
        skillgap policy check --rule critical-credential-premium -v
    """
    with state.store() as store:
        result = service.check_policy(store, state.env.clock, rule_id=rule, actor=who(state, by))
    if as_json:
        click.echo(json.dumps(report.check_data(result), indent=2))
    else:
        report.render_check(result, console(), verbose)


@cli.command()
@click.option("--action", help='Only this action ("policy check", "candidates", "plan" ...).')
@click.option("--days", type=click.IntRange(1, 36_525), help="Only the last N days.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@json_option
@pass_state
@user_errors
def audit(state: CliState, action: str | None, days: int | None, limit: int, as_json: bool) -> None:
    """The audit log: every output about individuals, who ran it, when, with which rules.

    \b
    Example:
        skillgap audit --action "policy check" --json
    """
    with state.store() as store:
        entries = service.audit_log(
            store, action=action, days=days, limit=limit, clock=state.env.clock
        )
    if as_json:
        click.echo(json.dumps(report.audit_data(entries), indent=2))
    else:
        report.render_audit(entries, console())
