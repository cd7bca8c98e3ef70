"""Evidence files: type checked by content, size bounded, kept in the file store (``credit.files``)
by SHA-256, so a transaction that fails leaves no file behind.
"""
from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import BinaryIO, Protocol

from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.errors import InvalidInput, NotAllowed
from credit.files import FileStore
from credit.records.models import Evidence, Record

MB = 1024 * 1024
# content type -> the extensions a download name may keep
TYPES = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
}
_OFFICE_PARTS = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Upload(Protocol):
    """What an uploaded file offers (werkzeug's FileStorage has both)."""

    filename: str | None
    stream: BinaryIO


def sniff(data: bytes) -> str | None:
    """The content type of a file from its first bytes (and, for Office files, the zip parts)."""
    head = data[:8]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        return next((kind for part, kind in _OFFICE_PARTS.items() if part in names), None)
    return None


def _clean(filename: str | None) -> str:
    """The client's file name without any path or control characters."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    return "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")[:200]


def display_name(filename: str | None, content_type: str) -> str:
    """The cleaned name, ending as its content does (a PDF named x.exe is served as x.exe.pdf)."""
    stem, extensions = _clean(filename) or "evidence", TYPES[content_type]
    return stem if stem.lower().endswith(extensions) else stem + extensions[0]


def read_upload(upload: Upload, max_bytes: int, field: str) -> tuple[bytes, str]:
    """The bytes of an upload and their content type, or InvalidInput (on ``field``) saying why not."""
    # One byte more than allowed is enough to tell that a file is too large.
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InvalidInput(f"文件超过 {max_bytes // MB} MB 的上限", f"the file is larger than {max_bytes // MB} MB",
                           field)
    if not data:
        raise InvalidInput("上传的文件是空的", "the uploaded file is empty", field)
    content_type = sniff(data)
    if content_type is None:
        raise InvalidInput(
            f"文件“{_clean(upload.filename)}”的类型不受支持：只接受 PDF、JPEG、PNG、DOCX、XLSX（按文件内容判断，不看扩展名）",
            f"unsupported type of {_clean(upload.filename)!r}: only PDF, JPEG, PNG, DOCX and XLSX are accepted (judged by content, not name)",
            field)
    return data, content_type


def store_evidence(session: Session, files: FileStore, record: Record, upload: Upload, actor: Actor,
                   now: dt.datetime, max_bytes: int) -> Evidence:
    """Check and store one file and attach it to a record that is still awaiting review."""
    if record.status != "draft":
        raise NotAllowed("只能为待审核的记录补充证据", "evidence can only be added while the record awaits review",
                         "evidence")
    data, content_type = read_upload(upload, max_bytes, "evidence")
    sha256, size = files.store(session, data), len(data)
    existing = session.exec(select(Evidence).where(Evidence.record_id == record.id, Evidence.sha256 == sha256)).first()
    if existing is not None:
        return existing
    evidence = Evidence(record_id=record.id, sha256=sha256, filename=display_name(upload.filename, content_type),
                        content_type=content_type, size=size, uploaded_by_id=actor.user_id, uploaded_at=now)
    session.add(evidence)
    session.flush()
    record_event(session, actor=actor.name, action="evidence.add", object_type="record", object_id=record.id,
                 data={"evidence_id": evidence.id, "sha256": sha256, "filename": evidence.filename, "size": size,
                       "content_type": content_type}, now=now)
    return evidence


def attach_evidence(session: Session, files: FileStore, record: Record, uploads: Iterable[Upload], actor: Actor,
                    now: dt.datetime, max_bytes: int) -> list[Evidence]:
    """Store every non-empty upload of a form; the first bad file stops all (the caller rolls back)."""
    return [store_evidence(session, files, record, upload, actor, now, max_bytes)
            for upload in uploads if upload and upload.filename]
