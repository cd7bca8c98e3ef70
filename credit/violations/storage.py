"""Evidence files: type checked by content, size bounded, stored once by SHA-256 outside any static folder.

The file lands in ``STORAGE_DIR/evidence/ab/abcdef...`` before the transaction commits; if the
transaction then fails, the file stays unreferenced, which is harmless because a later upload of
the same content reuses it and nothing serves a file without its Evidence row.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol

from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.errors import InvalidInput, NotAllowed
from credit.violations.models import Evidence, Record

CHUNK = 1024 * 1024
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


def sniff(path: Path) -> str | None:
    """The content type of the file from its first bytes (and, for Office files, the zip parts)."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
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


def evidence_path(storage_dir: Path, sha256: str) -> Path:
    return Path(storage_dir) / "evidence" / sha256[:2] / sha256


def _receive(stream: BinaryIO, folder: Path, max_bytes: int) -> tuple[Path, str, int]:
    """Copy the upload to a temporary file, hashing it, and stop as soon as it is too large."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=folder, delete=False)
    digest, size = hashlib.sha256(), 0
    try:
        with handle:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise InvalidInput(
                        f"文件超过 {max_bytes // CHUNK} MB 的上限", f"the file is larger than {max_bytes // CHUNK} MB",
                        "evidence")
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        os.unlink(handle.name)
        raise
    return Path(handle.name), digest.hexdigest(), size


def store_evidence(session: Session, storage_dir: Path, record: Record, upload: Upload, actor: Actor,
                   now: dt.datetime, max_bytes: int) -> Evidence:
    """Check and store one file and attach it to a record that is still awaiting review."""
    if record.status != "draft":
        raise NotAllowed("只能为待审核的记录补充证据", "evidence can only be added while the record awaits review",
                         "evidence")
    temporary, sha256, size = _receive(upload.stream, Path(storage_dir) / "tmp", max_bytes)
    try:
        if size == 0:
            raise InvalidInput("上传的文件是空的", "the uploaded file is empty", "evidence")
        content_type = sniff(temporary)
        if content_type is None:
            raise InvalidInput(
                f"文件“{_clean(upload.filename)}”的类型不受支持：只接受 PDF、JPEG、PNG、DOCX、XLSX（按文件内容判断，不看扩展名）",
                f"unsupported type of {_clean(upload.filename)!r}: only PDF, JPEG, PNG, DOCX and XLSX are accepted (judged by content, not name)",
                "evidence")
        target = evidence_path(storage_dir, sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
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


def attach_evidence(session: Session, storage_dir: Path, record: Record, uploads: Iterable[Upload], actor: Actor,
                    now: dt.datetime, max_bytes: int) -> list[Evidence]:
    """Store every non-empty upload of a form; the first bad file stops all (the caller rolls back)."""
    return [store_evidence(session, storage_dir, record, upload, actor, now, max_bytes)
            for upload in uploads if upload and upload.filename]
