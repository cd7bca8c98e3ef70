"""The `credit` command group: a DomainError from any command is a clear message and exit status 1."""
from __future__ import annotations

import re

import click
from click.testing import CliRunner
from flask.cli import with_appcontext
from sqlmodel import select

from credit.audit.actor import Actor
from credit.cli import main
from credit.context import current, db
from credit.errors import InvalidInput
from credit.subjects.models import Subject
from credit.subjects.services import SubjectInput, create_subject, synthetic_uscc


@click.command("half-way")
@with_appcontext
def half_way() -> None:
    """Registers a subject (flushed, not committed), then refuses."""
    create_subject(db(), SubjectInput(synthetic_uscc(1), "半途主体", "firm", "340403"), Actor(None, "cli"),
                   current().clock.now())
    raise InvalidInput("第二步的输入无效", "the second step's input is invalid", "name")


def test_a_domain_error_is_a_message_on_stderr_exit_status_1_and_nothing_written(runner, session, monkeypatch):
    monkeypatch.setitem(main.commands, "half-way", half_way)

    result = runner.invoke(main, ["half-way"])

    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == "错误 / error: 第二步的输入无效 / the second step's input is invalid\n"
    assert session.exec(select(Subject)).all() == []


def test_assessing_before_the_first_catalog_version_exits_1_with_the_reason(runner):
    result = runner.invoke(main, ["assess", "--as-of", "2019-12-31"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == ("错误 / error: 2019-12-31 早于第一版信用规则目录的生效日期 2020-01-01，无法评价 / "
                             "2019-12-31 is before the first catalog version (2020-01-01): no assessment is possible\n")


def test_help_lists_the_projects_commands_each_in_chinese_and_english():
    result = CliRunner().invoke(main, ["--help"])

    assert result.exit_code == 0
    # Flask's generic options mean nothing here (the app is always this one).
    for option in ("--env-file", "--app", "--debug", "--version"):
        assert option not in result.output
    listed = result.output.split("Commands:\n")[1].splitlines()
    assert [line.split()[0] for line in listed] == sorted(main.commands)
    for line in listed:
        description = line.split(None, 1)[1]
        assert re.search(r"[\u4e00-\u9fff].* / [a-z]", description) and not description.endswith("..."), line
