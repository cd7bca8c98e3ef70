"""Data exchange with other departments (DESIGN section 11): bulk import, export, assessments.

An import is one pipeline for every kind of row (subjects, records; list entries plug in the same
way, as a ``RowKind``):

1. each row is checked as far as the row alone can be (fields, types, lengths, dates, a sender
   id seen twice in the file), by a thread that reads a chunk of the file ahead (on the command
   line a process, ``run_ahead_in_process``), and the good
   ones of a chunk are staged a batch at a time in a temporary table (COPY on PostgreSQL,
   ``executemany`` on SQLite);
2. set-based statements then check the staged rows against what is stored (the subject, the
   catalog rule for its kind, a revoked record sent as confirmed), insert the new rows, update
   the changed ones, and write their history rows and audit events in bulk, chunk by chunk;
3. the subjects touched are reassessed once, at the end.

All or nothing: like every service it never commits, and it holds no commit point of its own, so
the caller commits the whole file once (``credit import`` does) and a file that fails part-way
(a line that is not UTF-8, a kill) leaves nothing behind. A bad row never stops the good ones: it
is handed to ``on_reject`` with its line, field and reason, and nothing of it is written. A row
whose sender id (USCC for subjects, ``id`` for records) is known updates what is stored and is
counted as unchanged when nothing differs, so importing the same file twice changes nothing.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import HashedAhead, json_text, record_events
from credit.catalog.loader import Catalog, NoCatalogInForce
from credit.clock import Clock, FixedClock
from credit.db import bulk_insert, bulk_settings, copy_into, copy_line, plain_rows, refresh_statistics, write_lock
from credit.errors import InvalidInput, NotFound
from credit.exchange.formats import SourceRow
from credit.i18n import bilingual
from credit.scoring.engine import contributions
from credit.scoring.models import Assessment
from credit.scoring.queries import in_force
from credit.scoring.services import reassess
from credit.subjects.models import SUBJECT_KINDS, Subject
from credit.subjects.services import SubjectInput, find_by_uscc, validate_uscc
from credit.records.models import CATEGORIES, Record, RecordEvent
from credit.records.services import check_category, check_penalty, check_rule
from credit.threads import run_ahead, run_ahead_in_process

BATCH_SIZE = 10_000  # rows staged (SQLite) and rows read back per statement
# Rows written by one round of set-based statements while the next are read. 50,000 rather than
# 100,000: as fast (1M records: 36.1 s against 37.2 s), and the import with its reading process
# then holds 750 MiB at most instead of 1,060.
CHUNK_SIZE = 50_000
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
    batch_size: int = BATCH_SIZE
    chunk_size: int = CHUNK_SIZE
    # The command line's: the file is read and checked by a process of its own rather than a thread
    # (run_ahead_in_process), where the process has no other thread to fork with.
    read_in_process: bool = False
    summary: ImportSummary = field(default_factory=ImportSummary)
    _versions: dict[dt.date, int] = field(default_factory=dict)
    _usccs: dict[str, str] = field(default_factory=dict)
    temporary: list[sa.Table] = field(default_factory=list)  # the import's own tables, dropped at its end
    fits: sa.Table | None = None  # records: how each combination seen so far fits (_fit_table)
    fitted: set[tuple] = field(default_factory=set)
    hashed: HashedAhead | None = None  # new rows' events, hashed while the next chunk is written (run_import)

    def reject(self, line: int, row: dict[str, Any], error: InvalidInput) -> None:
        self.summary.rejected += 1
        self.on_reject(Rejection(line, error.field or "(row)", error.zh, error.en, row))

    def uscc(self, text: str) -> str:
        """The valid USCC, or InvalidInput; checked once per subject (a file names each several times)."""
        if text not in self._usccs:
            self._usccs[text] = validate_uscc(text)
        return self._usccs[text]

    def version_of(self, decision_date: dt.date) -> int:
        """The index in the catalog of the version a record of that date is entered under."""
        if decision_date not in self._versions:
            try:
                version = self.catalog.version_for_record(decision_date)
            except NoCatalogInForce as exc:
                raise InvalidInput(exc.zh, exc.en, "decision_date") from None
            self._versions[decision_date] = self.catalog.versions.index(version)
        return self._versions[decision_date]

    def events(self, session: Session, action: str, object_type: str, rows: Iterable[tuple[Any, dict | str]]) -> None:
        """Audit events ``(object id, data)`` of one action, appended as they come. The file is
        added to the data; data given as canonical JSON text has it already."""
        rows = iter(rows)
        if (first := next(rows, None)) is None:
            return  # nothing to wait for: the events hashed ahead stay pending
        if self.hashed is not None:  # the events added before these come first
            self.hashed.flush(session)
        record_events(session, ({"actor": self.actor.name, "action": action, "object_type": object_type,
                                 "object_id": object_id,
                                 "data": data if type(data) is str else {**data, "source": self.source}}
                                for object_id, data in itertools.chain((first,), rows)), now=self.now)


@dataclass(frozen=True)
class RowKind:
    """What the pipeline needs to know about one kind of import row."""

    name: str  # the staging table is import_<name>
    key: str  # the field of the sender's id, which a file may hold once
    key_column: str  # where the id is staged
    columns: tuple[sa.Column, ...]  # staged besides the line
    # The staged values of a row (its data, its line), or InvalidInput.
    parse: Callable[[dict, int, ImportJob], dict]
    # Write a chunk: its staged rows and how many they are; the subjects to reassess.
    apply: Callable[[Session, sa.Table, ImportJob, int], set[int]]


def run_import(session: Session, rows: Iterable[SourceRow], job: ImportJob, kind: RowKind) -> ImportSummary:
    """Import rows of one kind in the caller's transaction (see the module's description).

    The file goes through in chunks: each is staged and written by the set-based statements
    while a thread (from the command line a process: ``read_in_process``) reads and checks the
    next one, so that Python's work on the rows and the database's overlap (on two cores a large
    file takes about the longer of the two, not their sum). The new rows' audit events are hashed
    by a thread of their own while the database writes the next chunk (``job.hashed``).
    """
    # An import checks what is stored before it writes (a known id updates, a new one inserts): two
    # at once would both take an id for new, and the second fail on it. Imports go one at a time
    # anyway, behind the audit chain's lock: taking it first, the second sees the first's rows.
    write_lock(session)
    bulk_settings(session)
    postgres = session.get_bind().dialect.name == "postgresql"
    staged = _staging_table(session, job, kind.name, (sa.Column("line", sa.Integer, nullable=False), *kind.columns))
    names = list(staged.c.keys())
    touched: set[int] = set()
    analysed = False
    ahead = run_ahead_in_process if job.read_in_process else run_ahead
    job.hashed = HashedAhead(job.now)
    try:
        for chunk in ahead(_chunks(rows, job, kind, names if postgres else None)):
            for line, data, error in chunk.rejected:
                job.reject(line, data, error)
            if not chunk.count:
                continue
            if postgres:  # the chunk's rows come as COPY text, put together by the reading thread
                with copy_into(session, staged, names) as copy:
                    copy.write(chunk.rows)
            else:
                bulk_insert(session, staged, chunk.rows, job.batch_size)
            count = chunk.count
            del chunk
            if postgres and not analysed:  # autovacuum never sees a temporary table; later chunks are alike
                session.execute(sa.text(f"ANALYZE {staged.name}"))
                analysed = True
            touched |= kind.apply(session, staged, job, count)
            session.execute(sa.text(f"TRUNCATE {staged.name}") if postgres else staged.delete())
        job.hashed.flush(session)
    finally:
        job.hashed.close()
        job.hashed = None
    for table in job.temporary:
        session.execute(sa.text(f"DROP TABLE {table.name}"))
    _reassess_imported(session, job, touched)
    return job.summary


@dataclass
class _Chunk:
    # The staged values of the rows that passed the checks alone: dicts, or lines of COPY text,
    # sent on as one block of UTF-8 (from a reading process one object to unpickle, not one a row).
    rows: list[dict | str] | bytes = field(default_factory=list)
    rejected: list[tuple[int, dict, InvalidInput]] = field(default_factory=list)  # line, row, why
    count: int = 0  # of rows

    def done(self, as_copy_text: bool) -> _Chunk:
        self.count = len(self.rows)
        if as_copy_text:
            self.rows = "".join(self.rows).encode()
        return self


def _chunks(rows: Iterable[SourceRow], job: ImportJob, kind: RowKind, names: list[str] | None) -> Iterator[_Chunk]:
    """The rows checked alone (fields, types, a sender id seen twice in the file), a chunk at a time;
    with ``names``, each good row as a line of COPY text of those columns."""
    seen: dict[str, int] = {}  # the line of each sender id, to refuse a second row with it
    chunk = _Chunk()
    # The first chunk is a tenth of the others: the database starts on it sooner (it waits for
    # nothing else), and from then on the next chunk is read while the last is written.
    size = max(1, job.chunk_size // 10)
    for row in rows:
        try:
            if row.problem is not None:
                raise row.problem
            values = kind.parse(row.data, row.line, job)
            key = values[kind.key_column]
            if (first := seen.setdefault(key, row.line)) != row.line:
                raise InvalidInput(f"{kind.key} {key} 在文件中重复：第 {first} 行与第 {row.line} 行",
                                   f"duplicate {kind.key} {key} in the file: lines {first} and {row.line}", kind.key)
        except InvalidInput as error:
            chunk.rejected.append((row.line, row.data, error))
        else:
            values["line"] = row.line
            chunk.rows.append(copy_line(values[name] for name in names) if names else values)
        if len(chunk.rows) + len(chunk.rejected) == size:
            yield chunk.done(names is not None)
            chunk, size = _Chunk(), job.chunk_size
    if chunk.rows or chunk.rejected:
        yield chunk.done(names is not None)


def _staging_table(session: Session, job: ImportJob, name: str, columns: Iterable[sa.Column]) -> sa.Table:
    """A temporary table of this transaction's connection, empty, dropped at the end of the import."""
    table = sa.Table(f"import_{name}", sa.MetaData(), *(c._copy() for c in columns), prefixes=["TEMPORARY"])
    # SQLite creates tables outside the transaction: one left by a failed run on this connection goes.
    session.execute(sa.text(f"DROP TABLE IF EXISTS {table.name}"))
    table.create(session.connection())
    job.temporary.append(table)
    return table


