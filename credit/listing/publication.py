"""Versioned publication of the list (after OpenSanctions and OFAC's SDN files).

A version is immutable and numbered: ``index.json`` (version, generated_at, entry count, SHA-256
and size of each file), ``list.csv`` (UTF-8 with BOM, Chinese headers, formula-safe), ``list.json``,
``list.pdf`` (the official layout), ``delta.json`` (added, removed, changed against the version
before). Files are a pure function of the entries, the number, the date and the time of
generation, written in a fixed order, so the same data gives the same bytes. They go to the file
store inside the caller's transaction: a failure at any step leaves neither a version nor a file.
A PostgreSQL advisory lock serialises publishers; the second finds nothing changed and does nothing.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.clock import FixedClock
from credit.errors import NotFound
from credit.listing.models import ListEntry, ListVersion
from credit.listing.terms import Terms
from credit.notices import layout
from credit.scoring.services import reassess
from credit.subjects.models import Subject

_PUBLISH_LOCK = 724_314  # PostgreSQL advisory lock: one publisher at a time
FIELDS = (
    ("id", "名单编号"), ("name", "名称"), ("uscc", "统一社会信用代码"), ("legal_representative", "法定代表人（负责人）"),
    ("reason", "列入原因"), ("legal_basis", "列入依据"), ("authority", "决定机关"), ("decision_no", "决定文号"),
    ("listed_on", "列入日期"), ("planned_removal_on", "计划移出日期"),
)
REMOVAL_FIELDS = ("removed_on", "removal_reason", "removal_authority")
FILE_ORDER = ("list.csv", "list.json", "list.pdf", "delta.json")
# Cells starting with these are formulas to a spreadsheet (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _dump(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def published_rows(session: Session) -> list[dict]:
    """The entries on the list now, as published (published fields only), by id."""
    rows = session.exec(select(ListEntry, Subject).join(Subject, Subject.id == ListEntry.subject_id)
                        .where(ListEntry.status == "listed").order_by(ListEntry.id)).all()
    return [_row(entry, subject) for entry, subject in rows]


def _row(entry: ListEntry, subject: Subject) -> dict:
    return {"id": entry.id, "name": subject.name, "uscc": subject.uscc,
            "legal_representative": subject.legal_representative or "", "reason": entry.reason,
            "legal_basis": entry.legal_basis, "authority": entry.authority, "decision_no": entry.decision_no,
            "listed_on": entry.listed_on.isoformat(), "planned_removal_on": entry.planned_removal_on.isoformat()}


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def list_csv(rows: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for _key, title in FIELDS])
    for row in rows:
        writer.writerow([_safe(str(row[key])) for key, _title in FIELDS])
    return out.getvalue().encode("utf-8")


def list_json(rows: list[dict]) -> bytes:
    return _dump(rows)


def delta_json(session: Session, number: int, previous: list[dict] | None, rows: list[dict]) -> tuple[bytes, dict]:
    before = {r["id"]: r for r in previous or []}
    now = {r["id"]: r for r in rows}
    removed_ids = sorted(set(before) - set(now))
    removal = {e.id: e for e in session.exec(select(ListEntry).where(ListEntry.id.in_(removed_ids)))} if removed_ids else {}
    delta = {
        "version": number,
        "previous": number - 1 if previous is not None else None,
        "added": [now[i] for i in sorted(set(now) - set(before))],
        "removed": [{**before[i], **{f: _text(getattr(removal[i], f, None)) for f in REMOVAL_FIELDS}}
                    for i in removed_ids],
        "changed": [{"id": i, "before": before[i], "after": now[i]} for i in sorted(set(now) & set(before))
                    if before[i] != now[i]],
    }
    return _dump(delta), delta


def _text(value) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def list_pdf(terms: Terms, number: int, as_of: dt.date, generated_at: dt.datetime, rows: list[dict],
             code: str) -> bytes:
    blocks: list[layout.Block] = [
        layout.Text(f"截至{layout.chinese_date(as_of)}，依据《市场监督管理严重违法失信名单管理办法》和《知识产权信用管理规定》，"
                    f"本局公示知识产权领域严重失信主体名单（第{number}版）共{len(rows)}户如下。"),
    ]
    if rows:
        blocks.append(layout.Table(
            ["名单编号", "名称", "统一社会信用代码", "决定机关及文号", "列入日期", "计划移出日期"],
            [[r["id"], r["name"], r["uscc"], f"{r['authority']} {r['decision_no']}", r["listed_on"],
              r["planned_removal_on"]] for r in rows],
            [0.15, 0.22, 0.19, 0.2, 0.12, 0.12]))
    else:
        blocks.append(layout.Text("本版名单无在列主体。"))
    blocks.append(layout.Text("列入原因和依据见同版 list.csv、list.json。移出名单的主体自移出之日起停止公示。"))
    return layout.render(layout.Document(
        authority=terms.authority, title="知识产权领域严重失信主体名单", number=f"第{number}版",
        issued_at=generated_at, verification_code=code,
        verify_url=f"{terms.notices.public_base_url}/list/versions/{number}", copy_to=[],
        issuing_office=terms.notices.issuing_office, blocks=blocks), terms.notices.fonts)


def build_files(session: Session, terms: Terms, number: int, as_of: dt.date, generated_at: dt.datetime,
                rows: list[dict], previous: list[dict] | None) -> tuple[dict[str, bytes], dict]:
    """Every file of a version, index.json last (it lists the others), and the delta."""
    files = {"list.csv": list_csv(rows), "list.json": list_json(rows)}
    files["list.pdf"] = list_pdf(terms, number, as_of, generated_at, rows,
                                 _sha256(files["list.json"])[:12].upper())
    files["delta.json"], delta = delta_json(session, number, previous, rows)
    files["index.json"] = _dump({
        "version": number, "as_of": as_of.isoformat(),
        "generated_at": generated_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "count": len(rows),
        "files": [{"name": name, "sha256": _sha256(files[name]), "size": len(files[name])} for name in FILE_ORDER],
    })
    return files, delta


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def latest_version(session: Session) -> ListVersion | None:
    return session.exec(select(ListVersion).order_by(ListVersion.number.desc()).limit(1)).first()


def version_files(version: ListVersion) -> list[dict]:
    return json.loads(version.files)


def read_file(terms: Terms, version: ListVersion, name: str) -> bytes:
    entry = next((f for f in version_files(version) if f["name"] == name), None)
    if entry is None:
        raise NotFound(f"第{version.number}版没有文件 {name}", f"version {version.number} has no file {name}", "name")
    return terms.notices.files.path(entry["sha256"]).read_bytes()


def version_rows(terms: Terms, version: ListVersion | None) -> list[dict]:
    return json.loads(read_file(terms, version, "list.json")) if version is not None else []


@dataclass(frozen=True)
class Publication:
    version: ListVersion | None  # None: nothing changed since the last version
    subject_ids: frozenset[int]


def publish_version(session: Session, terms: Terms, actor: Actor, now: dt.datetime, as_of: dt.date) -> Publication:
    """The next version if anything changed since the last; the entries it publishes (or stops
    publishing) get their dates. Does not reassess: ``publish`` does, and the expiry sweep."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:a)"), {"a": _PUBLISH_LOCK})
    last = latest_version(session)
    previous = version_rows(terms, last) if last is not None else None
    rows = published_rows(session)
    if (previous is None and not rows) or (previous is not None and list_json(rows) == list_json(previous)):
        return Publication(None, frozenset())
    number = (last.number if last else 0) + 1
    files, delta = build_files(session, terms, number, as_of, now, rows, previous)
    stored = [{"name": name, "sha256": terms.notices.files.store(session, data), "size": len(data)}
              for name, data in (("index.json", files["index.json"]), *((n, files[n]) for n in FILE_ORDER))]
    version = ListVersion(number=number, as_of=as_of, generated_at=now, entry_count=len(rows),
                          added=len(delta["added"]), removed=len(delta["removed"]), changed=len(delta["changed"]),
                          files=json.dumps(stored, ensure_ascii=False), published_by=actor.name)
    session.add(version)
    added = [r["id"] for r in delta["added"]]
    removed = [r["id"] for r in delta["removed"]]
    # ORM updates, so that entries already loaded in the session see their dates.
    if added:
        session.execute(sa.update(ListEntry).where(ListEntry.id.in_(added), ListEntry.first_published_on.is_(None))
                        .values(first_published_on=as_of))
    if removed:
        session.execute(sa.update(ListEntry).where(ListEntry.id.in_(removed),
                                                   ListEntry.removal_published_on.is_(None))
                        .values(removal_published_on=as_of))
    session.flush()
    subject_ids = frozenset(session.scalars(sa.select(ListEntry.subject_id).where(ListEntry.id.in_(added + removed))))
    record_event(session, actor=actor.name, action="list_version.publish", object_type="list_version",
                 object_id=number, data={"as_of": as_of, "count": len(rows), "added": added, "removed": removed,
                                         "changed": [c["id"] for c in delta["changed"]],
                                         "index_sha256": stored[0]["sha256"]}, now=now)
    return Publication(version, subject_ids)


