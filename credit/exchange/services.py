"""Data exchange with other departments (DESIGN section 11): bulk import, export, assessments.

Imports stream: rows are checked one by one, written a batch at a time (one commit a batch), so a
file of any size holds memory flat. A bad row never stops the good ones: it is handed to
``on_reject`` with its line, field and reason. A row whose sender id (USCC for subjects, ``id``
for records) is known updates what is stored and is counted as unchanged when nothing differs,
so importing the same file twice changes nothing. Every change is an audit event.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import record_events
from credit.catalog.loader import Catalog
from credit.db import refresh_statistics
from credit.errors import InvalidInput, NotFound
from credit.exchange.formats import SourceRow
from credit.scoring.engine import contributions, recompute, recompute_changed
from credit.scoring.models import Assessment
from credit.scoring.queries import in_force
from credit.subjects.models import Subject
from credit.subjects.services import SubjectInput, find_by_uscc, validate_uscc
from credit.violations.models import CATEGORIES, Record, RecordEvent
from credit.violations.services import check_rule

BATCH_SIZE = 1000
SUBJECT_COLUMNS = ("uscc", "name", "kind", "district", "legal_representative", "licence_no")
RECORD_COLUMNS = ("id", "uscc", "type", "category", "decision_date", "document_no", "authority", "status")
ASSESSMENT_COLUMNS = ("uscc", "as_of", "score", "grade", "tier", "listed", "contributions")
EXCHANGE_STATUSES = ("confirmed", "revoked")
# What a local status is called in the exchange vocabulary. An objection pending keeps a record
# in force; a repaired record is no longer shared (credit repair ends its publication), drafts
# and rejected drafts never were findings.
EXPORTED_STATUS = {"confirmed": "confirmed", "disputed": "confirmed", "revoked": "revoked"}


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    reason_zh: str
    reason_en: str
    row: dict[str, Any]

    def as_row(self) -> dict[str, Any]:
        """The original row and why it was refused (a line of the rejects file)."""
        return {**self.row, "line": self.line, "field": self.field, "reason_zh": self.reason_zh,
                "reason_en": self.reason_en}


@dataclass
class ImportSummary:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    @property
    def changed_nothing(self) -> bool:
        return self.imported == self.updated == 0


@dataclass
class ImportJob:
    """One run of an import: who and when, where rejections go, and what it has counted."""

    source: str
    actor: Actor
    now: dt.datetime
    today: dt.date
    catalog: Catalog
    on_reject: Callable[[Rejection], None]
    batch_size: int = BATCH_SIZE
    summary: ImportSummary = field(default_factory=ImportSummary)
    _events: list[tuple[str, Any, dict]] = field(default_factory=list)

    def reject(self, row: SourceRow, error: InvalidInput) -> None:
        self.summary.rejected += 1
        self.on_reject(Rejection(row.line, error.field or "(row)", error.zh, error.en, row.data))

    def log(self, action: str, obj: Subject | Record, data: dict) -> None:
        """An audit event, written once the batch is flushed (new rows have no id before)."""
        self._events.append((action, obj, data))

    def origin(self, row: SourceRow) -> dict:
        return {"source": self.source, "line": row.line}

    def write_batch(self, session: Session) -> None:
        session.flush()
        record_events(session, [
            {"actor": self.actor.name, "action": action, "object_type": obj.__tablename__, "object_id": obj.id,
             "data": data}
            for action, obj, data in self._events
        ], now=self.now)
        self._events.clear()
        session.commit()


def _batches(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    batch: list[SourceRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parsed(rows: list[SourceRow], job: ImportJob, parse: Callable[[dict, ImportJob], Any]) -> list[tuple[SourceRow, Any]]:
    """The rows that parse, each with its parsed value; the others are rejected."""
    good = []
    for row in rows:
        try:
            if row.problem is not None:
                raise row.problem
            good.append((row, parse(row.data, job)))
        except InvalidInput as error:
            job.reject(row, error)
    return good


# ---------------------------------------------------------------------------------------------
# Reading the fields of a row


def _text(data: dict, name: str, required: bool = True, column: sa.Column | None = None) -> str:
    """The field as trimmed text; ``column`` bounds its length (PostgreSQL refuses longer values
    and NUL characters at the batch's flush, losing the good rows with the bad)."""
    value = data.get(name)
    if isinstance(value, float) and value.is_integer():  # a spreadsheet's number cell: 340403.0
        value = int(value)
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InvalidInput(f"缺少字段 {name}", f"missing field {name}", name)
    if "\x00" in text:
        raise InvalidInput(f"字段 {name} 含有空字符（NUL）", f"field {name} contains a NUL character", name)
    limit = getattr(column.type, "length", None) if column is not None else None
    if limit is not None and len(text) > limit:
        raise InvalidInput(f"{name} 不能超过 {limit} 个字符", f"{name} must be at most {limit} characters", name)
    return text


def _date(data: dict, name: str, today: dt.date) -> dt.date:
    value = data.get(name)
    if isinstance(value, dt.datetime):  # an XLSX date cell
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = _text(data, name)
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"日期 {text!r} 无效（须为存在的日期，格式 YYYY-MM-DD）",
                               f"invalid date {text!r} (a real date as YYYY-MM-DD)", name) from None
    if day > today:
        raise InvalidInput(f"日期 {day.isoformat()} 晚于今天", f"the date {day.isoformat()} is in the future", name)
    return day


