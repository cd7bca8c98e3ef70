"""`credit import records`: decided findings from other departments, checked row by row."""
from __future__ import annotations

import csv
import datetime as dt

import pytest
from openpyxl import Workbook
from sqlmodel import select

from credit.audit.models import AuditEvent
from credit.scoring.models import Assessment
from credit.scoring.queries import assessment_in_force
from credit.subjects.services import synthetic_uscc
from credit.violations.models import Record, RecordEvent

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
    ({"decision_date": "2019-12-31"}, "decision_date", "早于第一版信用规则目录", "before the first catalog version"),
    ({"category": "trade_secret"}, "category", "未知的知识产权类别", "unknown IP category"),
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


def test_the_same_id_twice_in_one_file_updates_instead_of_duplicating(cli, session, tmp_path, agency):
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("R1", agency.uscc), record_row("R1", agency.uscc, status="revoked")])
    result = cli("import", "records", path)
    assert "imported 1, updated 1, unchanged 0, rejected 0" in result.stdout
    assert [r.status for r in session.exec(select(Record))] == ["revoked"]


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


def test_an_import_stopped_by_an_unreadable_line_still_reassesses_what_it_committed(cli, session, tmp_path, agency):
    # The first batch (1,000 rows) is committed before the bad bytes at the end stop the import;
    # its subject's assessment of today must count those records, not wait for the 01:00 job.
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row(f"R{i}", agency.uscc) for i in range(1500)])
    with path.open("ab") as file:
        file.write(b'{"id": "\xff\xfe"}\n')

    result = cli("import", "records", path)

    assert result.exit_code == 1 and "cannot read the file" in result.stderr
    assert len(session.exec(select(Record)).all()) == 1000
    assert (_assessment(session, agency).score, _assessment(session, agency).grade) == (0, "D")
