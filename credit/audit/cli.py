"""`credit audit verify`: walk the hash chain and name the first broken link."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from credit.audit.services import verify_chain
from credit.context import db


@click.group("audit")
def audit_group() -> None:
    """审计日志 / audit log."""


@audit_group.command("verify")
@with_appcontext
def verify() -> None:
    report = verify_chain(db())
    if report.ok:
        click.echo(f"审计链完整，共 {report.checked} 条事件 / audit chain intact: {report.checked} events")
        return
    click.echo(
        f"审计链在事件 #{report.broken_at} 处断裂（此前 {report.checked} 条完好）：{report.reason} / "
        f"audit chain broken at event #{report.broken_at} after {report.checked} good events: {report.reason}",
        err=True,
    )
    raise SystemExit(1)