def _changes(obj, values: dict) -> dict[str, list]:
    """Fields whose stored value differs from ``values``, as {field: [old, new]}, applied to ``obj``."""
    changes = {k: [getattr(obj, k), v] for k, v in values.items() if getattr(obj, k) != v}
    for key, (_old, new) in changes.items():
        setattr(obj, key, new)
    return changes


# ---------------------------------------------------------------------------------------------
# Subjects


def _subject_input(data: dict, _job: ImportJob) -> SubjectInput:
    c = Subject.__table__.c
    return SubjectInput(
        uscc=_text(data, "uscc"), name=_text(data, "name", column=c.name), kind=_text(data, "kind"),
        district=_text(data, "district"), legal_representative=_text(data, "legal_representative", False,
                                                                     c.legal_representative),
        licence_no=_text(data, "licence_no", False, c.licence_no) or None,
    ).cleaned()


def import_subjects(session: Session, rows: Iterable[SourceRow], job: ImportJob) -> ImportSummary:
    for batch in _batches(rows, job.batch_size):
        parsed = _parsed(batch, job, _subject_input)
        usccs = sorted({data.uscc for _row, data in parsed})
        known = {s.uscc: s for s in session.exec(select(Subject).where(Subject.uscc.in_(usccs)))}
        for row, data in parsed:
            subject = known.get(data.uscc)
            if subject is None:
                subject = known[data.uscc] = Subject(**vars(data), created_at=job.now, updated_at=job.now)
                session.add(subject)
                job.summary.imported += 1
                job.log("subject.create", subject, {**vars(data), **job.origin(row)})
            elif changes := _changes(subject, vars(data)):
                subject.updated_at = job.now
                job.summary.updated += 1
                job.log("subject.update", subject, {"changes": changes, **job.origin(row)})
            else:
                job.summary.unchanged += 1
        job.write_batch(session)
    return job.summary


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class RecordRow:
    external_id: str
    uscc: str
    rule_code: str
    category: str
    decision_date: dt.date
    document_no: str
    authority: str
    status: str


def _record_row(data: dict, job: ImportJob) -> RecordRow:
    external_id = _text(data, "id")
    if len(external_id) > 64:
        raise InvalidInput("id 不能超过 64 个字符", "id must be at most 64 characters", "id")
    uscc = validate_uscc(_text(data, "uscc"))
    rule_code = _text(data, "type")
    if job.catalog.any_rule(rule_code) is None:
        raise InvalidInput(f"未知的记录类型 {rule_code!r}", f"unknown record type {rule_code!r}", "type")
    category = _text(data, "category", False)
    if category and category not in CATEGORIES:
        raise InvalidInput(f"未知的知识产权类别 {category!r}", f"unknown IP category {category!r}", "category")
    status = _text(data, "status")
    if status not in EXCHANGE_STATUSES:
        raise InvalidInput(f"未知的状态 {status!r}（须为 confirmed 或 revoked）",
                           f"unknown status {status!r} (confirmed or revoked)", "status")
    c = Record.__table__.c
    return RecordRow(
        external_id, uscc, rule_code, category, _date(data, "decision_date", job.today),
        _text(data, "document_no", False, c.document_no), _text(data, "authority", column=c.authority), status,
    )


