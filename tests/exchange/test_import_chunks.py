"""A large file is imported in chunks (read ahead by a thread, or by a process from the command
line): the outcome is the file's, not the chunks' nor the reader's."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from credit.audit.actor import Actor
from credit.audit.models import AuditEvent
from credit.audit.services import canonical_json, verify_chain
from credit.errors import InvalidInput
from credit.exchange import services
from credit.exchange.formats import read_rows
from credit.records.models import Record, RecordEvent
from credit.scoring.models import Assessment, AssessmentRun

from tests.exchange.conftest import record_row, write_jsonl

NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.timezone.utc)


def run(session, ctx, path: Path, chunk_size: int, read_in_process: bool = False):
    rejected = []
    job = services.ImportJob(source=path.name, actor=Actor(None, f"import:{path.name}"), now=NOW,
                             today=dt.date(2026, 11, 26), catalog=ctx.catalog, on_reject=rejected.append,
                             chunk_size=chunk_size, batch_size=2, read_in_process=read_in_process)
    summary = services.import_records(session, read_rows(path), job)
    session.commit()
    return summary, rejected


def outcome(session) -> tuple:
    records = session.execute(sa.select(Record.external_id, Record.subject_id, Record.rule_code, Record.status,
                                        Record.status_reason).order_by(Record.external_id)).all()
    history = session.execute(sa.select(Record.external_id, RecordEvent.to_status, RecordEvent.reason).join(
        Record, Record.id == RecordEvent.record_id).order_by(Record.external_id, RecordEvent.id)).all()
    events = session.execute(sa.select(AuditEvent.action, AuditEvent.data).where(AuditEvent.actor.like("import:%"))
                             .order_by(AuditEvent.id)).all()
    named = dict(session.execute(sa.select(Record.id, Record.external_id)).all())  # ids differ between runs
    scores = [(subject_id, score, [[named[row[0]], *row[1:]] for row in json.loads(explanation)])
              for subject_id, score, explanation in session.execute(sa.select(
                  Assessment.subject_id, Assessment.score, Assessment.explanation).order_by(Assessment.subject_id))]
    return records, history, [(action, {**json.loads(data), "subject_id": None}) for action, data in events], scores


def forget(session) -> None:
    for model in (Assessment, AssessmentRun, RecordEvent, Record, AuditEvent):
        session.execute(sa.delete(model))
    session.commit()


@pytest.fixture
def mixed_file(tmp_path, make_subject):
    """Twelve rows over four subjects: good ones, a revocation, rejects of the row alone and of what
    is stored, and a sender id repeated far from its first line."""
    agencies = [make_subject("patent_agency") for _ in range(3)]
    firm = make_subject("firm")
    rows = [record_row(f"R{i}", agencies[i % 3].uscc) for i in range(1, 8)]
    rows[2]["status"] = "revoked"
    rows += [
        record_row("BAD-DATE", agencies[0].uscc, decision_date="2025-02-30"),  # refused alone
        record_row("R2", agencies[1].uscc),  # the id of line 2 again
        record_row("WRONG-KIND", firm.uscc),  # refused against the catalog: PA-PENALTY is no firm's
        record_row("F1", firm.uscc, "FM-INFRINGE", category="trademark"),
        "not json",
    ]
    path = tmp_path / "records.jsonl"
    write_jsonl(path, rows)
    return path


def test_chunks_import_what_one_pass_imports(session, ctx, mixed_file):
    small, small_rejected = run(session, ctx, mixed_file, chunk_size=3)
    chunked = outcome(session)
    assert verify_chain(session).ok
    forget(session)
    whole, whole_rejected = run(session, ctx, mixed_file, chunk_size=1000)

    assert (small.imported, small.updated, small.unchanged, small.rejected) == (8, 0, 0, 4)
    assert small == whole and chunked == outcome(session)
    assert sorted((r.line, r.field, r.reason_en) for r in small_rejected) == \
        sorted((r.line, r.field, r.reason_en) for r in whole_rejected)
    assert {(r.line, r.field) for r in small_rejected} == {(8, "decision_date"), (9, "id"), (10, "type"), (12, "(row)")}
    assert len(chunked[2]) == 8 and len({score for _, score, _ in chunked[3]}) > 1


def test_a_reading_process_imports_what_a_reading_thread_imports(session, ctx, mixed_file):
    by_thread, thread_rejected = run(session, ctx, mixed_file, chunk_size=3)
    threaded = outcome(session)
    forget(session)
    by_process, process_rejected = run(session, ctx, mixed_file, chunk_size=3, read_in_process=True)

    assert by_thread == by_process and threaded == outcome(session)
    assert [(r.line, r.field, r.reason_zh, r.reason_en, r.row) for r in thread_rejected] == \
        [(r.line, r.field, r.reason_zh, r.reason_en, r.row) for r in process_rejected]
    assert verify_chain(session).ok


def test_events_of_new_records_hashed_ahead_keep_their_place_before_the_next_chunks_events(
        session, ctx, tmp_path, make_subject):
    """A chunk's import events are hashed while the next chunk is written and appended after its
    records; the changes a chunk makes to stored records must still follow its own import events
    and come before the next chunk's, as in a file read in one go."""
    agency = make_subject("patent_agency")
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row(f"OLD{i}", agency.uscc) for i in range(3)])
    run(session, ctx, path, chunk_size=1000)
    write_jsonl(path, [  # chunks of one (the first is a tenth of the others), then of two
        record_row("NEW1", agency.uscc), record_row("OLD0", agency.uscc, authority="安徽省知识产权局"),
        record_row("NEW2", agency.uscc), record_row("OLD1", agency.uscc, status="revoked"),
        record_row("NEW3", agency.uscc), record_row("OLD2", agency.uscc, document_no="淮市监知罚〔2025〕99号"),
        record_row("NEW4", agency.uscc),
    ])
    first = session.scalar(sa.select(sa.func.max(AuditEvent.id)))
    summary, _rejected = run(session, ctx, path, chunk_size=2)

    assert (summary.imported, summary.updated) == (4, 3)
    assert verify_chain(session).ok
    events = session.execute(sa.select(AuditEvent.action, AuditEvent.object_id, AuditEvent.data)
                             .where(AuditEvent.id > first, AuditEvent.actor.like("import:%"))
                             .order_by(AuditEvent.id)).all()
    named = dict(session.execute(sa.select(Record.id, Record.external_id)).all())
    assert [(action, named[int(object_id)]) for action, object_id, _ in events] == [
        ("record.import", "NEW1"),
        ("record.import", "NEW2"), ("record.update", "OLD0"),
        ("record.import", "NEW3"), ("record.revoked", "OLD1"),
        ("record.import", "NEW4"), ("record.update", "OLD2")]


