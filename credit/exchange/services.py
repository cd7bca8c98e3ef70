"""Data exchange with other departments (DESIGN section 11): bulk import, export, assessments.

Imports stream: rows are checked one by one and written a batch at a time, so a file of any size
holds memory flat. Like every service they never commit: after each batch they call the job's
``commit_batch``, where the caller commits (``credit import`` does, on its session from the app's
factory, so a long import keeps what it finished; a caller that passes nothing gets one
transaction). Whether a failed import should keep its finished batches is for a later decision.
A bad row never stops the good ones: it is handed to ``on_reject`` with its line, field and
reason. A row whose sender id (USCC for subjects, ``id`` for records) is known updates what is
stored and is counted as unchanged when nothing differs, so importing the same file twice
changes nothing. Every change is an audit event.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import apply_changes, record_events
from credit.catalog.loader import Catalog
from credit.clock import Clock, FixedClock
from credit.db import refresh_statistics
from credit.errors import InvalidInput, NotFound
from credit.exchange.formats import SourceRow
from credit.i18n import bilingual
from credit.scoring.engine import contributions
from credit.scoring.models import Assessment
from credit.scoring.services import reassess
from credit.subjects.models import Subject
from credit.subjects.services import SubjectInput, find_by_uscc, validate_uscc
from credit.records.models import CATEGORIES, Record, RecordEvent
from credit.records.services import check_category, check_penalty, check_rule

BATCH_SIZE = 1000
SUBJECT_COLUMNS = ("uscc", "name", "kind", "district", "legal_representative", "licence_no", "registered_on")
RECORD_COLUMNS = ("id", "uscc", "type", "category", "decision_date", "document_no", "authority", "status", "penalty")
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
    # Called once a batch is written (and once after each batch of reassessments): the caller's
    # commit point. The default keeps everything in the caller's one transaction.
    commit_batch: Callable[[], None] = lambda: None
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
        self.commit_batch()


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


# ---------------------------------------------------------------------------------------------
# Subjects


def _subject_values(data: dict, job: ImportJob) -> dict[str, Any]:
    """The stored fields a row stands for. ``registered_on`` is optional (DESIGN §11's shape has no
    such field): a row without it leaves the stored date alone, an empty value clears it."""
    c = Subject.__table__.c
    values = vars(SubjectInput(
        uscc=_text(data, "uscc"), name=_text(data, "name", column=c.name), kind=_text(data, "kind"),
        district=_text(data, "district"), legal_representative=_text(data, "legal_representative", False,
                                                                     c.legal_representative),
        licence_no=_text(data, "licence_no", False, c.licence_no) or None,
    ).cleaned())
    if "registered_on" in data:
        given = _text(data, "registered_on", False)
        values["registered_on"] = _date(data, "registered_on", job.today) if given else None
    return values


def import_subjects(session: Session, rows: Iterable[SourceRow], job: ImportJob) -> ImportSummary:
    for batch in _batches(rows, job.batch_size):
        parsed = _parsed(batch, job, _subject_values)
        usccs = sorted({values["uscc"] for _row, values in parsed})
        known = {s.uscc: s for s in session.exec(select(Subject).where(Subject.uscc.in_(usccs)))}
        for row, values in parsed:
            subject = known.get(values["uscc"])
            if subject is None:
                subject = known[values["uscc"]] = Subject(**values, created_at=job.now, updated_at=job.now)
                session.add(subject)
                job.summary.imported += 1
                job.log("subject.create", subject, {**values, **job.origin(row)})
            elif changes := apply_changes(subject, values):
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
    # A row without ``penalty`` leaves the stored penalty alone (the field is optional).
    penalty: tuple[str | None, Decimal | None] | None = None


def _penalty(data: dict) -> tuple[str | None, Any]:
    """The optional ``penalty`` {"kind", "amount"} (in CSV and XLSX: that object as JSON text)."""
    value = data.get("penalty")
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else None
        except ValueError:
            raise InvalidInput("penalty 须为 JSON 对象 {\"kind\", \"amount\"}", 'penalty must be a JSON object {"kind", "amount"}',
                               "penalty") from None
    if value is None:
        return None, None
    if not isinstance(value, dict) or set(value) - {"kind", "amount"}:
        raise InvalidInput('penalty 须为 {"kind", "amount"}', 'penalty must be {"kind", "amount"}', "penalty")
    try:
        return check_penalty(value.get("kind"), value.get("amount"))
    except InvalidInput as error:
        raise InvalidInput(error.zh, error.en, "penalty") from None


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
        _penalty(data) if "penalty" in data else None,
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
    category = check_category(rule, item.category)
    # The sender keeps the evidence of a finding it decided: its decision document number points to it.
    if rule.evidence_required and not item.document_no:
        raise InvalidInput(f"记录类型 {rule.code} 须附证据：请填写决定文书号 document_no",
                           f"a {rule.code} record needs evidence: give its decision document number (document_no)",
                           "document_no")
    values = {
        "subject_id": subject.id, "rule_code": rule.code, "category": category,
        "decision_date": item.decision_date, "document_no": item.document_no, "authority": item.authority,
    }
    if item.penalty is not None:
        values["penalty_kind"], values["penalty_amount"] = item.penalty
    return values


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
    """Import already-decided findings, then reassess the subjects they touched as of today.

    Should a batch fail (or the file turn unreadable), the session's unfinished work is rolled
    back and the subjects of the batches already handed to ``commit_batch`` are reassessed (and
    handed over too) before the error is raised.
    """
    touched: set[int] = set()
    committed: set[int] = set()
    # The history's reason, rendered once: the rows only fill in the file and line.
    imported_from = bilingual(_l("imported from %(source)s line %(line)s"))
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
                reason = imported_from % {"source": job.source, "line": row.line}
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
                changes = apply_changes(record, values)
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
        # The batches handed to commit_batch are kept: their subjects must not keep stale grades.
        # The unfinished batch is discarded first, so it is neither scored nor committed with them.
        session.rollback()
        _reassess_imported(session, job, committed)
        raise
    _reassess_imported(session, job, touched)
    return job.summary


def _reassess_imported(session: Session, job: ImportJob, subject_ids: set[int]) -> None:
    """Reassess the subjects an import touched as of its day, a batch (and a commit) at a time."""
    # After a bulk load the planner's statistics still describe the tables before it; scoring
    # plans made from them loop over every record (2.7 s instead of 30 ms per 1,000 subjects).
    refresh_statistics(session, Record, Subject)
    ids = sorted(subject_ids)
    for start in range(0, len(ids), job.batch_size):
        reassess(session, FixedClock(job.now), catalog=job.catalog, subject_ids=ids[start:start + job.batch_size],
                 as_of=job.today, reason=f"import {job.source}")
        job.commit_batch()


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
            **({"penalty": {"kind": record.penalty_kind, "amount": _amount(record.penalty_amount)}}
               if record.penalty_kind else {}),
        }


def _amount(value: Decimal | None) -> int | float | None:
    """A yuan amount as a JSON number: whole yuan as an integer."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def assess(session: Session, catalog: Catalog, clock: Clock, as_of: dt.date | None = None,
           uscc: str | None = None) -> list[int] | None:
    """Compute and store the assessments as of a date (default today) for everyone or one subject.

    Returns the subject ids assessed (None: all). Raises NoCatalogInForce before the first
    catalog version and NotFound for an unregistered USCC.
    """
    subject_ids = None
    if uscc is not None:
        code = validate_uscc(uscc)
        subject = find_by_uscc(session, code)
        if subject is None:
            raise NotFound(f"统一社会信用代码 {code} 对应的主体尚未登记", f"no subject is registered with USCC {code}", "uscc")
        subject_ids = [subject.id]
    reassess(session, clock, catalog=catalog, subject_ids=subject_ids, as_of=as_of, reason="credit assess")
    return subject_ids


