"""`credit tokens create|list|revoke`: API tokens for department integrations from the command line."""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from credit.accounts.authz import API_SCOPES
from credit.api import services
from credit.audit.actor import Actor
from credit.clock import to_local
from credit.context import current, db
from credit.i18n import bilingual

CLI_ACTOR = Actor(None, "cli")


@click.group("tokens")
def tokens_group() -> None:
    """部门对接的 API 令牌 / tokens of the API for department integrations."""


@tokens_group.command("create")
@click.option("--department", required=True, help="使用令牌的部门 / the department that uses it")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(API_SCOPES),
              help="权限范围，可重复 / a scope (repeat for several)")
@click.option("--days", type=int, default=services.DEFAULT_DAYS, show_default=True, help="有效天数 / valid for days")
@with_appcontext
def create(department: str, scopes: tuple[str, ...], days: int) -> None:
    """新建令牌（只显示这一次） / create a token (shown this once only)."""
    issued = services.create_token(db(), department, scopes, days, CLI_ACTOR, current().clock.now())
    db().commit()
    token = issued.token
    click.echo(bilingual(_l("token %(id)d for %(department)s, valid until %(expires)s; it is shown only this once:",
                            id=token.id, department=token.department,
                            expires=to_local(token.expires_at).strftime("%Y-%m-%d %H:%M"))), err=True)
    click.echo(issued.secret)


@tokens_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@with_appcontext
def list_tokens(fmt: str) -> None:
    """列出令牌（不含令牌本身） / list the tokens (never the secrets)."""
    now = current().clock.now()
    rows = [{"id": t.id, "department": t.department, "scopes": t.scope_list, "prefix": t.prefix,
             "status": services.token_status(t, now), "created_at": _local(t.created_at), "created_by": t.created_by,
             "expires_at": _local(t.expires_at), "last_used_at": _local(t.last_used_at),
             "revoked_at": _local(t.revoked_at)} for t in services.tokens(db())]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['id']:<5}{r['status']:<9}{r['expires_at'][:10]:<12}{r['prefix']:<14}{' '.join(r['scopes']):<40}"
                   f"{r['department']}")


def _local(value) -> str | None:
    return to_local(value).isoformat(timespec="minutes") if value else None


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke(token_id: int) -> None:
    """吊销令牌，立即生效 / revoke a token at once."""
    token = services.revoke_token(db(), token_id, CLI_ACTOR, current().clock.now())
    db().commit()
    click.echo(bilingual(_l("token %(id)d of %(department)s revoked", id=token.id, department=token.department)))
