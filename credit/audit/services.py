"""Writing and verifying the audit chain.

Each event's hash covers the previous event's hash and the event's own canonical JSON, so
changing, inserting or removing a row breaks every later link. Events are written in the same
transaction as the change they record.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.audit.models import AuditEvent

GENESIS = "0" * 64
_CHAIN_LOCK = 724_311  # PostgreSQL advisory lock key that serialises appends to the chain


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _utc_text(at: dt.datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    body = canonical_json(
        {
            "at": _utc_text(event.at),
            "actor": event.actor,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "data": event.data,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _chain_end(session: Session) -> str:
    """The last event's hash, with appends serialised on PostgreSQL until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    return session.exec(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first() or GENESIS


def _event_row(prev: str, now: dt.datetime, actor: str, action: str, object_type: str, object_id: Any,
               data: dict | None = None) -> dict:
    row = {"at": now.astimezone(dt.timezone.utc), "actor": actor, "action": action, "object_type": object_type,
           "object_id": str(object_id), "data": canonical_json(data or {}), "prev_hash": prev}
    row["hash"] = event_hash(prev, SimpleNamespace(**row))
    return row


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: Any,
    data: dict | None = None,
    now: dt.datetime,
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction."""
    event = AuditEvent(**_event_row(_chain_end(session), now, actor, action, object_type, object_id, data))
    session.add(event)
    session.flush()
    return event


def record_events(session: Session, events: list[dict], *, now: dt.datetime) -> None:
    """Append several events (dicts of ``record_event``'s keywords but ``now``) in one INSERT.

    Bulk imports write thousands of events a batch: one read of the chain's end and plain rows
    instead of ORM objects keep that fast.
    """
    if not events:
        return
    session.flush()  # an event may name a row added in this transaction
    prev, rows = _chain_end(session), []
    for item in events:
        rows.append(_event_row(prev, now, **item))
        prev = rows[-1]["hash"]
    session.execute(sa.insert(AuditEvent.__table__), rows)


def apply_changes(obj: Any, values: dict) -> dict[str, list]:
    """Set on ``obj`` the ``values`` that differ from what it holds; return them as the audit
    events record an update: ``{field: [old, new]}`` (empty when nothing changed)."""
    changes = {k: [getattr(obj, k), v] for k, v in values.items() if getattr(obj, k) != v}
    for key, (_old, new) in changes.items():
        setattr(obj, key, new)
    return changes


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order and report the first broken link."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            return ChainReport(checked)
        for event in rows:
            if event.prev_hash != prev:
                return ChainReport(checked, event.id, "prev_hash does not match the previous event")
            if event_hash(prev, event) != event.hash:
                return ChainReport(checked, event.id, "hash does not match the event's content")
            prev = event.hash
            checked += 1
            last_id = event.id
