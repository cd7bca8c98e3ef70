"""`credit import subjects`: valid rows go in, bad rows are reported and kept aside, re-import updates."""
from __future__ import annotations

import datetime as dt

from sqlmodel import select

from credit.audit.models import AuditEvent
from credit.subjects.models import Subject

from tests.exchange.conftest import read_jsonl, subject_row, write_jsonl


def test_valid_subjects_are_imported_with_audit_events(cli, session, tmp_path):
    path = tmp_path / "subjects.jsonl"
    write_jsonl(path, [subject_row(1), subject_row(2, "firm", licence_no="34101")])

    result = cli("import", "subjects", path)

    assert result.exit_code == 0, result.output
    assert "imported 2, updated 0, unchanged 0, rejected 0" in result.stdout
    subjects = session.exec(select(Subject).order_by(Subject.uscc)).all()
    assert [(s.kind, s.licence_no) for s in subjects] == [("patent_agency", None), ("firm", "34101")]
    events = session.exec(select(AuditEvent)).all()
    assert {(e.actor, e.action) for e in events} == {("import:subjects.jsonl", "subject.create")}
    assert not (tmp_path / "subjects.jsonl.rejects.jsonl").exists()


def test_bad_rows_are_reported_with_line_field_and_reason_and_kept_aside(cli, session, tmp_path):
    bad_check = subject_row(3)
    bad_check["uscc"] = bad_check["uscc"][:-1] + ("0" if bad_check["uscc"][-1] != "0" else "1")
    path = tmp_path / "subjects.jsonl"
    write_jsonl(path, [
        subject_row(1),
        bad_check,
        subject_row(4, kind="law_firm"),
        subject_row(5, district="340499"),
        {k: v for k, v in subject_row(6).items() if k != "name"},
        '{"uscc": "9134',
        "",
        '["not", "an", "object"]',
        subject_row(7),
    ])

    result = cli("import", "subjects", path)

    assert result.exit_code == 1
    assert "imported 2, updated 0, unchanged 0, rejected 6" in result.stdout
    errors = result.stderr.splitlines()
    assert "subjects.jsonl:2: uscc: 统一社会信用代码校验位错误 / the USCC check character is wrong" in errors
    assert any(e.startswith("subjects.jsonl:3: kind: 未知的主体类型") and "unknown subject kind" in e for e in errors)
    assert any(e.startswith("subjects.jsonl:4: district: 未知的区县代码") and "unknown district" in e for e in errors)
    assert "subjects.jsonl:5: name: 缺少字段 name / missing field name" in errors
    assert any(e.startswith("subjects.jsonl:6: (row): 不是有效的 JSON") and "malformed JSON" in e for e in errors)
    assert "subjects.jsonl:8: (row): 每行须是一个 JSON 对象 / each line must be a JSON object" in errors

    rejects = read_jsonl(tmp_path / "subjects.jsonl.rejects.jsonl")
    assert [(r["line"], r["field"]) for r in rejects] == [
        (2, "uscc"), (3, "kind"), (4, "district"), (5, "name"), (6, "(row)"), (8, "(row)")]
    assert rejects[0] == {**bad_check, "line": 2, "field": "uscc", "reason_zh": "统一社会信用代码校验位错误",
                          "reason_en": "the USCC check character is wrong"}
    assert rejects[4]["raw"] == '{"uscc": "9134'
    assert len(session.exec(select(Subject)).all()) == 2


def test_reimport_changes_nothing_then_updates_what_differs(cli, session, tmp_path):
    path = tmp_path / "subjects.jsonl"
    write_jsonl(path, [subject_row(1), subject_row(2)])
    assert cli("import", "subjects", path).exit_code == 0

    again = cli("import", "subjects", path)
    assert again.exit_code == 0
    assert "imported 0, updated 0, unchanged 2, rejected 0" in again.stdout
    assert "nothing changed" in again.stdout

    write_jsonl(path, [subject_row(1, legal_representative="王五"), subject_row(2)])
    changed = cli("import", "subjects", path)
    assert "imported 0, updated 1, unchanged 1, rejected 0" in changed.stdout
    session.expire_all()
    assert session.exec(select(Subject).where(Subject.uscc == subject_row(1)["uscc"])).one().legal_representative == "王五"
    update = session.exec(select(AuditEvent).where(AuditEvent.action == "subject.update")).one()
    assert '"legal_representative":["李四","王五"]' in update.data
    assert len(session.exec(select(Subject)).all()) == 2


