"""Writing and verifying the audit chain.

Each event's hash covers the previous event's hash and the event's own canonical JSON, so
changing, inserting or removing a row breaks every later link. Events are written in the same
transaction as the change they record.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import SimpleNamespace
from collections.abc import Iterable, Iterator
from typing import Any

from sqlmodel import Session, select

from credit.audit.models import AuditEvent
from credit.db import bulk_insert, write_lock
from credit.errors import InvalidInput

GENESIS = "0" * 64


# One encoder for every event: json.dumps with these options builds a new encoder per call.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def canonical_json(value: Any) -> str:
    return _CANONICAL.encode(value)


# canonical_json of a str (what _CANONICAL calls for one), without the call through the encoder:
# bulk imports encode several a row.
json_text = json.encoder.encode_basestring


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


def chain_end(session: Session) -> str:
    """The last event's hash, read under the database's write lock (held to the end of the
    transaction): no two events follow one, and events chained to it are the next ones written."""
    write_lock(session)
    return session.exec(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first() or GENESIS


def _event_row(prev: str, now: dt.datetime, actor: str, action: str, object_type: str, object_id: Any,
               data: dict | None = None) -> dict:
    row = {"at": now.astimezone(dt.timezone.utc), "actor": actor, "action": action, "object_type": object_type,
           "object_id": str(object_id), "data": canonical_json(data or {}), "prev_hash": prev}
    row["hash"] = event_hash(prev, SimpleNamespace(**row))
    return row


def chained_rows(prev: str, now: dt.datetime, events: Iterable[dict]) -> Iterator[dict]:
    """``_event_row`` for many events at one instant, each chained to the one before, as they come.

    The hashed body is the canonical JSON ``event_hash`` makes, put together from its parts: the
    keys in sorted order (action, actor, at, data, object_id, object_type), each value encoded
    as canonical_json encodes it, the parts an event shares with the previous one encoded once.
    A test holds it to ``event_hash``.
    """
    at = now.astimezone(dt.timezone.utc)
    at_text, encode = canonical_json(_utc_text(at)), _CANONICAL.encode
    heads: dict[tuple[str, str], str] = {}
    for item in events:
        actor, action, object_type = item["actor"], item["action"], item["object_type"]
        data = item.get("data") or {}
        object_id, data = str(item["object_id"]), data if type(data) is str else encode(data)
        if (head := heads.get((actor, action, object_type))) is None:
            head = heads[actor, action, object_type] = (
                f'{{"action":{encode(action)},"actor":{encode(actor)},"at":{at_text},"data":',
                f',"object_type":{encode(object_type)}}}')
        body = f'{head[0]}{json_text(data)},"object_id":{json_text(object_id)}{head[1]}'
        digest = hashlib.sha256((prev + body).encode("utf-8")).hexdigest()
        yield {"at": at, "actor": actor, "action": action, "object_type": object_type, "object_id": object_id,
               "data": data, "prev_hash": prev, "hash": digest}
        prev = digest


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
    event = AuditEvent(**_event_row(chain_end(session), now, actor, action, object_type, object_id, data))
    session.add(event)
    session.flush()
    return event


def record_events(session: Session, events: Iterable[dict], *, now: dt.datetime) -> None:
    """Append several events (dicts of ``record_event``'s keywords but ``now``) in one INSERT.

    An event's ``data`` may be given as its canonical JSON text already.

    Bulk imports write thousands of events a batch: one read of the chain's end and plain rows
    instead of ORM objects keep that fast. The events may be made as they are written (an
    import's are), and each is hashed as it is sent: the database takes in one while the next
    is hashed.
    """
    events = iter(events)
    if (first := next(events, None)) is None:
        return
    session.flush()  # an event may name a row added in this transaction
    bulk_insert(session, AuditEvent.__table__, chained_rows(chain_end(session), now, itertools.chain((first,), events)))


class HashedAhead:
    """Audit events of one bulk writer (an import), hashed by a thread while the database works on
    one of the writer's long statements, and appended before anything else is written to the chain.

    ``add`` appends what is pending and keeps the new events; ``start`` hands them to the thread,
    just before a statement the database takes long over; ``flush`` appends them. The writer
    flushes before it writes any other event, so that the chain keeps the order events were added
    in. On two cores the hashing then costs the database no time: an import's events were made and
    hashed while COPY waited for them (a third of the time it took to append them). Started any
    earlier, the thread would take turns at the GIL with the writer's own Python between its
    statements, which the database waits for.
    """

    def __init__(self, now: dt.datetime):
        self.now = now
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="audit-hash")
        self._kept: tuple[str, Iterable[dict]] | None = None
        self._pending: Future[list[dict]] | None = None

    def add(self, session: Session, events: Iterable[dict]) -> None:
        self.flush(session)
        session.flush()  # an event may name a row added in this transaction
        self._kept = (chain_end(session), events)

    def start(self) -> None:
        if self._kept is not None:
            (start, events), self._kept = self._kept, None
            self._pending = self._thread.submit(lambda: list(chained_rows(start, self.now, events)))

    def flush(self, session: Session) -> None:
        self.start()
        if self._pending is not None:
            rows, self._pending = self._pending.result(), None
            bulk_insert(session, AuditEvent.__table__, rows)

    def close(self) -> None:
        """Stop the thread; what is still pending is dropped (the writer failed, its transaction goes)."""
        self._kept = self._pending = None
        self._thread.shutdown(cancel_futures=True)


def apply_changes(obj: Any, values: dict) -> dict[str, list]:
    """Set on ``obj`` the ``values`` that differ from what it holds; return them as the audit
    events record an update: ``{field: [old, new]}`` (empty when nothing changed)."""
    changes = {k: [getattr(obj, k), v] for k, v in values.items() if getattr(obj, k) != v}
    for key, (_old, new) in changes.items():
        setattr(obj, key, new)
    return changes
# Why a link fails; each broken event is reported once per reason, and the walk goes on.
LINK_BROKEN = "prev_hash does not match the previous event"
CONTENT_CHANGED = "hash does not match the event's content"
ANCHOR_DIFFERS = "hash differs from the anchor"
ANCHOR_MISSING = "the anchored event is missing"


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


@dataclass
class ChainReport:
    checked: int
    breaks: list[ChainBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


@dataclass(frozen=True)
class ChainHead:
    """The last event: written down outside the system, it pins everything up to it."""

    id: int
    hash: str
    at: dt.datetime

    def as_dict(self) -> dict:
        return {"id": self.id, "hash": self.hash, "at": _utc_text(self.at), "anchor": self.anchor}

    @property
    def anchor(self) -> str:
        """What `credit audit verify --anchor` takes."""
        return f"{self.hash}@{self.id}"


@dataclass(frozen=True)
class Anchor:
    """A chain head kept by an outside party (``HASH@ID``): the event ``id`` must still have ``hash``."""

    id: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> "Anchor":
        digest, _, number = (text or "").strip().rpartition("@")
        if not re.fullmatch(r"[0-9a-f]{64}", digest.lower()) or not number.isdigit() or int(number) < 1:
            raise InvalidInput(f"锚点 {text!r} 应为 哈希@编号（64 位十六进制哈希）",
                               f"anchor {text!r} must be HASH@ID (a 64-digit hex hash)", "anchor")
        return cls(int(number), digest.lower())


def chain_head(session: Session) -> ChainHead | None:
    event = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    return ChainHead(event.id, event.hash, event.at) if event else None


def verify_chain(session: Session, batch: int = 5000, anchor: Anchor | None = None) -> ChainReport:
    """Walk the chain in id order and report every broken link, not only the first.

    Each event is held to its predecessor's stored hash and to its own content, so a change shows
    where it was made and does not hide a later one. A chain rewritten from the start is
    consistent in itself: only an ``anchor`` kept outside the system shows it.
    """
    report = ChainReport(0)
    prev, last_id, anchor_seen = GENESIS, 0, False
    while True:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            if event.prev_hash != prev:
                report.breaks.append(ChainBreak(event.id, LINK_BROKEN))
            if event_hash(event.prev_hash, event) != event.hash:
                report.breaks.append(ChainBreak(event.id, CONTENT_CHANGED))
            if anchor is not None and event.id == anchor.id:
                anchor_seen = True
                if event.hash != anchor.hash:
                    report.breaks.append(ChainBreak(event.id, ANCHOR_DIFFERS))
            prev, last_id = event.hash, event.id
            report.checked += 1
    if anchor is not None and not anchor_seen:
        report.breaks.append(ChainBreak(anchor.id, ANCHOR_MISSING))
    return report
