"""`credit import records`: decided findings from other departments, checked row by row."""
from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from sqlmodel import select

from credit.audit.models import AuditEvent
from credit.errors import InvalidInput
from credit.scoring.models import Assessment
from credit.scoring.queries import assessment_in_force
from credit.subjects.services import synthetic_uscc
from credit.records.models import Record, RecordEvent

from tests.exchange.conftest import read_jsonl, record_row, write_jsonl

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def agency(make_subject):
    return make_subject("patent_agency")


def _assessment(session, subject) -> Assessment:
    session.expire_all()
    return assessment_in_force(session, subject.id, TODAY)


def test_records_enter_confirmed_with_history_audit_and_a_new_assessment(cli, session, tmp_path, agency):
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("SAMR-1", agency.uscc), record_row("SAMR-2", agency.uscc, status="revoked")])

    result = cli("import", "records", path)

    assert result.exit_code == 0, result.output
    assert "imported 2, updated 0, unchanged 0, rejected 0" in result.stdout
    records = session.exec(select(Record).order_by(Record.external_id)).all()
    assert [(r.external_id, r.status, r.rule_code, r.decision_date) for r in records] == [
        ("SAMR-1", "confirmed", "PA-PENALTY", dt.date(2025, 3, 14)),
        ("SAMR-2", "revoked", "PA-PENALTY", dt.date(2025, 3, 14)),
    ]
    history = session.exec(select(RecordEvent).order_by(RecordEvent.record_id)).all()
    assert [(e.from_status, e.to_status) for e in history] == [(None, "confirmed"), (None, "revoked")]
    events = session.exec(select(AuditEvent).where(AuditEvent.actor == "import:records.jsonl")).all()
    assert [e.action for e in events] == ["record.import", "record.import"]
    assessment = _assessment(session, agency)
    assert (assessment.score, assessment.grade) == (80, "B")


VALID = synthetic_uscc(987_654, "340403")
WRONG_CHECK = VALID[:-1] + ("1" if VALID[-1] != "1" else "2")
BAD_ROWS = [
    ({"uscc": WRONG_CHECK}, "uscc", "统一社会信用代码校验位错误", "the USCC check character is wrong"),
    ({"uscc": VALID}, "uscc", "尚未登记", "no subject is registered"),
    ({"type": "PA-UNKNOWN"}, "type", "未知的记录类型", "unknown record type"),
    ({"type": "FM-INFRINGE"}, "type", "不适用于专利代理机构", "does not apply to a patent_agency"),
    ({"decision_date": "2023-02-30"}, "decision_date", "日期 '2023-02-30' 无效", "invalid date"),
    ({"decision_date": "2026-11-27"}, "decision_date", "晚于今天", "in the future"),
    ({"category": "trade_secret"}, "category", "未知的知识产权类别", "unknown IP category"),
    ({"category": "trademark"}, "category", "PA-PENALTY 的知识产权类别只能是专利，不能是商标",
     "a PA-PENALTY record must have the IP category patent, not trademark"),
    ({"type": "PA-REVOKED", "document_no": ""}, "document_no", "须附证据", "needs evidence"),
    ({"status": "draft"}, "status", "未知的状态", "unknown status"),
    ({"id": ""}, "id", "缺少字段 id", "missing field id"),
    ({"authority": None}, "authority", "缺少字段 authority", "missing field authority"),
    ({"document_no": "罚" * 101}, "document_no", "不能超过 100 个字符", "at most 100 characters"),
    ({"authority": "局" * 201}, "authority", "不能超过 200 个字符", "at most 200 characters"),
    ({"document_no": "淮\u0000罚"}, "document_no", "空字符", "NUL"),
]


@pytest.mark.parametrize("change, field, zh, en", BAD_ROWS, ids=[b[1] + ":" + b[3] for b in BAD_ROWS])
def test_each_bad_row_is_rejected_with_line_field_and_reason(cli, session, tmp_path, agency, change, field, zh, en):
    bad = {**record_row("BAD", agency.uscc), **change}
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("OK-1", agency.uscc), bad, record_row("OK-2", agency.uscc)])

    result = cli("import", "records", path)

    assert result.exit_code == 1
    assert "imported 2, updated 0, unchanged 0, rejected 1" in result.stdout
    [message] = [line for line in result.stderr.splitlines() if line.startswith("records.jsonl:")]
    assert message.startswith(f"records.jsonl:2: {field}: ")
    assert zh in message and en in message
    [reject] = read_jsonl(tmp_path / "records.jsonl.rejects.jsonl")
    assert reject["line"] == 2 and reject["field"] == field
    assert zh in reject["reason_zh"] and en in reject["reason_en"]
    assert {k: reject[k] for k in bad} == bad
    assert {r.external_id for r in session.exec(select(Record))} == {"OK-1", "OK-2"}