def test_a_clean_rerun_removes_the_stale_rejects_file(cli, tmp_path):
    path = tmp_path / "subjects.jsonl"
    write_jsonl(path, [subject_row(1, kind="nope")])
    assert cli("import", "subjects", path).exit_code == 1
    assert (tmp_path / "subjects.jsonl.rejects.jsonl").exists()
    write_jsonl(path, [subject_row(1)])
    assert cli("import", "subjects", path).exit_code == 0
    assert not (tmp_path / "subjects.jsonl.rejects.jsonl").exists()


def test_unsupported_file_type_is_refused(cli, tmp_path):
    path = tmp_path / "subjects.txt"
    path.write_text("x")
    result = cli("import", "subjects", path)
    assert result.exit_code == 1
    assert "不支持的文件类型 .txt" in result.stderr and "unsupported file type .txt" in result.stderr


def test_too_long_values_and_nul_characters_are_rejected_not_stored_or_lost_with_their_batch(cli, session, tmp_path):
    # The columns hold name 200, legal_representative 100, licence_no 50 characters; PostgreSQL
    # refuses longer values and any NUL, which failed the whole batch (good rows too) with a traceback.
    path = tmp_path / "subjects.jsonl"
    write_jsonl(path, [
        subject_row(1),
        subject_row(2, name="淮" * 201),
        subject_row(3, legal_representative="李" * 101),
        subject_row(4, licence_no="9" * 51),
        subject_row(5, name="淮南\u0000公司"),
        subject_row(6, name="淮" * 200),
    ])

    result = cli("import", "subjects", path)

    assert result.exit_code == 1
    assert "imported 2, updated 0, unchanged 0, rejected 4" in result.stdout
    rejects = read_jsonl(tmp_path / "subjects.jsonl.rejects.jsonl")
    assert [(r["line"], r["field"]) for r in rejects] == [
        (2, "name"), (3, "legal_representative"), (4, "licence_no"), (5, "name")]
    assert "at most 200 characters" in rejects[0]["reason_en"] and "200" in rejects[0]["reason_zh"]
    assert "NUL" in rejects[3]["reason_en"]
    assert sorted(len(s.name) for s in session.exec(select(Subject))) == [len(subject_row(1)["name"]), 200]


def test_a_file_that_is_not_a_workbook_is_a_clear_error_not_a_traceback(cli, tmp_path):
    import zipfile

    path = tmp_path / "subjects.xlsx"  # a zip archive, but no workbook inside (a renamed .zip or .docx)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    result = cli("import", "subjects", path)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "无法读取文件" in result.stderr and "cannot read the file" in result.stderr


def test_registered_on_is_optional_checked_kept_when_absent_and_cleared_when_empty(cli, session, tmp_path):
    path = tmp_path / "subjects.jsonl"
    write_jsonl(path, [
        subject_row(1, registered_on="2015-04-01"),
        subject_row(2),  # DESIGN §11's shape: no registration date
        subject_row(3, registered_on="2015-02-30"),
        subject_row(4, registered_on="2026-11-27"),  # after today (the clock's 2026-11-26)
    ])
    result = cli("import", "subjects", path)
    assert "imported 2, updated 0, unchanged 0, rejected 2" in result.stdout
    rejects = read_jsonl(tmp_path / "subjects.jsonl.rejects.jsonl")
    assert [(r["line"], r["field"]) for r in rejects] == [(3, "registered_on"), (4, "registered_on")]
    assert "in the future" in rejects[1]["reason_en"]

    def registered() -> dict[str, object]:
        session.expire_all()
        return {s.uscc: s.registered_on for s in session.exec(select(Subject))}

    first, second = subject_row(1)["uscc"], subject_row(2)["uscc"]
    assert registered() == {first: dt.date(2015, 4, 1), second: None}

    write_jsonl(path, [subject_row(1), subject_row(2, registered_on="2010-01-05")])  # absent: kept
    assert "imported 0, updated 1, unchanged 1, rejected 0" in cli("import", "subjects", path).stdout
    assert registered() == {first: dt.date(2015, 4, 1), second: dt.date(2010, 1, 5)}

    write_jsonl(path, [subject_row(1, registered_on="")])  # present and empty: cleared
    assert "updated 1" in cli("import", "subjects", path).stdout
    assert registered()[first] is None
    update = session.exec(select(AuditEvent).where(AuditEvent.action == "subject.update")
                          .order_by(AuditEvent.id.desc())).first()
    assert '"registered_on":["2015-04-01",null]' in update.data
