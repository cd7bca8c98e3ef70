"""The `credit` command: Flask's CLI group with the project's commands (`flask --app credit` works too)."""
from __future__ import annotations

import click
from flask import has_app_context
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from flask_babel import lazy_gettext as _l

from credit import create_app
from credit.context import db
from credit.errors import DomainError
from credit.i18n import bilingual, fail
from credit.notices.layout import FontProblem


def _create_app():
    try:
        return create_app()
    except FontProblem as problem:  # a font setting refused at start: its message, not a traceback
        raise click.ClickException(str(problem)) from None


class CreditGroup(FlaskGroup):
    """Flask's group, where a DomainError from any command is a message and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DomainError as error:
            # Nothing the command began is written: its session closed with its app context, or is
            # rolled back here when the command ran inside an outer one (as in the tests).
            if has_app_context():
                db().rollback()
            with ctx.ensure_object(ScriptInfo).load_app().app_context():
                fail(error)


@click.group(cls=CreditGroup, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """淮南知识产权信用监管系统 / Huainan IP credit supervision."""


@main.group("db")
def db_group() -> None:
    """数据库迁移 / database migrations."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Bring the database to the latest schema (empty or previous release)."""
    from flask import current_app

    from credit import migrate

    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(bilingual(_l("database upgraded to %(revision)s", revision=revision)))


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def db_revision(message: str) -> None:
    """Autogenerate a new Alembic revision from the models."""
    from flask import current_app

    from credit import migrate

    migrate.new_revision(current_app.config["DATABASE_URL"], message)


def _register() -> None:
    """Each concept package keeps its own commands; this is the one list of them."""
    from credit.accounts.cli import serve, users_group
    from credit.audit.cli import audit_group
    from credit.cases.cli import cases_group
    from credit.catalog.cli import rules_group
    from credit.demo import demo_command
    from credit.exchange.cli import assess_command, export_group, import_group
    from credit.scheduler.cli import jobs_group, scheduler_command

    for command in (rules_group, audit_group, users_group, serve, import_group, export_group, assess_command,
                    demo_command, scheduler_command, jobs_group, cases_group):
        main.add_command(command)


_register()
