"""What an import reads: bounded before it is parsed, JSON types checked per field, one row per sender id."""
from __future__ import annotations

import json
import zipfile

import pytest
from openpyxl import Workbook
from sqlmodel import select

from credit.exchange import formats
from credit.records.models import Record
from credit.subjects.models import Subject

from tests.exchange.conftest import read_jsonl, record_row, subject_row, write_jsonl


def _refused_cleanly(result) -> None:
    """Exit status 1 with a message, not a traceback."""
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


def test_a_workbook_whose_parts_unpack_past_the_bound_is_refused_before_it_is_read(cli, session, tmp_path, monkeypatch):
    # Shared strings that unpack to 720 MB took 163 s and 3.5 GB for one row: openpyxl reads them whole.
    path = tmp_path / "subjects.xlsx"
    workbook = Workbook()
    workbook.active.append(list(subject_row(1)))
    workbook.active.append(list(subject_row(1).values()))
    workbook.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/padding.xml", "w", force_zip64=True) as part:
        chunk = b" " * (1 << 20)
        for _ in range(formats.MAX_XLSX_PART_BYTES // len(chunk) + 1):  # 65 MB unpacked, 64 KB packed
            part.write(chunk)

    def never(*_args, **_kwargs):
        raise AssertionError("the workbook was read")

    monkeypatch.setattr(formats, "load_workbook", never)
    result = cli("import", "subjects", path)

    _refused_cleanly(result)
    assert "工作簿解压后过大" in result.stderr and "the workbook unpacks to too much" in result.stderr
    assert session.exec(select(Subject)).first() is None


def test_a_sheet_row_is_read_only_as_far_as_the_column_bound(cli, tmp_path):
    path = tmp_path / "subjects.xlsx"
    workbook = Workbook()
    workbook.active.append(list(subject_row(1)))
    workbook.active.append([*subject_row(1).values(), *(["x"] * 5000)])
    workbook.save(path)
    result = cli("import", "subjects", path)
    assert "imported 0, updated 0, unchanged 0, rejected 1" in result.stdout
    [reject] = read_jsonl(tmp_path / "subjects.xlsx.rejects.jsonl")
    assert len(reject["_extra"]) == formats.MAX_COLUMNS - len(subject_row(1))


def test_a_csv_field_over_the_csv_modules_limit_is_a_message_naming_its_line(cli, session, tmp_path):
    path = tmp_path / "subjects.csv"
    long_name = "淮" * 131_073
    lines = [",".join(subject_row(1)), ",".join(subject_row(1).values()),
             ",".join({**subject_row(2), "name": f'"{long_name}'}.values()) + '"']
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")

    result = cli("import", "subjects", path)

    _refused_cleanly(result)
    assert "第 3 行起无法按 CSV 读取" in result.stderr and "cannot read the CSV from line 3" in result.stderr
    assert session.exec(select(Subject)).first() is None  # nothing of the file, the good line 2 neither


def test_a_deeply_nested_or_overlong_jsonl_line_is_a_rejected_row(cli, session, tmp_path):
    path = tmp_path / "subjects.jsonl"
    deep = '{"uscc": ' + "[" * 20_000 + "]" * 20_000 + "}"  # under the line bound, past the parser's depth
    huge = '{"uscc": ' + "[" * 200_000 + "]" * 200_000 + "}"
    write_jsonl(path, [subject_row(1), deep, huge, subject_row(2)])

    result = cli("import", "subjects", path)

    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "imported 2, updated 0, unchanged 0, rejected 2" in result.stdout
    assert "subjects.jsonl:2: (row): JSON 嵌套层数过多 / the JSON is nested too deeply" in result.stderr
    assert f"subjects.jsonl:3: (row): 第 3 行超过 {formats.MAX_LINE_BYTES} 字节" in result.stderr
    assert len(session.exec(select(Subject)).all()) == 2


WRONG_TYPES = [
    ("authority", {"name": "淮南局"}, "an object"),
    ("document_no", ["淮", "罚"], "an array"),
    ("id", True, "true or false"),
    ("decision_date", False, "true or false"),
]


@pytest.mark.parametrize("field, value, what", WRONG_TYPES, ids=[w[0] for w in WRONG_TYPES])
def test_a_json_value_of_the_wrong_type_is_refused_in_its_field(cli, session, tmp_path, make_subject, field, value, what):
    # They were stored as Python's text of them: "{'name': '淮南局'}", "True".
    agency = make_subject("patent_agency")
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("R1", agency.uscc, **{field: value}), record_row("R2", agency.uscc)])

    result = cli("import", "records", path)

    assert "imported 1, updated 0, unchanged 0, rejected 1" in result.stdout
    assert f"records.jsonl:1: {field}: " in result.stderr and f"field {field} must be text, not {what}" in result.stderr
    assert [r.external_id for r in session.exec(select(Record))] == ["R2"]


def test_a_number_out_of_range_is_refused_in_its_field(cli, session, tmp_path):
    path = tmp_path / "subjects.jsonl"
    row = json.dumps(subject_row(1), ensure_ascii=False)
    write_jsonl(path, [row.replace('"district": "340403"', '"district": 1e999999'),
                       row.replace('"district": "340403"', '"district": NaN')])
    result = cli("import", "subjects", path)
    assert "subjects.jsonl:1: district: 字段 district 的数值超出范围 / field district is a number out of range" in result.stderr
    assert "subjects.jsonl:2: (row): 不是有效的 JSON" in result.stderr
    assert session.exec(select(Subject)).first() is None


def test_a_uscc_twice_in_a_subjects_file_is_refused_with_both_lines(cli, session, tmp_path):
    path = tmp_path / "subjects.jsonl"
    write_jsonl(path, [subject_row(1), subject_row(2), subject_row(1, legal_representative="王五")])
    result = cli("import", "subjects", path)
    uscc = subject_row(1)["uscc"]
    assert f"subjects.jsonl:3: uscc: uscc {uscc} 在文件中重复：第 1 行与第 3 行" in result.stderr
    assert f"duplicate uscc {uscc} in the file: lines 1 and 3" in result.stderr
    assert "imported 2, updated 0, unchanged 0, rejected 1" in result.stdout
    assert "imported 0, updated 0, unchanged 2, rejected 1" in cli("import", "subjects", path).stdout
    assert {s.legal_representative for s in session.exec(select(Subject))} == {"李四"}


def test_a_records_penalty_and_other_optional_fields_pass_without_a_rejection(cli, session, tmp_path, make_subject):
    agency = make_subject("patent_agency")
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("R1", agency.uscc, penalty={"kind": "fine", "amount": 5000})])
    result = cli("import", "records", path)
    assert result.exit_code == 0, result.output
    assert [r.external_id for r in session.exec(select(Record))] == ["R1"]
