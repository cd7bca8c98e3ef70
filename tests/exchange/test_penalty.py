"""The optional ``penalty`` {"kind", "amount"} of records.jsonl (DESIGN section 11), in and out."""
from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from sqlmodel import select

from credit.records.models import Record
from tests.exchange.conftest import read_jsonl, record_row, write_jsonl


@pytest.fixture
def agency(make_subject):
    return make_subject("patent_agency")


def test_a_penalty_is_imported_kept_when_absent_and_exported(cli, session, tmp_path, agency):
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("S-1", agency.uscc, penalty={"kind": "fine", "amount": 60000}),
                       record_row("S-2", agency.uscc, penalty={"kind": "warning", "amount": None})])
    assert cli("import", "records", path).exit_code == 0
    stored = {r.external_id: r for r in session.exec(select(Record))}
    assert (stored["S-1"].penalty_kind, stored["S-1"].penalty_amount) == ("fine", Decimal("60000.00"))
    assert (stored["S-2"].penalty_kind, stored["S-2"].penalty_amount) == ("warning", None)

    write_jsonl(path, [record_row("S-1", agency.uscc)])  # no penalty field: the stored one stays
    assert "unchanged 1" in cli("import", "records", path).stdout

    out = tmp_path / "out.jsonl"
    assert cli("export", "records", "--output", out).exit_code == 0
    rows = {r["id"]: r for r in read_jsonl(out)}
    assert rows["S-1"]["penalty"] == {"kind": "fine", "amount": 60000}
    assert rows["S-2"]["penalty"] == {"kind": "warning", "amount": None}
    out_csv = tmp_path / "out.csv"
    assert cli("export", "records", "--output", out_csv).exit_code == 0
    row = next(r for r in csv.DictReader(out_csv.open(encoding="utf-8-sig")) if r["id"] == "S-1")
    # The CSV's penalty cell (JSON text) imports back unchanged.
    assert "unchanged 2" in cli("import", "records", out_csv).stdout and '"kind": "fine"' in row["penalty"]


@pytest.mark.parametrize("penalty, reason", [
    ({"kind": "jail"}, "未知的处罚种类"),
    ({"kind": "fine"}, "罚款须填写金额"),
    ({"kind": "closure", "amount": 5}, "该处罚种类没有金额"),
    ({"kind": "fine", "amount": -1}, "不小于 0"),
    ({"kind": "fine", "amount": "lots"}, "不是数字"),
    ({"kind": "fine", "amount": 1, "extra": 2}, "penalty 须为"),
    ("not json", "JSON"),
])
def test_a_bad_penalty_is_rejected_with_its_field(cli, session, tmp_path, agency, penalty, reason):
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("S-1", agency.uscc, penalty=penalty)])
    result = cli("import", "records", path)
    assert result.exit_code == 1 and reason in result.stderr
    [reject] = read_jsonl(tmp_path / "records.jsonl.rejects.jsonl")
    assert reject["field"] == "penalty"
    assert session.exec(select(Record)).all() == []