# ---------------------------------------------------------------------------------------------
# Reading the fields of a row

_JSON_TYPES = {dict: ("对象", "an object"), list: ("数组", "an array"), bool: ("布尔值", "true or false")}


def _text(data: dict, name: str, required: bool = True, column: sa.Column | None = None) -> str:
    """The field as trimmed text; ``column`` bounds its length (PostgreSQL refuses longer values
    and NUL characters). A JSON object, array, boolean or an infinite number is refused, not
    stored as Python's text of it."""
    value = data.get(name)
    if type(value) is str:  # nearly every field of every row: the checks below are for the rest
        text = value.strip()
    else:
        for kind, (zh, en) in _JSON_TYPES.items():
            if isinstance(value, kind):
                raise InvalidInput(f"字段 {name} 须为文本，不能是{zh}", f"field {name} must be text, not {en}", name)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise InvalidInput(f"字段 {name} 的数值超出范围", f"field {name} is a number out of range", name)
            if value.is_integer():  # a spreadsheet's number cell: 340403.0
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


def _joined(staged: sa.Table, table: sa.Table, on: str) -> tuple[sa.FromClause, sa.Table]:
    """The staged rows with the stored row of the same sender id, if any."""
    stored = table.alias("stored")
    return staged.outerjoin(stored, stored.c[on] == staged.c[on]), stored


