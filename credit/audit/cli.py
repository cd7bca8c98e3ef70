"""`credit audit verify [--anchor HASH@ID]` and `credit audit head`."""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from credit.audit.services import Anchor, chain_head, verify_chain
from credit.context import db
from credit.errors import DomainError


@click.group("audit")
def audit_group() -> None:
    """审计日志 / audit log."""


def _anchor(_ctx, _param, value: str | None) -> Anchor | None:
    try:
        return Anchor.parse(value) if value else None
    except DomainError as err:
        raise click.BadParameter(str(err)) from None


@audit_group.command("verify")
@click.option("--anchor", callback=_anchor, metavar="HASH@ID",
              help="外部保存的链头（`credit audit head` 的输出） / a chain head kept outside the system")
@with_appcontext
def verify(anchor: Anchor | None) -> None:
    """Walk the hash chain and name every broken link."""
    report = verify_chain(db(), anchor=anchor)
    if report.ok:
        pinned = f"，与锚点 #{anchor.id} 一致 / matching the anchor #{anchor.id}" if anchor else ""
        click.echo(f"审计链完整，共 {report.checked} 条事件{pinned} / audit chain intact: {report.checked} events")
        return
    for broken in report.breaks:
        click.echo(f"事件 #{broken.event_id} 断裂 / event #{broken.event_id} broken: {broken.reason}", err=True)
    click.echo(f"审计链有 {len(report.breaks)} 处断裂（共 {report.checked} 条事件） / "
               f"audit chain broken in {len(report.breaks)} places ({report.checked} events)", err=True)
    raise SystemExit(1)


@audit_group.command("head")
@with_appcontext
def head() -> None:
    """Print the chain's last event (id, hash, at) as JSON, for an outside party to keep."""
    last = chain_head(db())
    if last is None:
        raise click.ClickException("审计链为空 / the audit chain is empty")
    click.echo(json.dumps(last.as_dict()))