@dataclass(frozen=True)
class AssessmentResult:
    subject: Subject
    assessment: Assessment
    contributions: list[dict]

    def as_row(self) -> dict:
        a = self.assessment
        return {"uscc": self.subject.uscc, "as_of": a.as_of.isoformat(), "score": a.score, "grade": a.grade,
                "tier": a.tier, "listed": a.listed, "contributions": self.contributions}


def assessment_results(
    session: Session, as_of: dt.date | None = None, subject_ids: list[int] | None = None,
) -> Iterator[AssessmentResult]:
    """Stored assessments of ``as_of`` (default: each subject's latest), by USCC, with contributions."""
    a = Assessment
    query = select(a, Subject).join(Subject, Subject.id == a.subject_id)
    if as_of is not None:
        query = query.where(a.as_of == as_of)
    else:
        latest = select(a.subject_id, sa.func.max(a.as_of).label("as_of")).group_by(a.subject_id).subquery()
        query = query.join(latest, sa.and_(latest.c.subject_id == a.subject_id, latest.c.as_of == a.as_of))
    if subject_ids is not None:
        query = query.where(a.subject_id.in_(subject_ids))
    result = session.execute(query.order_by(Subject.uscc).execution_options(yield_per=BATCH_SIZE))
    for part in result.partitions():
        explained = _contributions(session, [assessment for assessment, _subject in part])
        for assessment, subject in part:
            yield AssessmentResult(subject, assessment, explained[assessment.id])


def _contributions(session: Session, assessments: list[Assessment]) -> dict[int, list[dict]]:
    return {
        assessment_id: [
            {"record_id": record_id(c.record.external_id, c.record.id), "type": c.rule_code, "points": c.counted_points}
            for c in rows
        ]
        for assessment_id, rows in contributions(session, assessments).items()
    }


def assessment_rows(session: Session, as_of: dt.date | None = None) -> Iterator[dict]:
    return (result.as_row() for result in assessment_results(session, as_of))
