"""The file store: content kept once by SHA-256, and taken back with the transaction that
created it, but never from under another transaction that stores the same bytes."""
from __future__ import annotations

import hashlib

import pytest
from sqlmodel import Session

from credit.files import FileStore

CONTENT = "淮知信告〔2026〕27号".encode() * 100


@pytest.fixture
def files(ctx) -> FileStore:
    return ctx.files


@pytest.fixture
def other_session(ctx):
    with Session(ctx.engine) as session:
        yield session


def test_the_same_bytes_are_stored_once_under_their_hash(files, session, stored_files):
    first = files.store(session, CONTENT)
    second = files.store(session, CONTENT)
    session.commit()
    again = files.store(session, CONTENT)
    session.commit()

    assert first == second == again == hashlib.sha256(CONTENT).hexdigest()
    assert stored_files() == [files.path(first)]
    with files.open(first) as handle:
        assert handle.read() == CONTENT


def test_a_rollback_removes_the_file_its_transaction_created(files, session, stored_files):
    sha256 = files.store(session, CONTENT)
    assert files.path(sha256).exists()
    session.rollback()

    assert stored_files() == []
    session.commit()  # a later transaction of the same session has nothing to remove
    assert stored_files() == []


def test_a_session_closed_without_commit_removes_it_too(ctx, stored_files):
    with Session(ctx.engine) as session:
        ctx.files.store(session, CONTENT)
    assert stored_files() == []


def test_a_rollback_keeps_a_file_that_was_there_before(files, session, stored_files):
    sha256 = files.store(session, CONTENT)
    session.commit()
    assert files.store(session, CONTENT) == sha256
    session.rollback()

    assert stored_files() == [files.path(sha256)]


def test_a_rollback_keeps_a_file_another_transaction_stored_meanwhile(files, session, other_session, stored_files):
    sha256 = files.store(session, CONTENT)
    assert files.store(other_session, CONTENT) == sha256  # the same bytes, before the first ends
    session.rollback()
    other_session.commit()

    assert stored_files() == [files.path(sha256)]


def test_a_savepoint_rolled_back_leaves_the_decision_to_the_transaction(files, session, stored_files):
    with session.begin_nested() as savepoint:
        sha256 = files.store(session, CONTENT)
        savepoint.rollback()
    assert stored_files() == [files.path(sha256)]
    session.rollback()
    assert stored_files() == []


def test_db_upgrade_moves_the_first_releases_files_into_the_store(app, runner, tmp_path):
    """Evidence under evidence/ab/<hash> and notices under notices/ab/<hash>.pdf (the first release)
    are found again after `credit db upgrade`, which may run twice."""
    from credit.cli import main

    store = app.extensions["credit"].files
    evidence, notice = b"%PDF-1.4 evidence", b"%PDF-1.4 notice"
    shas = [hashlib.sha256(data).hexdigest() for data in (evidence, notice)]
    (store.root / "evidence" / shas[0][:2]).mkdir(parents=True)
    (store.root / "evidence" / shas[0][:2] / shas[0]).write_bytes(evidence)
    (store.root / "notices" / shas[1][:2]).mkdir(parents=True)
    (store.root / "notices" / shas[1][:2] / f"{shas[1]}.pdf").write_bytes(notice)

    first = runner.invoke(main, ["db", "upgrade"])
    assert first.exit_code == 0 and "2 stored files moved" in first.output
    assert [store.path(sha).read_bytes() for sha in shas] == [evidence, notice]
    again = runner.invoke(main, ["db", "upgrade"])
    assert again.exit_code == 0 and "moved" not in again.output