# ---------------------------------------------------------------------------------------------
# Subjects

_SUBJECT_FIELDS = ("uscc", "name", "kind", "district", "legal_representative", "licence_no", "registered_on")


def _subject_values(data: dict, _line: int, job: ImportJob) -> dict[str, Any]:
    """The stored fields a row stands for. ``registered_on`` is optional (DESIGN §11's shape has no
    such field): a row without it leaves the stored date alone, an empty value clears it."""
    c = Subject.__table__.c
    values = vars(SubjectInput(
        uscc=_text(data, "uscc"), name=_text(data, "name", column=c.name), kind=_text(data, "kind"),
        district=_text(data, "district"), legal_representative=_text(data, "legal_representative", False,
                                                                     c.legal_representative),
        licence_no=_text(data, "licence_no", False, c.licence_no) or None,
    ).cleaned())
    given = "registered_on" in data
    values["registered_on"] = (_date(data, "registered_on", job.today)
                               if given and _text(data, "registered_on", False) else None)
    return {**values, "has_registered_on": given}


def _apply_subjects(session: Session, staged: sa.Table, job: ImportJob, _count: int) -> set[int]:
    subject = Subject.__table__
    s = staged.c
    joined, stored = _joined(staged, subject, "uscc")
    fields = [f for f in _SUBJECT_FIELDS if f != "registered_on"]

    def values(row) -> dict:
        return {f: getattr(row, f) for f in _SUBJECT_FIELDS if f != "registered_on" or row.has_registered_on}

    differs = sa.or_(*(stored.c[f].is_distinct_from(s[f]) for f in fields),
                     sa.and_(s.has_registered_on, stored.c.registered_on.is_distinct_from(s.registered_on)))
    changed = session.execute(select(staged, stored.c.id.label("stored_id"), *(stored.c[f].label(f"old_{f}")
                                                                             for f in _SUBJECT_FIELDS))
                              .select_from(joined).where(stored.c.id.is_not(None), differs).order_by(s.line)).all()
    known = session.scalar(select(sa.func.count()).select_from(joined).where(stored.c.id.is_not(None)))

    before = session.scalar(select(sa.func.max(subject.c.id))) or 0
    session.execute(subject.insert().from_select(
        [*_SUBJECT_FIELDS, "created_at", "updated_at"],
        select(*(s[f] for f in _SUBJECT_FIELDS), sa.literal(job.now, subject.c.created_at.type),
               sa.literal(job.now, subject.c.updated_at.type))
        .where(~sa.exists().where(subject.c.uscc == s.uscc)).order_by(s.line)))
    new = (select(subject.c.id, staged).join(staged, s.uscc == subject.c.uscc).where(subject.c.id > before)
           .order_by(subject.c.id))
    job.summary.imported += _log_new(session, job, "subject.create", "subject", new,
                                    lambda row: {**values(row), "line": row.line})

    updates, events = [], []
    for row in changed:
        wanted = values(row)
        changes = {f: [getattr(row, f"old_{f}"), v] for f, v in wanted.items() if getattr(row, f"old_{f}") != v}
        updates.append({"stored_id": row.stored_id, **{f: getattr(row, f) for f in _SUBJECT_FIELDS},
                        "registered_on": wanted.get("registered_on", row.old_registered_on)})
        events.append((row.stored_id, {"changes": changes, "line": row.line}))
    if updates:
        session.execute(subject.update().where(subject.c.id == sa.bindparam("stored_id"))
                        .values(updated_at=job.now), updates)
    job.events(session, "subject.update", "subject", events)
    job.summary.updated += len(updates)
    job.summary.unchanged += known - len(updates)
    return set()  # a subject's own fields do not change its score


