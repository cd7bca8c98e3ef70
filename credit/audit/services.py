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
    event = dict(actor=actor, action=action, object_type=object_type, object_id=object_id, data=data)
    return record_events(session, [event], now=now)[0]


def record_events(session: Session, events: list[dict], *, now: dt.datetime) -> list[AuditEvent]:
    """Append several events (keys as ``record_event``'s) with one read of the chain's end.

    Bulk imports write thousands of events a batch; one lock and one flush keep that fast.
    """
    if not events:
        return []
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    prev = session.exec(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first() or GENESIS
    written = []
    for item in events:
        event = AuditEvent(
            at=now.astimezone(dt.timezone.utc),
            actor=item["actor"],
            action=item["action"],
            object_type=item["object_type"],
            object_id=str(item["object_id"]),
            data=canonical_json(item.get("data") or {}),
            prev_hash=prev,
            hash="",
        )
        event.hash = prev = event_hash(prev, event)
        written.append(event)
    session.add_all(written)
    session.flush()
    return written


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