@pytest.mark.parametrize("read_in_process", [False, True], ids=["thread", "process"])
def test_a_file_that_cannot_be_read_fails_the_import_from_the_reader(session, ctx, tmp_path, make_subject,
                                                                      read_in_process):
    agency = make_subject("patent_agency")
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row(f"R{i}", agency.uscc) for i in range(5)])
    with path.open("ab") as file:
        file.write(b'{"id": "\xff\xfe"}\n')  # not UTF-8: the whole file is refused, nothing written
    with pytest.raises(InvalidInput, match="line 6 is not UTF-8") as raised:
        run(session, ctx, path, chunk_size=2, read_in_process=read_in_process)
    assert raised.value.field == "file"
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Record)) == 0


def test_text_with_copy_escapes_arrives_as_sent(session, ctx, tmp_path, make_subject):
    """On PostgreSQL the reading thread writes the rows as COPY text: a backslash, a tab, a line
    break or the letters \\N in a value are the value, not COPY's escapes."""
    agency = make_subject("patent_agency")
    odd = ["淮市监\\罚〔2025〕1号", "淮市监\t罚\r\n2号", "\\N", "t", "罚 \\t 3号", '"引号"\x01</script>']
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row(f"R{i}", agency.uscc, document_no=text, authority=f"{text}局")
                       for i, text in enumerate(odd)])
    summary, rejected = run(session, ctx, path, chunk_size=2)
    assert (summary.imported, rejected) == (len(odd), [])
    stored = session.execute(sa.select(Record.document_no, Record.authority).order_by(Record.external_id)).all()
    assert stored == [(text.strip(), f"{text}局".strip()) for text in odd]
    # Each record's import event: canonical JSON of what was stored, put together from the row read back.
    events = session.execute(sa.select(AuditEvent.data).where(AuditEvent.action == "record.import")
                             .order_by(AuditEvent.id)).scalars().all()
    assert all(data == canonical_json(json.loads(data)) for data in events)
    assert [(e["document_no"], e["authority"], e["line"], e["category"], e["subject_id"])
            for e in map(json.loads, events)] == [(*row, i + 1, "patent", agency.id) for i, row in enumerate(stored)]
    assert verify_chain(session).ok