def _log_new(session: Session, job: ImportJob, action: str, object_type: str, query: sa.Select,
             data: Callable[[Any], dict]) -> int:
    """Write the audit events of the rows ``query`` finds (new rows, their id first), read and written a batch at a time."""
    count = 0
    result = session.execute(query, execution_options={"yield_per": job.batch_size})
    for rows in result.partitions():
        job.events(session, action, object_type, ((row[0], data(row)) for row in rows))
        count += len(rows)
    return count


SUBJECTS = RowKind(
    name="subjects", key="uscc", key_column="uscc",
    columns=(sa.Column("uscc", sa.String(18)), sa.Column("name", sa.String(200)), sa.Column("kind", sa.String(20)),
             sa.Column("district", sa.String(6)), sa.Column("legal_representative", sa.String(100)),
             sa.Column("licence_no", sa.String(50)), sa.Column("registered_on", sa.Date),
             sa.Column("has_registered_on", sa.Boolean)),
    parse=_subject_values, apply=_apply_subjects,
)


def import_subjects(session: Session, rows: Iterable[SourceRow], job: ImportJob) -> ImportSummary:
    return run_import(session, rows, job, SUBJECTS)


# ---------------------------------------------------------------------------------------------
# Records

_RECORD_FIELDS = ("subject_id", "rule_code", "category", "decision_date", "document_no", "authority")


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


def _record_row(data: dict, line: int, job: ImportJob) -> dict:
    """What a row alone says: the checks that need the subject and the catalog's fit come later."""
    external_id = _text(data, "id")
    if len(external_id) > 64:
        raise InvalidInput("id 不能超过 64 个字符", "id must be at most 64 characters", "id")
    uscc = job.uscc(_text(data, "uscc"))
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
    decision_date = _date(data, "decision_date", job.today)
    return {
        "external_id": external_id, "uscc": uscc, "type": rule_code, "category": category,
        "decision_date": decision_date, "document_no": _text(data, "document_no", False, c.document_no),
        "authority": _text(data, "authority", column=c.authority), "status": status,
        "version": job.version_of(decision_date),
        # A row without ``penalty`` leaves the stored penalty alone (the field is optional).
        "has_penalty": "penalty" in data, **dict(zip(("penalty_kind", "penalty_amount"),
                                                     _penalty(data) if "penalty" in data else (None, None))),
    }


def _import_events(job: ImportJob, inserted: list[tuple]) -> Iterator[dict]:
    """The ``record.import`` audit events of the records inserted, in the order of their ids. Each
    event's data is canonical JSON (canonical_json's keys in order, its encoding of each value),
    put together around the values read back rather than through the encoder (a test holds it to
    canonical_json). A category is a catalog code and a subject id digits: nothing to escape."""
    actor, source, encode = job.actor.name, json_text(job.source), json_text
    for (record_id, external_id, subject_id, category, rule_code, decision_date, document_no, authority, status,
         line) in inserted:
        yield {"actor": actor, "action": "record.import", "object_type": "record", "object_id": record_id,
               "data": f'{{"authority":{encode(authority)},"category":"{category}","decision_date":'
                       f'"{decision_date.isoformat()}","document_no":{encode(document_no)},"external_id":'
                       f'{encode(external_id)},"line":{line},"rule_code":{encode(rule_code)},"source":{source},'
                       f'"status":{encode(status)},"subject_id":{subject_id}}}'}


