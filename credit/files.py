"""The one file store: evidence, notices and the files the list and cases will add.

A file is kept once, named by the SHA-256 of its bytes, under ``STORAGE_DIR/sha256/ab/abcdef...``
(outside any static folder; rows refer to it by the hash). It is written in the caller's
transaction: a file that the transaction created is removed again when the transaction ends
without committing, while a file that was already there stays, whether a committed row uses it
or another transaction is storing the same bytes at the same moment.

How the two are told apart without a lock: a creator links the file into place only if no file is
there, and notes its modification time; anyone else storing the same bytes sets a new time on
it. A creator that rolls back first moves the file aside, so that no one can claim it any more,
and removes it only if the time is still its own.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session, SessionTransaction

_CREATED = "credit.files.created"  # session.info: path -> modification time of the files it created


class FileStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / "sha256" / sha256[:2] / sha256

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def adopt_legacy_layout(self) -> int:
        """Move files of the first release's layout (``evidence/ab/<hash>``, ``notices/ab/<hash>.pdf``)
        to their place in this one; returns how many moved. Run by ``credit db upgrade``: a file
        already in place is kept, so running it again does nothing."""
        moved = 0
        for pattern in ("evidence/??/*", "notices/??/*.pdf"):
            for old in sorted(self.root.glob(pattern)):
                sha256 = old.name.removesuffix(".pdf")
                if len(sha256) != 64 or not old.is_file():
                    continue
                target = self.path(sha256)
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():
                    old.unlink()
                else:
                    os.replace(old, target)
                moved += 1
        return moved

    def store(self, session: Session, data: bytes) -> str:
        """Keep ``data`` (once) and return its SHA-256; undone with ``session``'s transaction."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        created = _created(session)
        if target not in created:
            while not _claim(target):
                made = _create(target, data)
                if made is not None:
                    created[target] = made
                    break
        return sha256


def _claim(target: Path) -> bool:
    """Mark an existing file as wanted (a new modification time); False if there is none."""
    try:
        mtime = max(time.time_ns(), target.stat().st_mtime_ns + 1)
        os.utime(target, ns=(mtime, mtime))
        return True
    except FileNotFoundError:
        return False


def _create(target: Path, data: bytes) -> int | None:
    """Write ``data`` at ``target`` unless a file appeared there first; its modification time, or None."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".", delete=False) as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        mtime = os.stat(handle.name).st_mtime_ns
        os.link(handle.name, target)  # never replaces: a reader sees no file or the whole file
        return mtime
    except FileExistsError:
        return None
    finally:
        os.unlink(handle.name)


def _created(session: Session) -> dict[Path, int]:
    created = session.info.get(_CREATED)
    if created is None:
        created = session.info[_CREATED] = {}
        sa.event.listen(session, "after_commit", _kept)
        sa.event.listen(session, "after_transaction_end", _discard_uncommitted)
    if not session.in_transaction():
        session.begin()  # so that the transaction's end is seen even if nothing else is written
    return created


def _kept(session: Session) -> None:
    session.info[_CREATED].clear()


def _discard_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    created = session.info[_CREATED]
    for path, mtime in created.items():
        aside = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        try:
            os.rename(path, aside)
        except FileNotFoundError:
            continue
        if os.stat(aside).st_mtime_ns == mtime:
            os.unlink(aside)
        else:  # another transaction claimed it meanwhile
            os.replace(aside, path)
    created.clear()