def test_a_record_decided_before_the_first_catalog_version_counts_from_its_start(cli, session, tmp_path, agency):
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("OLD-1", agency.uscc, decision_date="2019-12-31"),
                       record_row("OLD-2", agency.uscc, type="PA-ABNORMAL-OP", decision_date="2019-03-01")])

    result = cli("import", "records", path)

    assert result.exit_code == 0, result.output
    assert "imported 2, updated 0, unchanged 0, rejected 0" in result.stdout
    scores = {}
    for day in ("2020-01-01", "2020-03-01", "2022-12-30", "2022-12-31"):
        [row] = json.loads(cli("assess", "--as-of", day, "--uscc", agency.uscc, "--format", "json").stdout)
        scores[day] = (row["score"], sorted(c["record_id"] for c in row["contributions"]))
    assert scores == {
        "2020-01-01": (65, ["OLD-1", "OLD-2"]),  # both count from the first version's first day
        "2020-03-01": (80, ["OLD-1"]),  # the 1-year record's window has ended
        "2022-12-30": (80, ["OLD-1"]),
        "2022-12-31": (100, []),  # three years after its decision
    }


def test_reimport_is_idempotent_and_a_revocation_goes_through_the_history(cli, session, tmp_path, agency):
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("R1", agency.uscc), record_row("R2", agency.uscc, type="PA-RECTIFY", decision_date="2026-06-01")])
    assert cli("import", "records", path).exit_code == 0
    events_before = len(session.exec(select(AuditEvent)).all())

    again = cli("import", "records", path)
    assert "imported 0, updated 0, unchanged 2, rejected 0" in again.stdout and "nothing changed" in again.stdout
    assert len(session.exec(select(AuditEvent)).all()) == events_before

    write_jsonl(path, [record_row("R1", agency.uscc, status="revoked"), record_row("R2", agency.uscc, type="PA-RECTIFY", decision_date="2026-06-01")])
    revoked = cli("import", "records", path)
    assert "imported 0, updated 1, unchanged 1, rejected 0" in revoked.stdout
    session.expire_all()
    record = session.exec(select(Record).where(Record.external_id == "R1")).one()
    assert record.status == "revoked" and "records.jsonl" in record.status_reason
    history = session.exec(select(RecordEvent).where(RecordEvent.record_id == record.id).order_by(RecordEvent.id)).all()
    assert [(e.from_status, e.to_status) for e in history] == [(None, "confirmed"), ("confirmed", "revoked")]
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "record.revoked")).one().actor == "import:records.jsonl"
    assert len(session.exec(select(Record)).all()) == 2
    assert (_assessment(session, agency).score, _assessment(session, agency).grade) == (95, "A")


def test_a_revoked_record_is_not_confirmed_again(cli, session, tmp_path, agency):
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("R1", agency.uscc, status="revoked")])
    cli("import", "records", path)
    write_jsonl(path, [record_row("R1", agency.uscc)])
    result = cli("import", "records", path)
    assert result.exit_code == 1
    assert "records.jsonl:1: status: 该记录已撤销" in result.stderr and "new id" in result.stderr


def test_field_changes_update_the_record_and_reassess_both_subjects(cli, session, tmp_path, agency, make_subject):
    other = make_subject("patent_agency")
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("R1", agency.uscc)])
    cli("import", "records", path)
    write_jsonl(path, [record_row("R1", other.uscc, document_no="淮市监知罚〔2025〕18号")])
    result = cli("import", "records", path)
    assert "imported 0, updated 1" in result.stdout
    update = session.exec(select(AuditEvent).where(AuditEvent.action == "record.update")).one()
    assert "document_no" in update.data and "subject_id" in update.data
    assert (_assessment(session, agency).score, _assessment(session, other).score) == (100, 80)


def test_the_same_id_twice_in_one_file_is_refused_with_both_lines_and_a_rerun_changes_nothing(cli, session, tmp_path,
                                                                                             agency):
    # It used to keep the last row silently, so every re-import reported a change.
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("R1", agency.uscc), record_row("R2", agency.uscc),
                       record_row("R1", agency.uscc, status="revoked")])
    result = cli("import", "records", path)
    assert result.exit_code == 1
    assert "imported 2, updated 0, unchanged 0, rejected 1" in result.stdout
    assert "records.jsonl:3: id: id R1 在文件中重复：第 1 行与第 3 行" in result.stderr
    assert "duplicate id R1 in the file: lines 1 and 3" in result.stderr
    assert [(r.external_id, r.status) for r in session.exec(select(Record).order_by(Record.id))] == [
        ("R1", "confirmed"), ("R2", "confirmed")]
    events = len(session.exec(select(AuditEvent)).all())

    again = cli("import", "records", path)
    assert "imported 0, updated 0, unchanged 2, rejected 1" in again.stdout
    assert len(session.exec(select(AuditEvent)).all()) == events


