"""The firm and its list entry on the web: it objects to the listing (对列入名单提出异议) and applies
for early removal (申请提前移出) from its credit page, the gate opens a year after the listing,
another subject's entry answers 404, the staff see the objection and the reviewer decides."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlmodel import select

from credit.applications.models import Application, Attachment
from credit.audit.models import AuditEvent
from credit.listing.models import ListEntry
from credit.notices.models import Notice

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
TODAY = dt.date(2026, 11, 26)  # the clock fixture's day


@pytest.fixture
def firm(make_subject):
    return make_subject(kind="firm", name="淮南名单门户测试有限公司")


def _row(page: str, entry: ListEntry) -> str:
    return page.split(f'id="entry-{entry.id}"')[1].split("</tr>")[0]


@pytest.mark.parametrize("listed_on, opens", [
    (dt.date(2025, 11, 27), False),  # the day before the gate opens (it opens 2026-11-27)
    (dt.date(2025, 11, 26), True),  # the day it opens
])
def test_early_removal_opens_a_year_after_the_listing(client, session, login_as, firm, make_entry, post_form,
                                                      listed_on, opens):
    entry = make_entry(firm, listed_on)
    login_as("firm", subject_id=firm.id)
    row = _row(client.get("/firm/").get_data(as_text=True), entry)
    assert "对列入名单提出异议" in row and f"/firm/list-entries/{entry.id}/objection" in row
    form = {"reasons": "罚款已缴清，已消除不良影响。", "obligations_performed": "y",
            "attachments": (io.BytesIO(PDF), "信用承诺书.pdf")}
    response = post_form(f"/firm/list-entries/{entry.id}/removal", form, content_type="multipart/form-data")
    if not opens:
        assert "2026年11月27日 起可申请提前移出" in row and "申请提前移出</a>" not in row
        assert response.status_code == 403
        assert "你单位自2026年11月27日起可以申请" in response.get_data(as_text=True)
        assert session.exec(select(Application)).all() == []
        return
    assert "申请提前移出</a>" in row and f"/firm/list-entries/{entry.id}/removal" in row
    assert response.status_code == 302
    application = session.exec(select(Application)).one()
    assert response.headers["Location"] == f"/applications/{application.id}"
    assert (application.kind, application.list_entry_id, application.channel, application.obligations_declared) == (
        "removal", entry.id, "online", True)
    assert session.exec(select(Attachment.filename)).all() == ["信用承诺书.pdf"]
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "提前移出审核中" in page and entry.id in page and "2026年12月17日" in page  # 15 working days
    assert "提前移出审核中" in _row(client.get("/firm/").get_data(as_text=True), entry)


def test_another_subjects_entry_answers_404_like_a_missing_one(client, login_as, firm, make_subject, make_entry,
                                                               post_form, session):
    other = make_entry(make_subject(kind="firm"), dt.date(2025, 1, 6))
    login_as("firm", subject_id=firm.id)
    for kind in ("objection", "removal"):
        for entry_id in (other.id, "SD-2099-999999"):
            assert client.get(f"/firm/list-entries/{entry_id}/{kind}").status_code == 404
            response = post_form(f"/firm/list-entries/{entry_id}/{kind}", {"reasons": "x", "obligations_performed": "y"})
            assert response.status_code == 404
    assert session.exec(select(Application)).all() == []


def test_an_objection_shows_as_pending_to_the_firm_and_the_staff_and_the_reviewer_answers(
        client, session, login_as, firm, make_entry, post_form):
    entry = make_entry(firm, dt.date(2026, 6, 1))
    login_as("firm", subject_id=firm.id)
    page = client.get(f"/firm/list-entries/{entry.id}/objection").get_data(as_text=True)
    assert entry.decision_no in page and "异议成立的，将其移出名单" in page
    assert post_form(f"/firm/list-entries/{entry.id}/objection", {}).status_code == 400  # reasons required
    response = post_form(f"/firm/list-entries/{entry.id}/objection", {"reasons": "列入所依据的处罚决定已被撤销。"})
    assert response.status_code == 302
    application_url = response.headers["Location"]
    row = _row(client.get("/firm/").get_data(as_text=True), entry)
    assert "异议处理中" in row and "对列入名单提出异议" not in row

    login_as("inspector")
    page = client.get(f"/list/entries/{entry.id}").get_data(as_text=True)
    assert '<strong id="objection">异议处理中</strong>' in page and application_url in page
    assert application_url in client.get("/list/queue").get_data(as_text=True)

    login_as("reviewer")
    queue = client.get("/applications/review").get_data(as_text=True)
    assert application_url in queue and entry.id in queue and "2026年12月17日" in queue
    assert post_form(f"{application_url}/decide", {"decision": "grant", "reasons": " "}).status_code == 400
    response = post_form(f"{application_url}/decide", {"decision": "grant", "reasons": "原处罚决定已被撤销，异议成立。"})
    assert response.status_code == 302
    assert session.get(ListEntry, entry.id).status == "removed"
    page = client.get(application_url).get_data(as_text=True)
    assert "异议成立" in page and "自下一版名单起停止公示" in page
    kinds = session.exec(select(Notice.kind).where(Notice.subject_id == firm.id).order_by(Notice.id)).all()
    assert kinds == ["removal_decision", "objection_reply"]
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.object_type == "application")).all()
    assert actions == ["application.objection", "application.decide"]

    login_as("firm", subject_id=firm.id)
    row = _row(client.get("/firm/").get_data(as_text=True), entry)
    assert "已移出" in row and "2026年11月26日" in row and "申请提前移出" not in row


def test_the_inspector_records_a_paper_application_for_the_reviewers_queue(client, session, login_as, firm,
                                                                             make_entry, post_form):
    entry = make_entry(firm, dt.date(2025, 10, 1))
    login_as("inspector")
    page = client.get(f"/list/entries/{entry.id}").get_data(as_text=True)
    assert "登记纸质提前移出申请" in page
    response = post_form(f"/list/entries/{entry.id}/removal", {
        "apply-received_on": "2026-11-20", "apply-reasons": "申请提前移出，附信用承诺书。", "apply-obligations_performed": "y"})
    assert response.status_code == 302
    application = session.exec(select(Application)).one()
    assert (application.channel, application.received_on, application.kind) == ("paper", dt.date(2026, 11, 20),
                                                                                 "removal")
    page = client.get(f"/list/entries/{entry.id}").get_data(as_text=True)
    assert "纸质申请" in page and f"/applications/{application.id}" in page
    response = post_form(f"/list/entries/{entry.id}/removal", {
        "apply-received_on": "2026-11-21", "apply-reasons": "再次申请。", "apply-obligations_performed": "y"})
    assert response.status_code == 409  # one open application per entry
