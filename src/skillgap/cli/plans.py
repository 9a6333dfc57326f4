"""``skillgap plan`` (a person's plan, or a team's, department's or the organisation's
allocation of a budget) and ``skillgap plans`` (list, show: plan vs done)."""

from __future__ import annotations

import json
from datetime import datetime

import click

from skillgap.cli.quality import json_option, who
from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.domain.plans import Objective, PlanScope
from skillgap.reports import plans as report
from skillgap.services import plans as service
from skillgap.services import talent

DATE = click.DateTime(["%Y-%m-%d"])


@cli.command()
@click.option("--person", metavar="EMPLOYEE_ID", help="Plan for one person.")
@click.option("--team", help="Allocate --budget across a team.")
@click.option("--department", help="Allocate --budget across a department.")
@click.option("--org", "organisation", is_flag=True, help="Allocate --budget across everyone.")
@click.option("--target-role", metavar="ROLE", help="A person: plan for this role instead.")
@click.option(
    "--budget", type=click.FloatRange(min=0), help="Money available (required for groups)."
)
@click.option("--by", "deadline", type=DATE, metavar="YYYY-MM-DD", help="Finish by this date.")
@click.option(
    "--optimise",
    type=click.Choice(["cost", "time"]),
    default="cost",
    show_default=True,
    help="A person: the cheapest plan, or the one taking the fewest hours.",
)
@click.option("--now-only", is_flag=True, help="Only today's needs, not the future horizons.")
@click.option(
    "--hours-per-week", type=click.FloatRange(min=0.5, max=60), default=4.0, show_default=True,
    help="Learning time per person and week, for due dates and --by.",
)  # fmt: skip
@click.option(
    "--time-limit", type=click.FloatRange(min=0, max=600), default=None,
    help="Seconds for the exact solver before the greedy fallback [default: 2; groups 10].",
)  # fmt: skip
@click.option("--no-save", is_flag=True, help="Show the plan without saving it.")
@json_option
@pass_state
@user_errors
def plan(
    state: CliState,
    person: str | None,
    team: str | None,
    department: str | None,
    organisation: bool,
    target_role: str | None,
    budget: float | None,
    deadline: datetime | None,
    optimise: str,
    now_only: bool,
    hours_per_week: float,
    time_limit: float | None,
    no_save: bool,
    as_json: bool,
) -> None:
    """Turn gaps into the smallest next steps: the catalog items that close them.

    For a person: the cheapest (or fastest) set of items closing their verified gaps for
    their role (or --target-role, for promotion readiness), now and at its future horizons,
    within --budget and --by, prerequisites first. For a team, department or --org: the
    allocation of --budget that closes the most importance-weighted gap, with the reasoning.
    Solved exactly (integer programming), with a greedy fallback reported as such. Saved
    plans are tracked with `skillgap plans show`.

    \b
    Example:
        skillgap plan --person E1003 --budget 3000 --by 2027-12-31
        skillgap plan --department Security --budget 20000
    """
    chosen = [x for x in (person, team, department, organisation or None) if x]
    if len(chosen) != 1:
        raise click.UsageError("name exactly one of --person, --team, --department, --org")
    actor = who(state, None)
    when = deadline.date() if deadline else None
    with state.store() as store:
        if person is not None:
            result = service.plan_for_person(
                store, state.env.clock, person, target_role=target_role, budget=budget,
                deadline=when, objective=Objective(optimise), future=not now_only,
                hours_per_week=hours_per_week, time_limit=2.0 if time_limit is None else time_limit,
                actor=actor, save=not no_save,
            )  # fmt: skip
            if as_json:
                click.echo(
                    json.dumps(
                        {**report.plan_data(result.plan), "readiness": result.readiness}, indent=2
                    )
                )
            else:
                report.render_person_plan(result, console())
            return
        if target_role is not None:
            raise click.UsageError("--target-role is for a person's plan")
        if budget is None:
            raise click.UsageError("a team, department or organisation plan needs --budget")
        scope, subject = (
            (PlanScope.TEAM, team) if team else
            (PlanScope.DEPARTMENT, department) if department else
            (PlanScope.ORGANISATION, "")
        )  # fmt: skip
        group = service.plan_for_group(
            store, state.env.clock, scope, subject or "", budget=budget, deadline=when,
            future=not now_only, hours_per_week=hours_per_week,
            time_limit=10.0 if time_limit is None else time_limit, actor=actor,
            save=not no_save,
        )  # fmt: skip
    if as_json:
        data = report.plan_data(group.plan)
        data["priorities"] = [report.priority_data(p) for p in group.priorities]
        data["reasoning"] = [
            {
                "person": r.person_id, "item": r.item_id, "closes": [str(c) for c in r.closes],
                "weighted_gap": r.weighted_gap, "cost": r.cost, "reason": r.reason,
            }
            for r in group.result.reasoning
        ]  # fmt: skip
        click.echo(json.dumps(data, indent=2))
    else:
        report.render_group_plan(group, console())


@cli.group()
def plans() -> None:
    """Saved learning plans, tracked against the credentials people earn.

    \b
    Example:
        skillgap plans list --person E1003
        skillgap plans show P0001
    """


@plans.command("list")
@click.option("--person", metavar="EMPLOYEE_ID", help="Only this person's plans.")
@json_option
@pass_state
@user_errors
def plans_list(state: CliState, person: str | None, as_json: bool) -> None:
    """List the saved plans.

    \b
    Example:
        skillgap plans list
    """
    with state.store() as store:
        found = talent.list_plans(store, person_id=person)
    if as_json:
        click.echo(json.dumps([report.plan_data(p) for p in found], indent=2))
    else:
        report.render_plan_list(found, console())


@plans.command("show")
@click.argument("plan_id")
@json_option
@pass_state
@user_errors
def plans_show(state: CliState, plan_id: str, as_json: bool) -> None:
    """A saved plan against what was done: each item done (its credential earned), planned
    or overdue, and when each gap closes (actual or projected).

    \b
    Example:
        skillgap plans show P0001 --json
    """
    with state.store() as store:
        status = talent.plan_status(store, state.env.clock, plan_id)
    if as_json:
        click.echo(json.dumps(report.status_data(status), indent=2))
    else:
        report.render_status(status, console())
