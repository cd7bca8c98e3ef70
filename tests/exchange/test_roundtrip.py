"""Export -> import round-trips in every format: what one system exports, another imports unchanged."""
from __future__ import annotations

import csv

import pytest

from credit.exchange.formats import read_rows

from tests.conftest import _empty_tables
from tests.exchange.conftest import record_row, subject_row, write_jsonl


@pytest.fixture
def loaded(cli, tmp_path):
    subjects, records = tmp_path / "in-subjects.jsonl", tmp_path / "in-records.jsonl"
    write_jsonl(subjects, [subject_row(1, licence_no="34101", registered_on="2015-04-01"),
                           subject_row(2, "firm", name="=淮南市\"引号\",逗号公司"),
                           subject_row(3, "trademark_agency")])
    write_jsonl(records, [
        record_row("R1", subject_row(1)["uscc"]),
        record_row("R2", subject_row(1)["uscc"], type="ANY-FALSE-COMMITMENT", category="general", document_no=""),
        record_row("R3", subject_row(2)["uscc"], type="FM-INFRINGE", category="trademark", status="revoked",
                   decision_date="2024-02-29"),
    ])
    assert cli("import", "subjects", subjects).exit_code == 0
    assert cli("import", "records", records).exit_code == 0


def _rows(path) -> list[dict]:
    return [row.data for row in read_rows(path)]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_export_then_import_into_an_empty_database_gives_the_same_export(cli, app, tmp_path, loaded, fmt):
    first = {what: tmp_path / f"{what}.{fmt}" for what in ("subjects", "records")}
    for what, path in first.items():
        result = cli("export", what, "--output", path)
        assert result.exit_code == 0 and "exported 3 rows" in result.stderr

    _empty_tables(app.extensions["credit"].engine)
    for what, path in first.items():
        result = cli("import", what, path)
        assert result.exit_code == 0, result.output
        assert "imported 3, updated 0, unchanged 0, rejected 0" in result.stdout

    for what, path in first.items():
        again = tmp_path / f"again-{what}.{fmt}"
        cli("export", what, "--format", fmt, "--output", again)
        assert _rows(again) == _rows(path)
        assert cli("import", what, again).stdout.startswith(f"again-{what}.{fmt}：新增 0，更新 0，未变 3，拒绝 0")


def test_exported_rows_have_the_exchange_shapes(cli, loaded):
    subjects = cli("export", "subjects").stdout.splitlines()
    records = cli("export", "records").stdout.splitlines()
    assert subjects[0] == ('{"uscc": "%s", "name": "淮南市田家庵区测试1知识产权代理有限公司", "kind": "patent_agency", '
                           '"district": "340403", "legal_representative": "李四", "licence_no": "34101", '
                           '"registered_on": "2015-04-01"}' % subject_row(1)["uscc"])
    assert len(records) == 3
    assert '"id": "R3"' in records[2] and '"status": "revoked"' in records[2] and '"decision_date": "2024-02-29"' in records[2]


def test_csv_has_a_bom_for_excel_and_keeps_quotes_and_commas(cli, tmp_path, loaded):
    path = tmp_path / "subjects.csv"
    cli("export", "subjects", "-o", path)
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffuscc,name,kind,district,legal_representative,licence_no,registered_on\r\n")
    assert '"\'=淮南市""引号"",逗号公司"' in text  # neutralised for Excel, and read back as it was
    assert any(row["name"] == '=淮南市"引号",逗号公司' for row in _rows(path))


HOSTILE = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "'=already", "''-two", "plain", "it's"]  # (values are stripped)


@pytest.mark.parametrize("what", ["subjects", "records"])
def test_csv_exports_neutralise_every_formula_like_cell_and_read_back_exactly(cli, tmp_path, what):
    subjects = tmp_path / "s.jsonl"
    write_jsonl(subjects, [subject_row(n + 1, name=text if what == "subjects" else f"公司{n}")
                           for n, text in enumerate(HOSTILE)])
    assert cli("import", "subjects", subjects).exit_code == 0
    if what == "records":
        records = tmp_path / "r.jsonl"
        write_jsonl(records, [record_row(f"R{n}", subject_row(n + 1)["uscc"], document_no=text)
                              for n, text in enumerate(HOSTILE)])
        assert cli("import", "records", records).exit_code == 0
    path = tmp_path / f"{what}.csv"
    assert cli("export", what, "--format", "csv", "-o", path).exit_code == 0

    column = "name" if what == "subjects" else "document_no"
    with path.open(encoding="utf-8-sig", newline="") as file:
        written = sorted(row[column] for row in csv.DictReader(file))
    assert written == sorted(["'=1+2", "'+SUM(A1)", "'-2+3", "'@cmd", "''=already", "'''-two", "plain", "it's"])
    assert sorted(row[column] for row in _rows(path)) == sorted(HOSTILE)


def test_xlsx_keeps_text_that_looks_like_a_formula_as_text(cli, tmp_path, loaded):
    path = tmp_path / "subjects.xlsx"
    cli("export", "subjects", "-o", path)
    assert any(row["name"] == '=淮南市"引号",逗号公司' for row in _rows(path))


def test_xlsx_needs_an_output_file(cli, loaded):
    result = cli("export", "subjects", "--format", "xlsx")
    assert result.exit_code == 1 and "XLSX 格式须用 --output 指定文件" in result.stderr


def test_an_output_in_a_missing_folder_is_a_clear_error_not_a_traceback(cli, tmp_path, loaded):
    result = cli("export", "subjects", "-o", tmp_path / "missing" / "subjects.csv")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "无法写入或读取文件" in result.stderr and "cannot read or write" in result.stderr
