"""The `credit` command: Flask's CLI group with the project's commands (`flask --app credit` works too)."""
from __future__ import annotations

import copy

import click
from flask import has_app_context
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from flask_babel import lazy_gettext as _l

from credit import create_app
from credit.context import current, db
from credit.errors import DomainError
from credit.i18n import bilingual, fail
from credit.clock import ClockSettingProblem
from credit.notices.layout import FontProblem


def _create_app():
    try:
        return create_app()
    except (FontProblem, ClockSettingProblem) as problem:  # a setting refused at start: its message, not a traceback
        raise click.ClickException(str(problem)) from None


# Flask's generic options: the app is always this one, configured from the environment (config.py),
# so `credit --help` does not offer them (they still work, unlisted).
FLASK_OPTIONS = ("env_file", "app", "debug", "version")


def _hidden(param: click.Parameter) -> click.Parameter:
    # A copy: Flask's option objects are shared with the `flask` command itself.
    param = copy.copy(param)
    param.hidden = True
    return param


class CreditGroup(FlaskGroup):
    """Flask's group, where a DomainError from any command is a message and exit status 1."""

    def __init__(self, **extra):
        super().__init__(**extra)
        self.params = [_hidden(p) if p.name in FLASK_OPTIONS else p for p in self.params]
        # Installed extensions' `flask.commands` plugins (Flask-Limiter's `limiter`) are not this
        # system's commands: only the project's own stand in `credit --help`.
        self._loaded_plugin_commands = True

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
    # Stored files follow the schema: the first release kept evidence and notices in folders of their own.
    if moved := current().files.adopt_legacy_layout():
        click.echo(bilingual(_l("%(count)d stored files moved to the file store's layout", count=moved)))


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
    from credit.api.cli import tokens_group
    from credit.audit.cli import audit_group
    from credit.cases.cli import cases_group
    from credit.catalog.cli import rules_group
    from credit.demo import demo_command
    from credit.exchange.cli import assess_command, export_group, import_group
    from credit.inspection.cli import inspection_group
    from credit.listing.cli import import_list_entries_command, list_group
    from credit.scheduler.cli import jobs_group, scheduler_command

    import_group.add_command(import_list_entries_command)
    for command in (rules_group, audit_group, users_group, serve, import_group, export_group, assess_command,
                    demo_command, scheduler_command, jobs_group, inspection_group, list_group, cases_group, tokens_group):
        main.add_command(command)


_register()