def _fit(catalog: Catalog, kind: str, rule_code: str, category: str, no_document: bool, decision_date: dt.date) -> str:
    """The category a record of this type gets on a subject of this kind, or InvalidInput why it does not fit."""
    try:
        rule = check_rule(catalog, SimpleNamespace(kind=kind), rule_code, decision_date)
    except InvalidInput as error:
        raise InvalidInput(error.zh, error.en, "type" if error.field == "rule_code" else error.field) from None
    category = check_category(rule, category)
    # The sender keeps the evidence of a finding it decided: its decision document number points to it.
    if rule.evidence_required and no_document:
        raise InvalidInput(f"记录类型 {rule.code} 须附证据：请填写决定文书号 document_no",
                           f"a {rule.code} record needs evidence: give its decision document number (document_no)",
                           "document_no")
    return category


def _fit_table(session: Session, staged: sa.Table, job: ImportJob) -> sa.Table:
    """How each (catalog version, type, subject kind, category, document given) found in the file
    fits, once per combination rather than once per row: the category to store, or why not. The
    staged rows alone say what to fit, for each kind of subject: a join to the subjects to find
    their kinds cost as much again (1M records: 1.2 s)."""
    s = staged.c
    no_document = (s.document_no == "").label("no_document")
    combinations = [(version, rule_code, kind, given, no_doc, day) for version, rule_code, given, no_doc, day
                    in session.execute(select(s.version, s.type, s.category, no_document, sa.func.min(s.decision_date))
                                       .group_by(s.version, s.type, s.category, no_document))
                    for kind in SUBJECT_KINDS]
    if (fit := job.fits) is None:  # one table for the whole file: a chunk adds the combinations not seen before
        fit = job.fits = _staging_table(session, job, "fit", (
            sa.Column("version", sa.Integer), sa.Column("type", sa.String(40)), sa.Column("kind", sa.String(20)),
            sa.Column("given", sa.String(20)), sa.Column("no_document", sa.Boolean), sa.Column("category", sa.String(20)),
            sa.Column("field", sa.String(40)), sa.Column("reason_zh", sa.Text), sa.Column("reason_en", sa.Text)))
    rows = []
    for version, rule_code, kind, given, no_doc, day in combinations:
        if (key := (version, rule_code, kind, given, bool(no_doc))) in job.fitted:
            continue
        job.fitted.add(key)
        row = {"version": version, "type": rule_code, "kind": kind, "given": given, "no_document": bool(no_doc),
               "category": None, "field": None, "reason_zh": None, "reason_en": None}
        try:
            row["category"] = _fit(job.catalog, kind, rule_code, given, bool(no_doc), day)
        except InvalidInput as error:
            row.update(field=error.field, reason_zh=error.zh, reason_en=error.en)
        rows.append(row)
    if rows:
        bulk_insert(session, fit, rows)
    return fit


