"""The notice archive: issue a document once per triggering event, number it, store it, find it.

A notice is rendered in memory, its file kept in the file store (``credit.files``) and its row
added in the caller's transaction. If that transaction rolls back, the file goes with it, so a
failed job leaves neither a row nor a file behind.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.clock import to_local
from credit.db import write_lock
from credit.files import FileStore
from credit.i18n import chinese
from credit.notices import layout
from credit.notices.kinds import KINDS, Kind
from credit.notices.models import Notice
from credit.paging import Page, paginate
from credit.search import contains

# No 0/O, 1/I/L: the code is read from paper and typed by hand. 31**12 is about 2**59.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
_CODE_PATTERN = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


@dataclass(frozen=True)
class NoticeSettings:
    files: FileStore
    authority: str
    public_base_url: str
    # Terms the notices state (configuration, not text): the firm's objection window, the list period.
    objection_working_days: int
    listing_years: int

    issuing_office: str = ""  # 印发机关, printed in the 版记
    fonts: layout.FontFiles = layout.FontFiles()

    @classmethod
    def from_config(cls, config: Mapping) -> "NoticeSettings":
        return cls(FileStore(config["STORAGE_DIR"]), config["AUTHORITY_NAME"], config["PUBLIC_BASE_URL"].rstrip("/"),
                   config["OBJECTION_WORKING_DAYS"], config["LISTING_YEARS"], config["ISSUING_OFFICE"],
                   layout.FontFiles.from_config(config))

    def verify_url(self, code: str) -> str:
        return f"{self.public_base_url}/verify/{code}"


LOOPBACK_HOSTS = {"localhost", "localhost.localdomain", ""}


def public_base_url_warning(config: Mapping) -> str | None:
    """The one-line warning for a production database whose notices would print an address
    nobody else can reach (CREDIT_PUBLIC_BASE_URL unset, or set to this machine); else None."""
    if sa.engine.make_url(config["DATABASE_URL"]).get_backend_name() != "postgresql":
        return None
    url = config.get("PUBLIC_BASE_URL") or ""
    host = (urlsplit(url).hostname or "").lower()
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host in LOOPBACK_HOSTS
    if not loopback:
        return None
    shown = url or "（未设置）"
    return (f"警告：CREDIT_PUBLIC_BASE_URL 未设置或指向本机（{shown}），告知书的二维码和核验链接在其他电脑上无法打开 / "
            f"warning: CREDIT_PUBLIC_BASE_URL is unset or points at a loopback address ({url or 'unset'}): "
            "the QR codes and verification links printed in notices will not open anywhere else")


def current_settings() -> NoticeSettings:
    from flask import current_app

    return NoticeSettings.from_config(current_app.config)


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
    """淮知信告〔2026〕27号 (GB/T 9704-2012 7.2.4): the year in 〔〕, no 第, no leading zeros.

    Notices issued before this form keep the number printed on their file (第0027号).
    """
    return f"{kind.number_prefix}〔{year}〕{serial}号"


def _next_serial(session: Session, kind: str, year: int) -> int:
    """max + 1 inside the transaction (a rollback leaves no gap), under ``issue``'s write lock."""
    last = session.exec(select(sa.func.max(Notice.serial)).where(Notice.kind == kind, Notice.year == year)).one()
    return (last or 0) + 1


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

    Returns the notice and whether it is new. Runs in the caller's transaction, which holds the
    write lock from here on, so two issuers of one event (a double-clicked credit report) or of
    one kind (the next serial) go one after the other: the second finds the first's notice.
    """
    write_lock(session)
    existing = find_by_event(session, event_key)
    if existing is not None:
        return existing, False
    issued_on = to_local(now).date()
    serial = _next_serial(session, document.kind, issued_on.year)
    kind = KINDS[document.kind]
    number = document_number(kind, issued_on.year, serial)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    content = layout.render(layout.Document(
        authority=settings.authority, title=chinese(kind.title), number=number, issued_at=now,
        verification_code=code, verify_url=settings.verify_url(code), recipient=document.recipient,
        blocks=document.blocks(), copy_to=document.copy_to, issuing_office=settings.issuing_office,
    ), settings.fonts)
    sha256 = settings.files.store(session, content)
    notice = Notice(
        kind=document.kind, event_key=event_key, subject_id=subject_id, recipient=document.recipient or "",
        year=issued_on.year, serial=serial, document_no=number, verification_code=code, issued_on=issued_on,
        issued_at=now, issued_by=actor.name, sha256=sha256, size=len(content),
    )
    session.add(notice)
    session.flush()
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


def search(session: Session, criteria: NoticeFilter, page: int = 1, per_page: int = 50) -> Page[Notice]:
    """One page of the archive, newest first (a page past the end is the last one)."""
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
    return paginate(session, query.order_by(Notice.issued_at.desc(), Notice.id.desc()), page, per_page)