def _record_values(job: ImportJob, item: RecordRow, subject: Subject | None) -> dict:
    """The stored fields an import row stands for, or InvalidInput if it does not fit the subject."""
    if subject is None:
        raise InvalidInput(f"统一社会信用代码 {item.uscc} 对应的主体尚未登记，请先导入主体",
                           f"no subject is registered with USCC {item.uscc}: import subjects first", "uscc")
    try:
        rule = check_rule(job.catalog, subject, item.rule_code, item.decision_date)
    except InvalidInput as error:
        raise InvalidInput(error.zh, error.en, "type" if error.field == "rule_code" else error.field) from None
    return {
        "subject_id": subject.id, "rule_code": rule.code, "category": item.category or rule.category,
        "decision_date": item.decision_date, "document_no": item.document_no, "authority": item.authority,
    }


def _status_change(record: Record, wanted: str) -> str | None:
    """The status an import moves a stored record to, if any.

    The sender may revoke a finding; "confirmed" only says it still stands, so it does not end a
    local objection or repair. A revoked record is never revived: the sender needs a new id.
    """
    if wanted == record.status or (wanted == "confirmed" and record.status != "revoked"):
        return None
    if wanted == "confirmed":
        raise InvalidInput("该记录已撤销，不能重新确认；请使用新的 id 报送",
                           "the record was revoked and cannot be confirmed again: send it with a new id", "status")
    return wanted


def import_records(session: Session, rows: Iterable[SourceRow], job: ImportJob) -> ImportSummary:
    """Import already-decided findings, then reassess the subjects they touched as of today."""
    touched: set[int] = set()
    committed: set[int] = set()
    try:
        for batch in _batches(rows, job.batch_size):
            parsed = _parsed(batch, job, _record_row)
            subjects = {s.uscc: s for s in session.exec(
                select(Subject).where(Subject.uscc.in_(sorted({item.uscc for _row, item in parsed}))))}
            known = {r.external_id: r for r in session.exec(
                select(Record).where(Record.external_id.in_(sorted({item.external_id for _row, item in parsed}))))}
            history: list[tuple[Record, str | None, str, str]] = []
            for row, item in parsed:
                try:
                    values = _record_values(job, item, subjects.get(item.uscc))
                    record = known.get(item.external_id)
                    new_status = _status_change(record, item.status) if record is not None else None
                except InvalidInput as error:
                    job.reject(row, error)
                    continue
                reason = f"由 {job.source} 第 {row.line} 行导入 / imported from {job.source} line {row.line}"
                if record is None:
                    record = known[item.external_id] = Record(
                        external_id=item.external_id, **values, status=item.status,
                        status_reason=reason if item.status == "revoked" else "",
                        confirmed_at=job.now, created_at=job.now, updated_at=job.now,
                    )
                    session.add(record)
                    history.append((record, None, item.status, reason))
                    job.summary.imported += 1
                    job.log("record.import", record, {**values, "external_id": item.external_id,
                                                      "status": item.status, **job.origin(row)})
                    touched.add(record.subject_id)
                    continue
                previous_subject = record.subject_id
                changes = _changes(record, values)
                if not changes and new_status is None:
                    job.summary.unchanged += 1
                    continue
                if changes:
                    job.log("record.update", record, {"changes": changes, **job.origin(row)})
                if new_status is not None:
                    history.append((record, record.status, new_status, reason))
                    record.status, record.status_reason = new_status, reason
                record.updated_at = job.now
                job.summary.updated += 1
                touched.update((previous_subject, record.subject_id))
            session.flush()
            if history:
                session.execute(sa.insert(RecordEvent.__table__), [
                    {"record_id": record.id, "at": job.now, "from_status": before, "to_status": after, "reason": reason}
                    for record, before, after, reason in history
                ])
            for record, before, after, reason in history:
                if before is not None:  # a new record's audit event is its record.import
                    job.log(f"record.{after}", record, {"from": before, "to": after, "reason": reason,
                                                        "subject_id": record.subject_id, "rule_code": record.rule_code})
            job.write_batch(session)
            committed = set(touched)
    except BaseException:
        # The batches before the failure are committed: their subjects must not keep stale grades.
        session.rollback()
        reassess(session, job.catalog, sorted(committed), job.today, job.now, job.batch_size)
        raise
    reassess(session, job.catalog, sorted(touched), job.today, job.now, job.batch_size)
    return job.summary