def _apply_records(session: Session, staged: sa.Table, job: ImportJob, count: int) -> set[int]:
    record, subject, history = Record.__table__, Subject.__table__, RecordEvent.__table__
    s = staged.c
    fit = _fit_table(session, staged, job)
    fits_on = sa.and_(fit.c.version == s.version, fit.c.type == s.type, fit.c.kind == subject.c.kind,
                      fit.c.given == s.category, fit.c.no_document == (s.document_no == ""))

    # The history's reason: "imported from FILE line N" in both languages, rendered once around the line's number.
    parts = (bilingual(_l("imported from %(source)s line %(line)s")) % {"source": job.source, "line": "\x00"}).split("\x00")

    def reason(line: sa.ColumnElement) -> sa.ColumnElement:
        text = sa.literal(parts[0])
        for part in parts[1:]:
            text = text + sa.cast(line, sa.String) + sa.literal(part)
        return text

    # New ids first: the rows that fit and are not stored yet.
    now = sa.literal(job.now, record.c.created_at.type)
    before = session.scalar(select(sa.func.max(record.c.id))) or 0
    # Inner joins and an anti-join: the planner estimates them well on a table it has no statistics of yet.
    insert = record.insert().from_select(
        ["external_id", *_RECORD_FIELDS, "facts", "status", "status_reason", "confirmed_at", "created_at", "updated_at",
         "penalty_kind", "penalty_amount"],
        select(s.external_id, subject.c.id, s.type, fit.c.category, s.decision_date, s.document_no, s.authority,
               sa.literal(""), s.status, sa.case((s.status == "revoked", reason(s.line)), else_=""), now, now, now,
               s.penalty_kind, s.penalty_amount)
        .select_from(staged.join(subject, subject.c.uscc == s.uscc).join(fit, fits_on))
        .where(fit.c.category.is_not(None), ~sa.exists().where(record.c.external_id == s.external_id))
        .order_by(s.line))
    # Then each new record's first history row, and what its audit event holds, read back with its line.
    kept = [record.c[name] for name in ("id", "external_id", *_RECORD_FIELDS, "status")]
    if postgres := session.get_bind().dialect.name == "postgresql":  # the three in one statement
        new = insert.returning(*kept).cte("new")
    else:  # SQLite has no INSERT within a WITH: the same in three statements
        session.execute(insert)
        new = select(*kept).where(record.c.id > before).subquery("new")
    with_line = new.join(staged, s.external_id == new.c.external_id)
    first_history = history.insert().from_select(
        ["record_id", "at", "from_status", "to_status", "reason"],
        select(new.c.id, now, sa.null(), new.c.status, reason(s.line)).select_from(with_line))
    read_back = select(new.c.id, new.c.external_id, new.c.subject_id, new.c.category, new.c.rule_code,
                       new.c.decision_date, new.c.document_no, new.c.authority, new.c.status, s.line
                       ).select_from(with_line).order_by(new.c.id)
    job.hashed.start()  # the last chunk's events are hashed while the database writes this one's records
    if postgres:
        inserted = plain_rows(session, read_back.add_cte(first_history.cte("first_history")))
    else:
        session.execute(first_history)
        inserted = plain_rows(session, read_back)
    # Hashed by a thread while the next chunk's records are written, and appended after them.
    job.hashed.add(session, _import_events(job, inserted))
    job.summary.imported += len(inserted)
    touched = {row[2] for row in inserted}

    # The rest were refused or are stored already (an initial load has none: every staged row is new).
    changed = []
    if len(inserted) < count:
        stored = record.alias("stored")  # as it was before the insert above
        joined = (staged.outerjoin(stored, sa.and_(stored.c.external_id == s.external_id, stored.c.id <= before))
                  .outerjoin(subject, subject.c.uscc == s.uscc).outerjoin(fit, fits_on))
        revived = sa.and_(stored.c.id.is_not(None), stored.c.status == "revoked", s.status == "confirmed")
        good = sa.and_(subject.c.id.is_not(None), fit.c.category.is_not(None), sa.not_(revived))

        # Refused against what is stored, in the order a row is checked alone: subject, type, status.
        refused = select(staged, subject.c.id.label("subject_id"), fit.c.field, fit.c.reason_zh, fit.c.reason_en)
        for row in session.execute(refused.select_from(joined).where(sa.not_(good)).order_by(s.line)):
            if row.subject_id is None:
                error = InvalidInput(f"统一社会信用代码 {row.uscc} 对应的主体尚未登记，请先导入主体",
                                     f"no subject is registered with USCC {row.uscc}: import subjects first", "uscc")
            elif row.field is not None:
                error = InvalidInput(row.reason_zh, row.reason_en, row.field)
            else:  # A revoked record is never revived: the sender needs a new id.
                error = InvalidInput("该记录已撤销，不能重新确认；请使用新的 id 报送",
                                     "the record was revoked and cannot be confirmed again: send it with a new id",
                                     "status")
            job.reject(row.line, _record_source(row), error)

        # Known ids: only the rows whose fields or status differ are read back, for their events.
        wanted = {"subject_id": subject.c.id, "rule_code": s.type, "category": fit.c.category,
                  "decision_date": s.decision_date, "document_no": s.document_no, "authority": s.authority}
        revoking = sa.and_(s.status == "revoked", stored.c.status != "revoked")
        penalty_differs = sa.and_(s.has_penalty, sa.or_(stored.c.penalty_kind.is_distinct_from(s.penalty_kind),
                                                         stored.c.penalty_amount.is_distinct_from(s.penalty_amount)))
        differs = sa.or_(revoking, penalty_differs, *(stored.c[f] != value for f, value in wanted.items()))
        known = select(stored.c.id, stored.c.status, stored.c.status_reason, s.line,
                       *(stored.c[f] for f in _RECORD_FIELDS), *(value.label(f"new_{f}") for f, value in wanted.items()),
                       revoking.label("revoking"), s.has_penalty, stored.c.penalty_kind, stored.c.penalty_amount,
                       s.penalty_kind.label("new_penalty_kind"), s.penalty_amount.label("new_penalty_amount"))
        changed = session.execute(known.select_from(joined).where(good, stored.c.id.is_not(None), differs)
                                  .order_by(s.line)).all()
        job.summary.unchanged += session.scalar(select(sa.func.count()).select_from(joined)
                                               .where(good, stored.c.id.is_not(None))) - len(changed)
    job.summary.updated += len(changed)

    updates, updated, revocations = [], [], []
    for row in changed:
        values = {f: getattr(row, f"new_{f}") for f in _RECORD_FIELDS}
        values.update(penalty_kind=row.penalty_kind, penalty_amount=row.penalty_amount)
        if row.has_penalty:
            values.update(penalty_kind=row.new_penalty_kind, penalty_amount=row.new_penalty_amount)
        if changes := {f: [getattr(row, f), v] for f, v in values.items() if getattr(row, f) != v}:
            updated.append((row.id, {"changes": changes, "line": row.line}))
        status, status_reason = row.status, row.status_reason
        if row.revoking:
            status, status_reason = "revoked", str(row.line).join(parts)
            revocations.append((row, status_reason))
        updates.append({"stored_id": row.id, **values, "status": status, "status_reason": status_reason})
        touched.update((row.subject_id, row.new_subject_id))
    if updates:
        session.execute(record.update().where(record.c.id == sa.bindparam("stored_id")).values(updated_at=job.now),
                        updates)
    job.events(session, "record.update", "record", updated)
    if revocations:
        session.execute(history.insert(), [
            {"record_id": row.id, "at": job.now, "actor_id": None, "from_status": row.status, "to_status": "revoked",
             "reason": line_reason} for row, line_reason in revocations])
    job.events(session, "record.revoked", "record", (
        (row.id, {"from": row.status, "to": "revoked", "reason": line_reason, "subject_id": row.new_subject_id,
                  "rule_code": row.new_rule_code}) for row, line_reason in revocations))
    return touched