def publish(session: Session, terms: Terms, actor: Actor, now: dt.datetime, as_of: dt.date) -> ListVersion | None:
    """Publish the next version (None: nothing changed) and re-grade the subjects it lists or
    stops listing as of its date (D from the day an entry is first published)."""
    publication = publish_version(session, terms, actor, now, as_of)
    if publication.version is not None:
        reassess(session, FixedClock(now), catalog=terms.catalog, subject_ids=publication.subject_ids, as_of=as_of,
                 reason=f"list version {publication.version.number} published")
    return publication.version


def pending_decisions(session: Session) -> bool:
    """Whether a decision (a listing or a removal) awaits publication."""
    unpublished = sa.or_(
        sa.and_(ListEntry.status == "listed", ListEntry.first_published_on.is_(None)),
        sa.and_(ListEntry.status == "removed", ListEntry.first_published_on.is_not(None),
                ListEntry.removal_published_on.is_(None)))
    return session.exec(select(ListEntry.id).where(unpublished).limit(1)).first() is not None


def versions(session: Session) -> list[ListVersion]:
    return list(session.exec(select(ListVersion).order_by(ListVersion.number.desc())))


def get_version(session: Session, number: int) -> ListVersion:
    version = session.get(ListVersion, number)
    if version is None:
        raise NotFound(f"名单第{number}版不存在", f"no list version {number}", "version")
    return version
