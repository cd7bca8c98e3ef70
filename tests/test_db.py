"""The unit of work: one session factory, and commits only where a request, command or job ends.

Behaviour is tested where it happens (tests/scoring/test_reassess.py, the scheduler, imports and
demo tests); the scan at the end keeps new code to the rule.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa

from credit.audit.models import AuditEvent
from credit.audit.services import record_event
from credit.context import db
from credit.db import session_scope

CREDIT = Path(__file__).resolve().parent.parent / "credit"


def audit_events(ctx) -> int:
    with ctx.sessions() as fresh:
        return fresh.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def test_a_unit_of_work_commits_on_success_and_leaves_nothing_when_it_raises(app, ctx, clock):
    with pytest.raises(RuntimeError), session_scope(ctx.sessions) as session:
        record_event(session, actor="t", action="test.one", object_type="test", object_id=1, now=clock.now())
        raise RuntimeError("half-way")
    assert audit_events(ctx) == 0

    with session_scope(ctx.sessions) as session:
        record_event(session, actor="t", action="test.two", object_type="test", object_id=2, now=clock.now())
    assert audit_events(ctx) == 1


def test_the_request_session_comes_from_the_apps_factory_and_keeps_values_after_commit(app, ctx, clock):
    with app.app_context():
        session = db()
        assert session is db() and session.get_bind() is ctx.engine
        event = record_event(session, actor="t", action="test.one", object_type="test", object_id=1, now=clock.now())
        session.commit()
        # Not expired by the commit: a page can still show what it just saved without a query.
        assert "action" in event.__dict__


def _calls(tree: ast.AST):
    """(call, enclosing top-level function or None) for every call in a module."""
    for node in tree.body:
        scope = node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call):
                yield inner, scope


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _is_command(function) -> bool:
    return function is not None and any(
        isinstance(d, ast.Call) and _name(d.func) == "command" for d in function.decorator_list)


# Where a unit of work ends: a request (views, the form helper), a job run, the factory itself.
COMMITTERS = {"web/forms.py", "accounts/web.py", "scheduler/runner.py", "db.py"}


def test_sessions_are_made_only_by_the_factory_and_committed_only_by_requests_commands_and_jobs():
    made, committed = [], []
    for path in sorted(CREDIT.rglob("*.py")):
        module = path.relative_to(CREDIT).as_posix()
        for call, function in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{module}:{call.lineno}"
            if _name(call.func) in ("Session", "sessionmaker") and module != "db.py":
                made.append(where)
            if _name(call.func) == "commit" and not (
                    module in COMMITTERS or path.name == "views.py" or _is_command(function)):
                committed.append(where)
    assert (made, committed) == ([], [])
