"""`credit users create|disable|list|unlock|set-password` and `credit serve`."""
from __future__ import annotations

import errno
import json

import click
from flask.cli import ScriptInfo, pass_script_info, with_appcontext
from flask_babel import lazy_gettext as _l

from credit.users.services import all_users
from credit.accounts.authz import ROLE_LABELS
from credit.accounts.models import ROLES
from credit.accounts.services import create_user, disable_user, set_password, unlock_user
from credit.audit.actor import Actor
from credit.context import current, db
from credit.errors import NotFound
from credit.i18n import bilingual, fail
from credit.subjects.services import find_by_uscc, validate_uscc

CLI_ACTOR = Actor(None, "cli")


@click.group("users")
def users_group() -> None:
    """用户管理 / user accounts."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--subject-uscc", help="企业用户绑定的主体 / the subject a firm user is bound to")
@click.option("--display-name", default="")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create(username: str, role: str, subject_uscc: str | None, display_name: str, password: str) -> None:
    session = db()
    subject_id = _subject_id(session, subject_uscc) if subject_uscc else None
    user = create_user(session, username, password, role, CLI_ACTOR, current().clock.now(),
                       subject_id=subject_id, display_name=display_name)
    session.commit()
    click.echo(bilingual(_l("created user %(username)s (%(role)s)", username=user.username, role=ROLE_LABELS[role])))


def _subject_id(session, uscc: str) -> int:
    subject = find_by_uscc(session, validate_uscc(uscc))
    if subject is None:
        raise NotFound(f"没有统一社会信用代码为 {uscc} 的主体", f"no subject with USCC {uscc}", "subject")
    return subject.id


@users_group.command("disable")
@click.argument("username")
@with_appcontext
def disable(username: str) -> None:
    """Disable a user; their open sessions end at once."""
    session = db()
    disable_user(session, username, CLI_ACTOR, current().clock.now())
    session.commit()
    click.echo(bilingual(_l("disabled user %(username)s", username=username)))


@users_group.command("unlock")
@click.argument("username")
@with_appcontext
def unlock(username: str) -> None:
    """Lift a lock-out after repeated wrong passwords."""
    session = db()
    lifted = unlock_user(session, username, CLI_ACTOR, current().clock.now())
    session.commit()
    click.echo(bilingual(_l("unlocked %(username)s", username=username) if lifted
                         else _l("%(username)s was not locked", username=username)))


@users_group.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def set_password_command(username: str, password: str) -> None:
    """Give a user a new password; their open sessions end."""
    session = db()
    set_password(session, username, password, CLI_ACTOR, current().clock.now())
    session.commit()
    click.echo(bilingual(_l("new password set for %(username)s; their sessions ended", username=username)))


@users_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--search", default="", help="用户名或姓名包含 / part of the username or name")
@with_appcontext
def list_users(fmt: str, search: str) -> None:
    now = current().clock.now()
    data = [r.as_dict() for r in all_users(db(), now, search)]
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'username':<24}{'role':<12}{'active':<8}{'locked':<8}{'subject':<20}display name")
    for d in data:
        click.echo(f"{d['username']:<24}{d['role']:<12}{'yes' if d['active'] else 'no':<8}"
                   f"{'yes' if d['locked'] else 'no':<8}{d['subject_uscc'] or '-':<20}{d['display_name']}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@pass_script_info
def serve(info: ScriptInfo, host: str, port: int, threads: int) -> None:
    """运行网站 / run the web application with waitress.

    Waitress is a production WSGI server; put a reverse proxy for TLS in front (deploy/).
    """
    import logging

    from waitress.server import create_server

    from credit.clock import fixed_clock_warning
    from credit.notices.services import public_base_url_warning

    app = info.load_app()
    with app.app_context():
        for warning in (public_base_url_warning(app.config), fixed_clock_warning(app.config.get("CLOCK_AT"))):
            if warning:
                click.echo(warning, err=True)
        try:
            server = create_server(app, host=host, port=port, threads=threads)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            fail(_l("port %(port)d is in use: choose another with --port %(other)d (make run PORT=%(other)d)",
                    port=port, other=port + 1))
        # Said once the socket listens, so whoever waits for this line can connect at once.
        click.echo(bilingual(_l("IP Credit Supervision: http://%(host)s:%(port)s/ (Ctrl+C to quit)", host=host,
                                port=port)))
    logging.basicConfig()  # waitress's own warnings (e.g. a full task queue) reach stderr
    # No app context around the server: each request pushes its own.
    server.run()
