"""The audit chain detects any edited, inserted or removed event, reports every break, and an
anchor kept outside the system detects even a chain rewritten from the start."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from sqlmodel import select

from credit.audit.models import AuditEvent
from credit.audit.services import (ANCHOR_DIFFERS, ANCHOR_MISSING, CONTENT_CHANGED, LINK_BROKEN, Anchor, ChainBreak,
                                   canonical_json, chain_head, event_hash,
                                   record_event, record_events, verify_chain)
from credit.errors import InvalidInput


def _write(session, clock, count=4):
    for i in range(count):
        record_event(session, actor="inspector1", action="subject.create", object_type="subject",
                     object_id=i, data={"name": f"主体{i}"}, now=clock.now() + dt.timedelta(seconds=i))
    session.commit()


def _edit(session, event_id: int, **values) -> None:
    session.execute(sa.update(AuditEvent).where(AuditEvent.id == event_id).values(**values))
    session.commit()


def test_intact_chain_verifies(session, clock):
    _write(session, clock)
    report = verify_chain(session, batch=3)
    assert report.ok and report.checked == 4 and report.breaks == []


def test_events_appended_in_bulk_hash_as_single_events_do(session, clock):
    """record_events puts each hashed body together from parts: the same hash event_hash computes,
    for any text (quotes, backslashes, control characters, Chinese), ids and actors."""
    record_event(session, actor="inspector1", action="subject.create", object_type="subject", object_id=1,
                 data={}, now=clock.now())
    odd = ['"引号" \\ 反斜杠', "line\nbreak\t\x01", "", "\u2028 末尾 ", "</script>"]
    record_events(session, [
        {"actor": actor, "action": action, "object_type": "record", "object_id": object_id,
         "data": {"text": text, "day": dt.date(2024, 2, 29), "n": i, "nested": {"b": [1, None], "a": text}}}
        for i, (actor, action, object_id, text) in enumerate([
            ("import:a.jsonl", "record.import", 7, odd[0]), ("import:a.jsonl", "record.import", "HN-7", odd[1]),
            ("导入:文件", "record.update", 9, odd[2]), ("import:a.jsonl", "record.import", 10, odd[3]),
            ("system", "record.revoked", 11, odd[4])])
    ], now=clock.now() + dt.timedelta(microseconds=5))
    session.commit()
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert len(events) == 6 and all(e.data == canonical_json(json.loads(e.data)) for e in events)
    for before, event in zip(events, events[1:]):
        assert event.prev_hash == before.hash and event.hash == event_hash(before.hash, event)
    assert verify_chain(session).ok


def test_edited_event_breaks_its_link(session, clock):
    _write(session, clock)
    _edit(session, 3, data='{"name":"改过"}')
    report = verify_chain(session)
    assert (report.ok, report.checked, report.breaks) == (False, 4, [ChainBreak(3, CONTENT_CHANGED)])


def test_removed_event_breaks_the_next_link(session, clock):
    _write(session, clock)
    session.execute(sa.delete(AuditEvent).where(AuditEvent.id == 2))
    session.commit()
    assert verify_chain(session).breaks == [ChainBreak(3, LINK_BROKEN)]


def test_every_break_is_reported_not_only_the_first(session, clock):
    # A fork early in the chain (two events appended after the same one) must not hide a later edit.
    _write(session, clock, count=6)
    _edit(session, 3, prev_hash=session.get(AuditEvent, 1).hash)
    _edit(session, 5, actor="someone-else")
    report = verify_chain(session, batch=2)
    assert report.checked == 6
    assert report.breaks == [ChainBreak(3, LINK_BROKEN), ChainBreak(3, CONTENT_CHANGED), ChainBreak(5, CONTENT_CHANGED)]


def _rewrite_from_the_start(session, edit_id: int) -> None:
    """What someone with write access to the table could do: change an event, recompute every hash."""
    prev = "0" * 64
    for event in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all():
        if event.id == edit_id:
            event.actor = "someone-else"
        event.prev_hash, event.hash = prev, event_hash(prev, event)
        prev = event.hash
    session.commit()


def test_an_anchor_detects_a_chain_rewritten_from_the_start(session, clock):
    _write(session, clock)
    head = chain_head(session)
    assert (head.id, head.at.replace(tzinfo=None)) == (4, (clock.now() + dt.timedelta(seconds=3)).replace(tzinfo=None))
    anchor = Anchor.parse(head.anchor)
    assert verify_chain(session, anchor=anchor).ok

    _rewrite_from_the_start(session, edit_id=2)
    assert verify_chain(session).ok  # consistent in itself
    assert verify_chain(session, anchor=anchor).breaks == [ChainBreak(4, ANCHOR_DIFFERS)]


def test_an_anchor_whose_event_is_gone_is_a_break(session, clock):
    _write(session, clock)
    anchor = Anchor.parse(chain_head(session).anchor)
    session.execute(sa.delete(AuditEvent).where(AuditEvent.id == 4))
    session.commit()
    assert verify_chain(session, anchor=anchor).breaks == [ChainBreak(4, ANCHOR_MISSING)]


@pytest.mark.parametrize("text", ["", "abc@1", "0" * 64, "0" * 64 + "@", "0" * 64 + "@0", "0" * 64 + "@x",
                                  "g" * 64 + "@1"])
def test_a_malformed_anchor_is_refused(text):
    with pytest.raises(InvalidInput):
        Anchor.parse(text)


def test_an_empty_chain_has_no_head(session):
    assert chain_head(session) is None
