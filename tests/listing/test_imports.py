"""`credit import list-entries` and the staff form: entries decided elsewhere."""
from __future__ import annotations

import datetime as dt
import json

from sqlmodel import select

from credit.audit.actor import Actor
from credit.cli import main
from credit.listing import publication
from credit.listing.models import ListEntry, ListingProcedure
from credit.subjects.services import synthetic_uscc
from tests.listing.conftest import at

UNKNOWN = synthetic_uscc(99_999, "340403")  # valid, but no subject has it


def _row(uscc: str, **extra) -> dict:
    return {"id": "CNIPA-2026-7", "uscc": uscc, "reason": "代理机构出租出借资质", "legal_basis": "《专利代理条例》第二十五条",
            "authority": "安徽省知识产权局", "decision_no": "皖知罚〔2026〕3号", "listed_on": "2026-06-01",
            "planned_removal_on": "2029-06-01", "removed_on": "", **extra}


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_import_is_idempotent_rejects_bad_rows_and_publishes_with_the_authority(runner, session, terms,
                                                                                make_subject, tmp_path):
    subject = make_subject()
    path = _write(tmp_path / "list_entries.jsonl", [
        _row(subject.uscc),
        _row(UNKNOWN, id="X-2"),
        _row(subject.uscc, id="X-3", authority="淮南市市场监督管理局"),  # local ones go through the procedure
        _row(subject.uscc, id="X-4", planned_removal_on="2026-05-01"),
    ])
    result = runner.invoke(main, ["import", "list-entries", str(path)])
    assert result.exit_code == 1 and "imported 1" in result.output and "rejected 3" in result.output
    rejects = [json.loads(line) for line in (tmp_path / "list_entries.jsonl.rejects.jsonl").read_text().splitlines()]
    assert sorted((r["line"], r["field"]) for r in rejects) == [(2, "uscc"), (3, "authority"), (4, "planned_removal_on")]
    entry = session.exec(select(ListEntry)).one()
    assert (entry.id, entry.source, entry.authority) == ("SD-2026-000001", "elsewhere", "安徽省知识产权局")
    assert session.exec(select(ListingProcedure)).all() == []

    _write(path, [_row(subject.uscc)])
    again = runner.invoke(main, ["import", "list-entries", str(path)])
    assert again.exit_code == 0 and "unchanged 1" in again.output

    version = publication.publish(session, terms, Actor(None, "test"), at(2026, 11, 26), dt.date(2026, 11, 26))
    [row] = publication.version_rows(terms, version)
    assert (row["authority"], row["decision_no"]) == ("安徽省知识产权局", "皖知罚〔2026〕3号")

    _write(path, [_row(subject.uscc, removed_on="2026-11-20")])
    assert "updated 1" in runner.invoke(main, ["import", "list-entries", str(path)]).output
    session.expire_all()
    assert session.get(ListEntry, entry.id).status == "removed"


def test_the_staff_form_refuses_an_unknown_uscc_and_records_a_good_entry(client, login_as, session, make_subject,
                                                                        post_form):
    login_as("reviewer")
    subject = make_subject()
    data = {**_row(UNKNOWN), "listed_on": "2026-06-01", "planned_removal_on": "2029-06-01"}
    data.pop("removed_on")
    response = post_form("/list/entries/new", data)
    assert response.status_code == 400 and "尚未登记" in response.get_data(as_text=True)
    assert session.exec(select(ListEntry)).all() == []
    response = post_form("/list/entries/new", {**data, "uscc": subject.uscc})
    assert response.status_code == 302
    assert session.exec(select(ListEntry)).one().source == "elsewhere"
