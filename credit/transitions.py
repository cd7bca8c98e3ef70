"""State transitions that two people cannot both make: a conditional UPDATE, one winner.

Two reviewers pressing "confirm" together, or a confirm and a reject sent at once, each read the
row as it was before either wrote. Checking the status in Python and then saving lets both pass.
``transition_row`` moves the row only if it still has the status the caller saw
(``UPDATE ... WHERE id = :id AND status = :expected``); the database lets exactly one such update
change the row (PostgreSQL re-checks the condition after waiting for the other's row lock, SQLite
has one writer at a time), and the other gets a ``TransitionConflict`` (409) that says what the
row is now, who made it so and when.

Call it as the first write of the step (before audit events or anything else), so the loser
waits on nothing but the row and writes nothing.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from credit.audit.models import AuditEvent
from credit.clock import to_local
from credit.errors import Conflict, NotFound
from credit.i18n import both


class TransitionConflict(Conflict):
    """Someone else moved the row first: what it is now (``current``), by whom and when."""

    def __init__(self, expected: str, current: str, by: str | None, at: dt.datetime | None,
                 labels: Mapping[str, Any] | None = None):
        self.expected, self.current, self.by, self.at = expected, current, by, at

        def label(status: str) -> tuple[str, str]:
            return both(labels[status]) if labels and status in labels else (status, status)

        (was_zh, was_en), (now_zh, now_en) = label(expected), label(current)
        (who_zh, who_en), when = who_and_when(by, at)
        super().__init__(
            f"未执行：您提交前，{who_zh} 已于 {when} 将其从“{was_zh}”改为“{now_zh}”。请查看当前状态后再决定。",
            f"Not done: before you sent this, {who_en} changed it from “{was_en}” to “{now_en}” at {when}. "
            "Look at its current state before deciding again.")


def who_and_when(by: str | None, at: dt.datetime | None) -> tuple[tuple[str, str], str]:
    """((Chinese, English) name of who changed something, or "someone else"), local time."""
    return (both(_l("someone else")) if not by else (by, by)), (f"{to_local(at):%Y-%m-%d %H:%M}" if at else "")


def transition_row(session: Session, model: type, id: int, expected: str, new: str, *,
                   labels: Mapping[str, Any] | None = None, object_type: str | None = None,
                   status_field: str = "status", **values: Any) -> None:
    """Set ``model`` row ``id`` from status ``expected`` to ``new`` (and ``values``) or raise.

    Raises ``TransitionConflict`` when the row no longer has ``expected`` (the page then shows its
    status now, labelled with ``labels``, and the last audit event's actor on ``object_type``,
    default the table name), ``NotFound`` when there is no such row. Objects of the session are
    updated in place.
    """
    status = getattr(model, status_field)
    moved = session.execute(
        sa.update(model).where(model.id == id, status == expected).values({status_field: new, **values})
        .execution_options(synchronize_session="fetch")
    )
    if moved.rowcount == 1:
        return
    current = session.execute(select(status).where(model.id == id)).scalar_one_or_none()
    if current is None:
        raise NotFound("对象不存在", "no such object")
    last = last_change(session, object_type or model.__tablename__, id)
    raise TransitionConflict(expected, current, last.actor if last else None, last.at if last else None, labels)


def last_change(session: Session, object_type: str, object_id: Any) -> AuditEvent | None:
    """The latest audit event about an object: who changed it last, and when."""
    return session.exec(
        select(AuditEvent).where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()
