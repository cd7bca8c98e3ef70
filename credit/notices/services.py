"""The notice archive: issue a document once per triggering event, number it, store it, find it.

A notice is rendered in memory, its file written by SHA-256 under ``STORAGE_DIR/notices`` and its
row added in the caller's transaction. If that transaction rolls back, the files it wrote are
removed again, so a failed job leaves neither a row nor a file behind.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import tempfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.clock import to_local
from credit.notices import layout
from credit.notices.kinds import KINDS, Kind
from credit.notices.models import Notice
from credit.search import contains

# No 0/O, 1/I/L: the code is read from paper and typed by hand. 31**12 is about 2**59.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
_CODE_PATTERN = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_NUMBERING_LOCK = 724_312  # PostgreSQL advisory lock class for per-kind numbering


@dataclass(frozen=True)
class NoticeSettings:
    storage_dir: Path
    authority: str
    public_base_url: str

    @classmethod
    def from_config(cls, config: Mapping) -> "NoticeSettings":
        return cls(Path(config["STORAGE_DIR"]), config["AUTHORITY_NAME"], config["PUBLIC_BASE_URL"].rstrip("/"))

    def verify_url(self, code: str) -> str:
        return f"{self.public_base_url}/verify/{code}"


def current_settings() -> NoticeSettings:
    from flask import current_app

    return NoticeSettings.from_config(current_app.config)


def notice_path(storage_dir: Path, sha256: str) -> Path:
    return Path(storage_dir) / "notices" / sha256[:2] / f"{sha256}.pdf"


def normalise_code(text: str) -> str | None:
    """The code as stored, from what a person typed (any case, with or without dashes), or None."""
    code = re.sub(r"[\s-]", "", text or "").upper()
    return code if _CODE_PATTERN.match(code) else None


def find_by_code(session: Session, text: str) -> Notice | None:
    code = normalise_code(text)
    if code is None:
        return None
    return session.exec(select(Notice).where(Notice.verification_code == code)).first()


def find_by_event(session: Session, event_key: str) -> Notice | None:
    return session.exec(select(Notice).where(Notice.event_key == event_key)).first()


def document_number(kind: type[Kind], year: int, serial: int) -> str:
    return f"{kind.number_prefix}〔{year}〕第{serial:04d}号"


def _next_serial(session: Session, kind: str, year: int) -> int:
    """max + 1 inside the transaction: a rollback leaves no gap, and the lock serialises issuers."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:a, :b)"),
                        {"a": _NUMBERING_LOCK, "b": zlib.crc32(kind.encode()) & 0x7FFFFFFF})
    last = session.exec(select(sa.func.max(Notice.serial)).where(Notice.kind == kind, Notice.year == year)).one()
    return (last or 0) + 1


def _write_file(session: Session, storage_dir: Path, sha256: str, content: bytes) -> None:
    target = notice_path(storage_dir, sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a reader never sees half a file.
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
        handle.write(content)
    os.replace(handle.name, target)
    _remove_on_rollback(session, target)


def _remove_on_rollback(session: Session, path: Path) -> None:
    written = session.info.get("notice_files")
    if written is None:
        written = session.info["notice_files"] = []
        sa.event.listen(session, "after_commit", lambda s: s.info["notice_files"].clear())
        sa.event.listen(session, "after_rollback", _remove_written)
    written.append(path)


def _remove_written(session: Session) -> None:
    # Each file holds its own document number and code, so no other notice shares it.
    for path in session.info["notice_files"]:
        path.unlink(missing_ok=True)
    session.info["notice_files"].clear()


def issue(
    session: Session,
    settings: NoticeSettings,
    document: Kind,
    *,
    event_key: str,
    subject_id: int | None,
    actor: Actor,
    now: dt.datetime,
) -> tuple[Notice, bool]:
    """Issue ``document`` for ``event_key`` unless that event already has its notice.

    Returns the notice and whether it is new. Runs in the caller's transaction.
    """
    existing = find_by_event(session, event_key)
    if existing is not None:
        return existing, False
    issued_on = to_local(now).date()
    serial = _next_serial(session, document.kind, issued_on.year)
    kind = KINDS[document.kind]
    number = document_number(kind, issued_on.year, serial)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    content = layout.render(layout.Document(
        authority=settings.authority, title=kind.title, number=number, issued_on=issued_on,
        verification_code=code, verify_url=settings.verify_url(code), recipient=document.recipient,
        blocks=document.blocks(),
    ))
    sha256 = hashlib.sha256(content).hexdigest()
    notice = Notice(
        kind=document.kind, event_key=event_key, subject_id=subject_id, recipient=document.recipient or "",
        year=issued_on.year, serial=serial, document_no=number, verification_code=code, issued_on=issued_on,
        issued_at=now, issued_by=actor.name, sha256=sha256, size=len(content),
    )
    session.add(notice)
    session.flush()
    _write_file(session, settings.storage_dir, sha256, content)
    record_event(session, actor=actor.name, action="notice.issue", object_type="notice", object_id=notice.id,
                 data={"kind": notice.kind, "event_key": event_key, "document_no": number, "sha256": sha256,
                       "subject_id": subject_id}, now=now)
    return notice, True


@dataclass
class NoticeFilter:
    kind: str | None = None
    subject_id: int | None = None
    text: str | None = None  # part of the recipient's name or of the document number
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None


def search(session: Session, criteria: NoticeFilter, page: int = 1, per_page: int = 50) -> tuple[list[Notice], int]:
    """One page of the archive, newest first, and the number of matching notices."""
    query = select(Notice)
    if criteria.kind:
        query = query.where(Notice.kind == criteria.kind)
    if criteria.subject_id is not None:
        query = query.where(Notice.subject_id == criteria.subject_id)
    if criteria.text:
        query = query.where(sa.or_(contains(Notice.recipient, criteria.text, "q"),
                                   contains(Notice.document_no, criteria.text, "q")))
    if criteria.issued_from:
        query = query.where(Notice.issued_on >= criteria.issued_from)
    if criteria.issued_to:
        query = query.where(Notice.issued_on <= criteria.issued_to)
    total = session.exec(select(sa.func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(Notice.issued_at.desc(), Notice.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), total
