"""Import and export of the exchange rows (DESIGN section 11) over the API: the good rows are
written and the bad ones reported with line, field and reason exactly as `credit import` reports
them; exports page by an opaque cursor and give every row exactly once."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import select

from credit.cli import main
from credit.exchange.services import assessment_rows, record_rows, subject_rows
from credit.listing.models import ListEntry
from credit.records.models import Record
from credit.scoring.queries import assessment_in_force
from credit.scoring.services import reassess
from credit.subjects.models import Subject
from credit.subjects.services import synthetic_uscc
from tests.api.conftest import bearer
from tests.exchange.conftest import read_jsonl, record_row, subject_row, write_jsonl

BAD_SUBJECTS = [
    subject_row(2, kind="bank"),
    subject_row(3, district="110101"),
    {"uscc": "91340400MA2N0000XX", "name": "坏代码", "kind": "firm", "district": "340403"},
    subject_row(5, name=""),
    subject_row(1),  # the same USCC as the first row
    {"uscc": synthetic_uscc(6, "340403"), "name": {"nested": True}, "kind": "firm", "district": "340403"},
]


def _reasons(rejects) -> list[tuple]:
    return [(r["line"], r["field"], r["reason_zh"], r["reason_en"]) for r in rejects]


def test_an_import_writes_the_good_rows_and_reports_the_bad_ones_as_the_cli_does(client, session, make_token, runner,
                                                                               tmp_path):
    rows = [subject_row(1), *BAD_SUBJECTS, subject_row(7)]
    response = client.post("/api/v1/subjects", json=rows, headers=bearer(make_token(["subjects:write"])))
    answer = response.get_json()
    assert response.status_code == 200, answer
    assert (answer["imported"], answer["updated"], answer["unchanged"], answer["rejected"]) == (2, 0, 0, 6)
    assert sorted(s.uscc for s in session.exec(select(Subject))) == sorted([rows[0]["uscc"], rows[-1]["uscc"]])
    assert [r["line"] for r in answer["rejects"]] == [2, 3, 4, 5, 6, 7]
    assert answer["rejects"][0]["row"] == BAD_SUBJECTS[0]

    # The command line, given the same rows as a file, refuses the same lines for the same reasons.
    path = tmp_path / "subjects.jsonl"
    write_jsonl(path, rows)
    assert runner.invoke(main, ["import", "subjects", str(path)]).exit_code == 1
    assert _reasons(answer["rejects"]) == _reasons(read_jsonl(path.with_name("subjects.jsonl.rejects.jsonl")))


def test_json_lines_count_lines_and_a_line_that_is_no_json_is_a_reject(client, session, make_token, make_subject):
    agency = make_subject()
    body = "\n".join([json.dumps(record_row("SAMR-1", agency.uscc, penalty={"kind": "fine", "amount": 5000}),
                                 ensure_ascii=False), "", "{not json", json.dumps(record_row("SAMR-2", agency.uscc,
                                                                                                 type="NO-SUCH"))])
    response = client.post("/api/v1/records", data=body.encode(), content_type="application/x-ndjson",
                           headers=bearer(make_token(["records:write"])))
    answer = response.get_json()
    assert (answer["imported"], answer["rejected"]) == (1, 2)
    assert [(r["line"], r["field"]) for r in answer["rejects"]] == [(3, "(row)"), (4, "type")]
    record = session.exec(select(Record)).one()
    assert (record.external_id, record.penalty_kind, int(record.penalty_amount)) == ("SAMR-1", "fine", 5000)
    assert assessment_in_force(session, agency.id, dt.date(2026, 11, 26)) is not None  # reassessed at once


def test_list_entries_decided_elsewhere_go_in_and_come_out(client, session, make_token, make_subject):
    subject = make_subject()
    secret = make_token(["list:read", "list:write"])
    row = {"id": "CNIPA-2026-7", "uscc": subject.uscc, "reason": "代理机构出租出借资质", "legal_basis": "《专利代理条例》第二十五条",
           "authority": "安徽省知识产权局", "decision_no": "皖知罚〔2026〕3号", "listed_on": "2026-06-01",
           "planned_removal_on": "2029-06-01", "removed_on": None}
    local = {**row, "id": "X-2", "authority": "淮南市市场监督管理局"}
    answer = client.post("/api/v1/list/entries", json=[row, local], headers=bearer(secret)).get_json()
    assert (answer["imported"], answer["rejected"]) == (1, 1) and answer["rejects"][0]["field"] == "authority"
    entry = session.exec(select(ListEntry)).one()
    exported = client.get("/api/v1/list/entries", headers=bearer(secret)).get_json()
    assert exported == {"items": [row], "next_cursor": None} and entry.external_id == "CNIPA-2026-7"
    again = client.post("/api/v1/list/entries", json=[row], headers=bearer(secret)).get_json()
    assert (again["imported"], again["unchanged"]) == (0, 1)


def _all_pages(client, url: str, secret: str, limit: int, **query) -> list[list[dict]]:
    pages, cursor = [], None
    while True:
        response = client.get(url, query_string={**query, "limit": limit, **({"cursor": cursor} if cursor else {})},
                              headers=bearer(secret))
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50


@pytest.fixture
def exchange_data(session, clock, ctx, make_subject, make_record):
    """Seven subjects, records with ties on subject and date, their assessments."""
    subjects = [make_subject("patent_agency" if i % 2 else "firm") for i in range(7)]
    for subject in subjects[:4]:
        for _ in range(2):  # two records of one subject on one day: the cursor's key tells them apart
            make_record(subject, "PA-PENALTY" if subject.kind == "patent_agency" else "FM-INFRINGE", dt.date(2026, 3, 2))
    make_record(subjects[0], "PA-PENALTY", dt.date(2025, 5, 1), status="revoked")
    reassess(session, clock, catalog=ctx.catalog, subject_ids=None, reason="test")
    session.commit()
    return subjects


@pytest.mark.parametrize("url, scope, rows", [
    ("/api/v1/subjects", "subjects:read", lambda session: list(subject_rows(session))),
    ("/api/v1/records", "records:read", lambda session: list(record_rows(session))),
    ("/api/v1/assessments", "assessments:read", lambda session: list(assessment_rows(session, dt.date(2026, 11, 26)))),
])
@pytest.mark.parametrize("limit", [1, 3, 1000])
def test_cursor_paging_gives_every_row_exactly_once(client, session, make_token, exchange_data, url, scope, rows, limit):
    expected = json.loads(json.dumps(rows(session), default=str))  # the command line's export, as JSON
    assert len(expected) >= 7
    pages = _all_pages(client, url, make_token([scope]), limit)
    assert [row for page in pages for row in page] == expected  # each once, in the export's order
    assert all(len(page) == limit for page in pages[:-1]) and 0 < len(pages[-1]) <= limit


def test_a_page_continues_after_its_key_when_rows_arrive_between_pages(client, make_token, make_subject, exchange_data):
    secret = make_token(["subjects:read"])
    first = client.get("/api/v1/subjects", query_string={"limit": 3}, headers=bearer(secret)).get_json()
    seen = [row["uscc"] for row in first["items"]]
    late = make_subject(uscc=synthetic_uscc(99_998, "340403"))  # sorts after every subject seen so far
    rest = [row["uscc"] for page in _all_pages(client, "/api/v1/subjects", secret, 3, cursor=first["next_cursor"])
            for row in page]
    assert not set(seen) & set(rest) and late.uscc in rest


def test_a_cursor_is_opaque_and_tied_to_its_export(client, make_token, exchange_data):
    secret = make_token()
    cursor = client.get("/api/v1/subjects", query_string={"limit": 2}, headers=bearer(secret)).get_json()["next_cursor"]
    assert exchange_data[0].uscc not in cursor and "{" not in cursor
    for url, query in (("/api/v1/subjects", {"cursor": cursor[:-2] + "xx"}), ("/api/v1/records", {"cursor": cursor}),
                       ("/api/v1/subjects", {"cursor": "eyJleHBvcnQiOiJzdWJqZWN0cyJ9"})):
        response = client.get(url, query_string=query, headers=bearer(secret))
        assert response.status_code == 400 and response.get_json()["details"] == {"field": "cursor"}, url
    first = client.get("/api/v1/assessments", query_string={"limit": 2, "as_of": "2026-11-27"}, headers=bearer(secret))
    cursor = first.get_json()["next_cursor"]
    for as_of, status in (("2026-11-26", 400), ("2026-11-27", 200), (None, 200)):  # the cursor keeps its day, not today
        response = client.get("/api/v1/assessments", query_string={"cursor": cursor, **({"as_of": as_of} if as_of else {})},
                              headers=bearer(secret))
        assert response.status_code == status, as_of
        assert status == 400 or {row["as_of"] for row in response.get_json()["items"]} == {"2026-11-27"}