def reassess(session: Session, catalog: Catalog, subject_ids: list[int], today: dt.date, now: dt.datetime,
             batch_size: int = BATCH_SIZE) -> None:
    # After a bulk load the planner's statistics still describe the tables before it; scoring
    # plans made from them loop over every record (2.7 s instead of 30 ms per 1,000 subjects).
    refresh_statistics(session, Record, Subject)
    for start in range(0, len(subject_ids), batch_size):
        recompute(session, catalog, today, now, subject_ids[start:start + batch_size])
        session.commit()


# ---------------------------------------------------------------------------------------------
# Export and assessments


def subject_rows(session: Session) -> Iterator[dict]:
    query = select(Subject).order_by(Subject.uscc).execution_options(yield_per=BATCH_SIZE)
    for subject in session.exec(query):
        yield {column: getattr(subject, column) for column in SUBJECT_COLUMNS}


def record_id(external_id: str | None, internal_id: int) -> str | int:
    """How a record is named to other departments: the sender's id, else ours."""
    return external_id if external_id is not None else internal_id


def record_rows(session: Session) -> Iterator[dict]:
    query = (
        select(Record, Subject.uscc).join(Subject, Subject.id == Record.subject_id)
        .where(Record.status.in_(EXPORTED_STATUS))
        .order_by(Subject.uscc, Record.decision_date, Record.id)
        .execution_options(yield_per=BATCH_SIZE)
    )
    for record, uscc in session.exec(query):
        yield {
            "id": str(record_id(record.external_id, record.id)), "uscc": uscc, "type": record.rule_code,
            "category": record.category, "decision_date": record.decision_date.isoformat(),
            "document_no": record.document_no, "authority": record.authority,
            "status": EXPORTED_STATUS[record.status],
        }


def assess(session: Session, catalog: Catalog, as_of: dt.date, now: dt.datetime, uscc: str | None = None,
           full: bool = False) -> list[int] | None:
    """Compute and store (by change) the assessments as of a date for everyone or one subject.

    Everyone: the subjects whose result can have changed since the latest run, or every subject
    when ``full``. Returns the subject ids assessed (None: all). Raises NoCatalogInForce before
    the first catalog version and NotFound for an unregistered USCC.
    """
    if uscc is None:
        if full:
            recompute(session, catalog, as_of, now)
        else:
            recompute_changed(session, catalog, as_of, now)
        session.commit()
        return None
    code = validate_uscc(uscc)
    subject = find_by_uscc(session, code)
    if subject is None:
        raise NotFound(f"统一社会信用代码 {code} 对应的主体尚未登记", f"no subject is registered with USCC {code}", "uscc")
    recompute(session, catalog, as_of, now, [subject.id])
    session.commit()
    return [subject.id]


@dataclass(frozen=True)
class AssessmentResult:
    subject: Subject
    as_of: dt.date
    assessment: Assessment  # the row in force on as_of
    contributions: list[dict]

    def as_row(self) -> dict:
        a = self.assessment
        return {"uscc": self.subject.uscc, "as_of": self.as_of.isoformat(), "score": a.score, "grade": a.grade,
                "tier": a.tier, "listed": a.listed, "contributions": self.contributions}


def assessment_results(
    session: Session, as_of: dt.date, subject_ids: list[int] | None = None,
) -> Iterator[AssessmentResult]:
    """The assessments in force on ``as_of``, by USCC, with contributions."""
    a = Assessment
    query = select(a, Subject).join(Subject, Subject.id == a.subject_id).where(in_force(as_of))
    if subject_ids is not None:
        query = query.where(a.subject_id.in_(subject_ids))
    result = session.execute(query.order_by(Subject.uscc).execution_options(yield_per=BATCH_SIZE))
    for part in result.partitions():
        explained = _contributions(session, [assessment for assessment, _subject in part])
        for assessment, subject in part:
            yield AssessmentResult(subject, as_of, assessment, explained[assessment.id])


def _contributions(session: Session, assessments: list[Assessment]) -> dict[int, list[dict]]:
    return {
        assessment_id: [
            {"record_id": record_id(c.record.external_id, c.record.id), "type": c.rule_code, "points": c.counted_points}
            for c in rows
        ]
        for assessment_id, rows in contributions(session, assessments).items()
    }


def assessment_rows(session: Session, as_of: dt.date) -> Iterator[dict]:
    return (result.as_row() for result in assessment_results(session, as_of))
