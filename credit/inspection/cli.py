"""`credit inspection plan --period 2026Q4 --seed N --format json|table`: the draw of a random
inspection plan, printed with its seed and the fingerprint of its data; the same data and seed give
the same plan. `--save` stores it as a draft for a publisher to approve and publish."""
from __future__ import annotations

import datetime as dt
import json
import secrets

import click
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from credit.audit.actor import Actor
from credit.context import current, db
from credit.exchange.cli import _cell, _date
from credit.i18n import bilingual, chinese
from credit.inspection.items import load_items
from credit.inspection.services import MAX_SEED, draft_plan, preview
from credit.subjects.models import DISTRICTS

CLI_ACTOR = Actor(None, "cli")
_TABLE = ((_l("USCC"), 20), (_l("Name"), 30), (_l("District"), 8), (_l("Tier"), 8), (_l("Grade"), 5),
          (_l("Inspectors"), 30))


@click.group("inspection")
def inspection_group() -> None:
    """双随机抽查计划 / random inspection plans."""


@inspection_group.command("plan")
@click.option("--period", required=True, help="年度或季度，如 2026 或 2026Q4 / a year or a quarter")
@click.option("--seed", type=click.IntRange(0, MAX_SEED), help="随机种子（默认随机生成并打印） / seed (default: a new one, printed)")
@click.option("--as-of", callback=_date, help="读取数据的日期（默认今天） / the day the grades are read (default today)")
@click.option("--format", "fmt", type=click.Choice(("json", "table")), default="table", show_default=True)
@click.option("--save", is_flag=True, help="保存为待审批的计划草稿 / store it as a draft plan")
@with_appcontext
def plan_command(period: str, seed: int | None, as_of: dt.date | None, fmt: str, save: bool) -> None:
    """抽取某期间的抽查计划 / draw the random inspection plan of a period."""
    context, session = current(), db()
    seed = secrets.randbelow(MAX_SEED) if seed is None else seed
    as_of = as_of or context.clock.today()
    items = load_items(context.rules_dir)
    result = preview(session, context.catalog, items, period, seed, as_of)
    plan_id = None
    if save:
        plan_id = draft_plan(session, context.catalog, items, period, seed, as_of, CLI_ACTOR, context.clock.now()).id
        session.commit()
    if fmt == "json":
        click.echo(json.dumps({**result.as_json(), "saved_plan_id": plan_id}, ensure_ascii=False, indent=2))
        return
    click.echo(bilingual(_l("Plan %(period)s, seed %(seed)s, data as of %(as_of)s, catalog %(version)s",
                            period=str(result.period), seed=result.seed, as_of=result.as_of.isoformat(),
                            version=result.catalog_version)))
    click.echo(bilingual(_l("Fingerprint of the data (SHA-256)")) + f": {result.fingerprint}")
    for tier in result.tiers:
        click.echo(f"  {tier.label} ({tier.tier}): {tier.drawn}/{tier.subjects} ({tier.share:.0%}/yr)")
    click.echo("  ".join(_cell(chinese(title), width) for title, width in _TABLE))
    for check in result.checks:
        s = check.subject
        values = (s.uscc, s.name, chinese(DISTRICTS.get(s.district, s.district)), s.tier, s.grade, ", ".join(result.inspector_names[i] for i in check.inspector_ids))
        click.echo("  ".join(_cell(value, width) for value, (_title, width) in zip(values, _TABLE)))
    if plan_id is not None:
        click.echo(bilingual(_l("Saved as draft plan %(id)s.", id=plan_id)))
