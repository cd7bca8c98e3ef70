"""Entries decided by another authority (DESIGN section 11 ``list_entries.jsonl``, and the staff
form): they name their authority and decision, are published like local ones, and never go through
the local procedure. Same rejects, idempotency and reports as the other imports."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import apply_changes, record_event
from credit.errors import InvalidInput
from credit.exchange.formats import SourceRow
from credit.exchange.services import ImportJob, ImportSummary, Key, _date, keyset_page, _text
from credit.listing.models import ListEntry
from credit.listing.procedure import next_entry_id
from credit.listing.terms import Terms
from credit.subjects.models import Subject
from credit.subjects.services import find_by_uscc, validate_uscc

ENTRY_COLUMNS = ("id", "uscc", "reason", "legal_basis", "authority", "decision_no", "listed_on",
                 "planned_removal_on", "removed_on")


@dataclass(frozen=True)
class EntryRow:
    external_id: str
    uscc: str
    reason: str
    legal_basis: str
    authority: str
    decision_no: str
    listed_on: dt.date
    planned_removal_on: dt.date
    removed_on: dt.date | None


def parse_entry(data: dict, today: dt.date, terms: Terms) -> EntryRow:
    c = ListEntry.__table__.c
    external_id = _text(data, "id", column=c.external_id)
    authority = _text(data, "authority", column=c.authority)
    if terms.is_local(authority):
        raise InvalidInput("本局作出的列入须经列入程序，不能导入", "a listing by this bureau goes through the procedure",
                           "authority")
    listed_on = _date(data, "listed_on", today)
    planned = _date(data, "planned_removal_on", dt.date.max)
    removed = _date(data, "removed_on", today) if _text(data, "removed_on", False) else None
    if planned <= listed_on:
        raise InvalidInput("计划移出日期须晚于列入日期", "the planned removal must come after the listing",
                           "planned_removal_on")
    if removed is not None and removed < listed_on:
        raise InvalidInput("移出日期不能早于列入日期", "the removal cannot come before the listing", "removed_on")
    return EntryRow(external_id, validate_uscc(_text(data, "uscc")), _text(data, "reason"),
                    _text(data, "legal_basis"), authority, _text(data, "decision_no", column=c.decision_no),
                    listed_on, planned, removed)


def _values(item: EntryRow, subject: Subject | None) -> dict:
    if subject is None:
        raise InvalidInput(f"统一社会信用代码 {item.uscc} 对应的主体尚未登记，请先导入主体",
                           f"no subject is registered with USCC {item.uscc}: import subjects first", "uscc")
    values = {"subject_id": subject.id, "reason": item.reason, "legal_basis": item.legal_basis,
              "authority": item.authority, "decision_no": item.decision_no, "listed_on": item.listed_on,
              "planned_removal_on": item.planned_removal_on, "removed_on": item.removed_on,
              "status": "removed" if item.removed_on else "listed"}
    if item.removed_on:
        values.update(removal_reason="由决定机关移出", removal_authority=item.authority)
    return values


def save_entry(session: Session, item: EntryRow, subject: Subject | None,
               known: ListEntry | None) -> tuple[ListEntry, dict | None]:
    """Create or update an entry decided elsewhere: (entry, changes), changes None when new."""
    values = _values(item, subject)
    if known is None:
        entry = ListEntry(id=next_entry_id(session, item.listed_on.year), source="elsewhere",
                          external_id=item.external_id, **values)
        session.add(entry)
        session.flush()
        return entry, None
    return known, apply_changes(known, values)


def import_list_entries(session: Session, rows: Iterable[SourceRow], job: ImportJob, terms: Terms) -> ImportSummary:
    """Row by row (a list has hundreds of entries, not millions); the caller commits once."""
    for row in rows:
        try:
            if row.problem is not None:
                raise row.problem
            item = parse_entry(row.data, job.today, terms)
            known = session.exec(select(ListEntry).where(ListEntry.external_id == item.external_id)).first()
            entry, changes = save_entry(session, item, find_by_uscc(session, item.uscc), known)
        except InvalidInput as error:
            job.reject(row.line, row.data, error)
            continue
        origin = {"source": job.source, "line": row.line}
        if changes is None:
            job.summary.imported += 1
            action, data = "list_entry.import", {"external_id": item.external_id, **origin}
        elif changes:
            job.summary.updated += 1
            action, data = "list_entry.update", {"changes": changes, **origin}
        else:
            job.summary.unchanged += 1
            continue
        session.flush()
        record_event(session, actor=job.actor.name, action=action, object_type="list_entry", object_id=entry.id,
                     data=data, now=job.now)
    return job.summary


def add_entry(session: Session, terms: Terms, data: dict, actor: Actor, now: dt.datetime,
              today: dt.date) -> ListEntry:
    """The staff form: one entry decided elsewhere, typed from its decision."""
    item = parse_entry(data, today, terms)
    if session.exec(select(ListEntry.id).where(ListEntry.external_id == item.external_id)).first():
        raise InvalidInput(f"编号 {item.external_id} 已登记", f"the id {item.external_id} is already recorded", "id")
    entry, _ = save_entry(session, item, find_by_uscc(session, item.uscc), None)
    record_event(session, actor=actor.name, action="list_entry.create", object_type="list_entry", object_id=entry.id,
                 data={"subject_id": entry.subject_id, "external_id": item.external_id, "source": "elsewhere",
                       "authority": entry.authority}, now=now)
    return entry


def entry_items(session: Session, after: Key | None = None, limit: int | None = None) -> Iterator[tuple[Key, dict]]:
    """Every entry, listed or removed, in the exchange shape by its stable id: (key, row). An entry
    decided elsewhere goes out under its sender's id, a local one under its SD-... id."""
    query = select(ListEntry, Subject.uscc).join(Subject, Subject.id == ListEntry.subject_id)
    for entry, uscc in session.exec(keyset_page(query, (ListEntry.id,), after, limit)):
        yield (entry.id,), {
            "id": entry.external_id or entry.id, "uscc": uscc, "reason": entry.reason,
            "legal_basis": entry.legal_basis, "authority": entry.authority, "decision_no": entry.decision_no,
            "listed_on": entry.listed_on.isoformat(), "planned_removal_on": entry.planned_removal_on.isoformat(),
            "removed_on": entry.removed_on.isoformat() if entry.removed_on else None,
        }
