"""The public endpoints (no login): the query of /query, one subject's grade, the published list's
versions and entries, and the verification of a document, each with the data its page shows."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import urllib.parse

import pytest

from credit.audit.actor import Actor
from credit.listing import publication
from credit.listing.imports import add_entry
from credit.listing.terms import current_terms
from credit.notices.services import current_settings
from credit.notices.triggers import issue_credit_report
from credit.query.services import query_subjects
from credit.scoring.services import reassess
from credit.subjects.services import synthetic_uscc

PUBLISHED = {"name", "uscc", "kind", "district", "grade", "tier", "listed", "assessed_on"}


@pytest.fixture
def registry(session, ctx, clock, make_subject, make_record):
    agency = make_subject(kind="patent_agency", name="淮南公开查询专利代理所")
    make_record(agency, "PA-PENALTY", dt.date(2026, 10, 1))
    make_subject(kind="firm", name="淮南公开查询科技有限公司")
    reassess(session, clock, catalog=ctx.catalog, subject_ids=[agency.id], reason="test")
    session.commit()
    return agency


def test_the_query_answers_the_data_of_the_query_page(client, session, clock, registry):
    answer = client.get("/api/v1/public/subjects", query_string={"q": "公开查询"}).get_json()
    expected = query_subjects(session, "公开查询", clock.today())
    assert answer["items"] == [json.loads(json.dumps(dataclasses.asdict(s), default=str)) for s in expected.items]
    assert (answer["total"], answer["page"], answer["pages"]) == (2, 1, 1)
    assert answer["items"][0] == {"name": "淮南公开查询专利代理所", "uscc": registry.uscc, "kind": "patent_agency",
                                  "district": "340403", "grade": "B", "tier": "一般", "listed": False,
                                  "assessed_on": "2026-11-26"}
    assert all(set(item) == PUBLISHED for item in answer["items"])  # no ids, records or officers


def test_the_query_is_paged_as_the_page_is(client, make_subject):
    for i in range(23):
        make_subject(kind="firm", name=f"分页测试企业{i:02d}")
    first = client.get("/api/v1/public/subjects", query_string={"q": "分页测试"}).get_json()
    second = client.get("/api/v1/public/subjects", query_string={"q": "分页测试", "page": 2}).get_json()
    assert (len(first["items"]), len(second["items"]), first["pages"], first["per_page"]) == (20, 3, 2, 20)
    assert second["items"][-1]["name"] == "分页测试企业22"


def test_one_subjects_grade_by_its_uscc(client, registry):
    answer = client.get(f"/api/v1/public/subjects/{registry.uscc.lower()}")
    assert answer.status_code == 200 and answer.get_json()["grade"] == "B"
    unknown = client.get(f"/api/v1/public/subjects/{synthetic_uscc(99_997, '340403')}")
    assert unknown.status_code == 404 and unknown.get_json()["details"] == {"field": "uscc"}
    # Not a USCC at all: refused, not searched by name.
    assert client.get("/api/v1/public/subjects/淮南公开查询专利代理所1234567").status_code == 400


def test_the_published_lists_versions_and_entries(client, session, clock, make_subject):
    terms = current_terms()
    subject = make_subject(legal_representative="王五")
    add_entry(session, terms, {"id": "CNIPA-2026-7", "uscc": subject.uscc, "reason": "代理机构出租出借资质",
                               "legal_basis": "《专利代理条例》第二十五条", "authority": "安徽省知识产权局",
                               "decision_no": "皖知罚〔2026〕3号", "listed_on": "2026-06-01",
                               "planned_removal_on": "2029-06-01"}, Actor(None, "test"), clock.now(), clock.today())
    version = publication.publish(session, terms, Actor(None, "test-publisher"), clock.now(), clock.today())
    session.commit()

    [listed] = client.get("/api/v1/public/list/versions").get_json()["versions"]
    assert (listed["version"], listed["as_of"], listed["count"], listed["added"]) == (1, "2026-11-26", 1, 1)
    assert "published_by" not in listed  # no officer names
    assert [f["name"] for f in listed["files"]] == ["index.json", "list.csv", "list.json", "list.pdf", "delta.json"]
    for item in listed["files"]:
        data = client.get(urllib.parse.urlsplit(item["url"]).path).data
        assert hashlib.sha256(data).hexdigest() == item["sha256"] and len(data) == item["size"]

    entries = client.get(f"/api/v1/public/list/versions/{version.number}/entries").get_json()
    assert (entries["version"], entries["count"]) == (1, 1)
    assert entries["entries"] == publication.version_rows(terms, version)
    assert entries["entries"][0]["legal_representative"] == "王五" and entries["entries"][0]["authority"] == "安徽省知识产权局"
    assert client.get("/api/v1/public/list/versions/2/entries").status_code == 404


def test_a_document_is_verified_by_its_code(app, client, session, ctx, clock, make_subject):
    subject = make_subject(kind="firm", name="核验测试企业")
    with app.test_request_context():
        notice = issue_credit_report(session, current_settings(), ctx.catalog, subject, Actor(None, "test"), clock.now())
    session.commit()
    code = notice.verification_code
    typed = f"{code[:4]}-{code[4:8]}-{code[8:]}".lower()  # as a person copies it from the paper
    answer = client.get(f"/api/v1/public/documents/{typed}")
    assert answer.status_code == 200
    assert answer.get_json() == {"kind": notice.kind, "title": "知识产权信用报告", "document_no": notice.document_no,
                                 "issued_on": "2026-11-26", "recipient": "核验测试企业", "sha256": notice.sha256,
                                 "authority": app.config["AUTHORITY_NAME"]}
    assert client.get(f"/verify/{code}").status_code == 200  # the page says the same code exists