def _record_source(row) -> dict:
    """A staged row as the file's row, for the rejects file (a row refused in SQL was well-formed)."""
    return {"id": row.external_id, "uscc": row.uscc, "type": row.type, "category": row.category,
            "decision_date": row.decision_date.isoformat(), "document_no": row.document_no,
            "authority": row.authority, "status": row.status}


RECORDS = RowKind(
    name="records", key="id", key_column="external_id",
    columns=(sa.Column("external_id", sa.String(64)), sa.Column("uscc", sa.String(18)), sa.Column("type", sa.String(40)),
             sa.Column("category", sa.String(20)), sa.Column("decision_date", sa.Date),
             sa.Column("document_no", sa.String(100)), sa.Column("authority", sa.String(200)),
             sa.Column("status", sa.String(12)), sa.Column("version", sa.Integer),
             sa.Column("has_penalty", sa.Boolean), sa.Column("penalty_kind", sa.String(30)),
             sa.Column("penalty_amount", sa.Numeric(14, 2))),
    parse=_record_row, apply=_apply_records,
)


def import_records(session: Session, rows: Iterable[SourceRow], job: ImportJob) -> ImportSummary:
    """Import already-decided findings, then reassess the subjects they touched as of today."""
    return run_import(session, rows, job, RECORDS)