def test_csv_and_xlsx_rows_are_numbered_as_a_spreadsheet_shows_them(cli, tmp_path, agency):
    columns = list(record_row("x", agency.uscc))
    rows = [record_row("C1", agency.uscc), record_row("C2", agency.uscc, decision_date="2023-02-30")]
    csv_path = tmp_path / "records.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, columns)
        writer.writeheader()
        writer.writerows(rows)
    xlsx_path = tmp_path / "records.xlsx"
    workbook = Workbook()
    workbook.active.append(columns)
    for row in rows:
        workbook.active.append([row[c].replace("C", "X") if c == "id" else row[c] for c in columns])
    workbook.active.append([None] * len(columns))  # an empty row is not a row
    workbook.active.append(list(record_row("X3", agency.uscc).values()) + ["surplus"])
    workbook.save(xlsx_path)

    from_csv = cli("import", "records", csv_path)
    from_xlsx = cli("import", "records", xlsx_path)

    assert "records.csv:3: decision_date: 日期 '2023-02-30' 无效" in from_csv.stderr
    assert "records.xlsx:3: decision_date:" in from_xlsx.stderr
    assert "records.xlsx:5: (row): 该行有 9 个值，多于表头的 8 列" in from_xlsx.stderr
    assert read_jsonl(tmp_path / "records.csv.rejects.jsonl")[0]["decision_date"] == "2023-02-30"
    assert read_jsonl(tmp_path / "records.xlsx.rejects.jsonl")[1]["_extra"] == ["surplus"]
    assert "imported 1, updated 0, unchanged 0, rejected 1" in from_csv.stdout
    assert "imported 1, updated 0, unchanged 0, rejected 2" in from_xlsx.stdout


def test_a_csv_row_spanning_lines_is_reported_at_the_line_where_it_starts(cli, tmp_path, agency):
    # CRLF line ends (Excel), a BOM, and a quoted value with a line break inside.
    columns = list(record_row("x", agency.uscc))
    rows = [record_row("C1", agency.uscc),
            record_row("C2", agency.uscc, authority="淮南市市场监督管理局\r\n（知识产权局）", decision_date="2023-02-30"),
            record_row("C3", agency.uscc, decision_date="2023-02-31")]
    path = tmp_path / "records.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, columns)
        writer.writeheader()
        writer.writerows(rows)

    result = cli("import", "records", path)

    assert "records.csv:3: decision_date: 日期 '2023-02-30' 无效" in result.stderr
    assert "records.csv:5: decision_date: 日期 '2023-02-31' 无效" in result.stderr
    assert "imported 1, updated 0, unchanged 0, rejected 2" in result.stdout


def _nothing_written(session) -> bool:
    session.expire_all()
    imported = select(AuditEvent).where(AuditEvent.action != "subject.create")  # the fixture's subject
    return not any(session.exec(query).first() for query in (select(Record), select(RecordEvent), select(Assessment),
                                                               imported))


def test_an_unreadable_line_names_its_line_and_the_import_writes_nothing(cli, session, tmp_path, agency):
    # The batches before the bad bytes used to stay committed, and the message gave a byte offset
    # in an 8 KB chunk of the file.
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row(f"R{i}", agency.uscc) for i in range(1500)])
    with path.open("ab") as file:
        file.write(b'{"id": "\xff\xfe"}\n')

    result = cli("import", "records", path)

    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "第 1501 行不是 UTF-8 文本" in result.stderr and "line 1501 is not UTF-8 text" in result.stderr
    assert "position" not in result.stderr
    assert _nothing_written(session)


def test_an_import_that_fails_after_writing_every_row_leaves_nothing(cli, session, tmp_path, agency, monkeypatch):
    # As a kill would: the failure comes after the rows, their history and their events were written.
    def fail(*_args, **_kwargs):
        raise InvalidInput("中断", "interrupted")

    monkeypatch.setattr("credit.exchange.services.reassess", fail)
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row(f"R{i}", agency.uscc) for i in range(1500)])

    result = cli("import", "records", path)

    assert result.exit_code == 1 and "interrupted" in result.stderr
    assert _nothing_written(session)
    monkeypatch.undo()
    assert "imported 1500, updated 0, unchanged 0, rejected 0" in cli("import", "records", path).stdout