def _reassess_imported(session: Session, job: ImportJob, subject_ids: set[int]) -> None:
    """Reassess the subjects an import touched as of its day, a chunk of subjects at a time (each
    chunk's audit event names its subjects). The last chunk takes the remainder: on its own, a
    remainder smaller than a chunk would be recomputed 1,000 subjects a statement, which the
    engine keeps for the few subjects of a night (177,000 subjects: 31 statements and 2.55 s)."""
    if not subject_ids:
        return
    # After a bulk insert the planner's statistics still describe the record table before it, and
    # the scoring plans made from them loop over every record (2.7 s instead of 30 ms per 1,000
    # subjects). The chunks' own statements need none: they probe unique keys and the staged
    # rows, and an ANALYZE whenever the table had doubled made an initial load of 1M records no
    # faster (it cost 1.2 s).
    if job.summary.imported:
        refresh_statistics(session, Record)
    ids = sorted(subject_ids)
    starts = list(range(0, len(ids), job.chunk_size))[:max(1, len(ids) // job.chunk_size)]
    for start, end in zip(starts, [*starts[1:], len(ids)]):
        reassess(session, FixedClock(job.now), catalog=job.catalog, subject_ids=ids[start:end],
                 as_of=job.today, reason=f"import {job.source}")


# ---------------------------------------------------------------------------------------------
# Export and assessments


# An export streams whole (the command line) or a page at a time (the API's cursor): each kind
# yields (key, row) in a fixed order, and a page starts after the key its previous page ended on.
Key = tuple  # JSON values (text, numbers), so a cursor can carry it


def keyset_page(query, order: tuple, after: Key | None, limit: int | None):
    """``query`` in the export's ``order`` (columns), from after the key ``after``, at most ``limit`` rows."""
    if after is not None:
        query = query.where(sa.tuple_(*order) > tuple(after))
    if limit is not None:
        query = query.limit(limit)
    return query.order_by(*order).execution_options(yield_per=BATCH_SIZE)


def _rows(items: Iterator[tuple[Key, dict]]) -> Iterator[dict]:
    return (row for _key, row in items)


def subject_items(session: Session, after: Key | None = None, limit: int | None = None) -> Iterator[tuple[Key, dict]]:
    """Subjects by USCC: (key, row)."""
    for subject in session.exec(keyset_page(select(Subject), (Subject.uscc,), after, limit)):
        yield (subject.uscc,), {column: getattr(subject, column) for column in SUBJECT_COLUMNS}


def subject_rows(session: Session) -> Iterator[dict]:
    return _rows(subject_items(session))


def record_id(external_id: str | None, internal_id: int) -> str | int:
    """How a record is named to other departments: the sender's id, else ours."""
    return external_id if external_id is not None else internal_id


def record_items(session: Session, after: Key | None = None, limit: int | None = None) -> Iterator[tuple[Key, dict]]:
    """Shared records by USCC, decision date and id: (key, row)."""
    if after is not None:  # the key as a cursor carries it: the date as text
        after = (after[0], dt.date.fromisoformat(after[1]), after[2])
    query = (select(Record, Subject.uscc).join(Subject, Subject.id == Record.subject_id)
             .where(Record.status.in_(EXPORTED_STATUS)))
    for record, uscc in session.exec(keyset_page(query, (Subject.uscc, Record.decision_date, Record.id), after, limit)):
        yield (uscc, record.decision_date.isoformat(), record.id), {
            "id": str(record_id(record.external_id, record.id)), "uscc": uscc, "type": record.rule_code,
            "category": record.category, "decision_date": record.decision_date.isoformat(),
            "document_no": record.document_no, "authority": record.authority,
            "status": EXPORTED_STATUS[record.status],
            **({"penalty": {"kind": record.penalty_kind, "amount": _amount(record.penalty_amount)}}
               if record.penalty_kind else {}),
        }


def record_rows(session: Session) -> Iterator[dict]:
    return _rows(record_items(session))


def _amount(value: Decimal | None) -> int | float | None:
    """A yuan amount as a JSON number: whole yuan as an integer."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def assess(session: Session, catalog: Catalog, clock: Clock, as_of: dt.date | None = None,
           uscc: str | None = None, full: bool = False) -> list[int] | None:
    """Compute and store (by change) the assessments as of a date (default today) for everyone or one subject.

    Everyone: the subjects whose result can have changed since the latest run, or every subject
    when ``full``. Returns the subject ids assessed (None: all). Raises NoCatalogInForce before
    the first catalog version and NotFound for an unregistered USCC.
    """
    subject_ids = None
    if uscc is not None:
        code = validate_uscc(uscc)
        subject = find_by_uscc(session, code)
        if subject is None:
            raise NotFound(f"统一社会信用代码 {code} 对应的主体尚未登记", f"no subject is registered with USCC {code}", "uscc")
        subject_ids = [subject.id]
    reassess(session, clock, catalog=catalog, subject_ids=subject_ids, as_of=as_of, reason="credit assess",
             only_changed=not full)
    return subject_ids


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
    session: Session, as_of: dt.date, subject_ids: list[int] | None = None, after: Key | None = None,
    limit: int | None = None,
) -> Iterator[AssessmentResult]:
    """The assessments in force on ``as_of``, by USCC (from after the key ``after``), with contributions."""
    a = Assessment
    query = select(a, Subject).join(Subject, Subject.id == a.subject_id).where(in_force(as_of))
    if subject_ids is not None:
        query = query.where(a.subject_id.in_(subject_ids))
    result = session.execute(keyset_page(query, (Subject.uscc,), after, limit))
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


def assessment_items(session: Session, as_of: dt.date, after: Key | None = None,
                     limit: int | None = None) -> Iterator[tuple[Key, dict]]:
    """The assessments in force on ``as_of`` by USCC: (key, row)."""
    for result in assessment_results(session, as_of, after=after, limit=limit):
        yield (result.subject.uscc,), result.as_row()


def assessment_rows(session: Session, as_of: dt.date) -> Iterator[dict]:
    return _rows(assessment_items(session, as_of))