def test_rejected_rows_write_nothing_and_every_other_row_is_written_whole(cli, session, tmp_path, agency, make_subject):
    """Rows refused by the row alone and by what is stored, beside new, updated, revoked and unchanged ones."""
    firm = make_subject("firm")
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("KEEP", agency.uscc), record_row("MOVE", agency.uscc),
                       record_row("REVOKE", agency.uscc), record_row("GONE", agency.uscc, status="revoked")])
    assert cli("import", "records", path).exit_code == 0
    session.expire_all()
    stored_before = {r.external_id: r.id for r in session.exec(select(Record))}
    events_before = session.exec(select(sa.func.max(AuditEvent.id))).one()

    write_jsonl(path, [
        record_row("KEEP", agency.uscc),  # unchanged
        record_row("MOVE", agency.uscc, document_no="淮市监知罚〔2025〕99号"),  # updated
        record_row("REVOKE", agency.uscc, status="revoked"),  # revoked
        record_row("NEW-1", agency.uscc),  # new
        record_row("NEW-1", agency.uscc),  # duplicate in the file
        record_row("BAD-DATE", agency.uscc, decision_date="2026-02-30"),  # refused by the row alone
        record_row("NO-SUBJECT", VALID),  # refused against the stored subjects
        record_row("WRONG-KIND", firm.uscc),  # refused against the catalog
        record_row("GONE", agency.uscc),  # refused against the stored record (revoked stays revoked)
        record_row("NEW-2", agency.uscc, type="PA-RECTIFY", decision_date="2026-06-01"),  # new
    ])
    result = cli("import", "records", path)

    assert result.exit_code == 1
    assert "imported 2, updated 2, unchanged 1, rejected 5" in result.stdout
    rejects = read_jsonl(tmp_path / "records.jsonl.rejects.jsonl")
    assert sorted((r["line"], r["id"], r["field"]) for r in rejects) == [
        (5, "NEW-1", "id"), (6, "BAD-DATE", "decision_date"), (7, "NO-SUBJECT", "uscc"), (8, "WRONG-KIND", "type"),
        (9, "GONE", "status")]
    assert next(r for r in rejects if r["line"] == 8)["reason_en"] == "record type PA-PENALTY does not apply to a firm"
    assert next(r for r in rejects if r["line"] == 9) == {
        **record_row("GONE", agency.uscc), "line": 9, "field": "status", "reason_zh": "该记录已撤销，不能重新确认；请使用新的 id 报送",
        "reason_en": "the record was revoked and cannot be confirmed again: send it with a new id"}

    session.expire_all()
    records = {r.external_id: r for r in session.exec(select(Record))}
    assert sorted(records) == ["GONE", "KEEP", "MOVE", "NEW-1", "NEW-2", "REVOKE"]
    assert records["MOVE"].document_no == "淮市监知罚〔2025〕99号" and records["GONE"].status == "revoked"
    assert (records["REVOKE"].status, records["REVOKE"].status_reason) == (
        "revoked", "由 records.jsonl 第 3 行导入 / imported from records.jsonl line 3")
    assert records["NEW-2"].category == "patent" and records["NEW-1"].confirmed_at is not None
    history = session.exec(select(RecordEvent).where(RecordEvent.record_id.not_in(stored_before.values()) |
                                                     (RecordEvent.to_status == "revoked")).order_by(RecordEvent.id)).all()
    by_id = {r.id: name for name, r in records.items()}
    assert sorted((by_id[e.record_id], e.from_status, e.to_status) for e in history) == [
        ("GONE", None, "revoked"), ("NEW-1", None, "confirmed"), ("NEW-2", None, "confirmed"),
        ("REVOKE", "confirmed", "revoked")]
    events = session.exec(select(AuditEvent).where(AuditEvent.id > events_before,
                                                   AuditEvent.object_type == "record")).all()
    assert sorted((e.action, by_id[int(e.object_id)]) for e in events) == [
        ("record.import", "NEW-1"), ("record.import", "NEW-2"), ("record.revoked", "REVOKE"),
        ("record.update", "MOVE")]
    assert '"line":4' in next(e.data for e in events if e.action == "record.import" and by_id[int(e.object_id)] == "NEW-1")
    verify = cli("audit", "verify")
    assert verify.exit_code == 0, verify.output
    # The import's reassessment counts exactly the records in force: KEEP, MOVE, NEW-1 and NEW-2.
    imported_score = _assessment(session, agency).score
    [fresh] = json.loads(cli("assess", "--uscc", agency.uscc, "--format", "json").stdout)
    assert sorted(c["record_id"] for c in fresh["contributions"]) == ["KEEP", "MOVE", "NEW-1", "NEW-2"]
    assert imported_score == fresh["score"]
