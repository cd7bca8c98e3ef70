"""The firm's credit page: its grade and why, its records with what it may apply for, its
applications, and a credit report that is listed at once."""
from __future__ import annotations

import re
import datetime as dt

from sqlmodel import select

from credit.applications.services import Uploads, object_to_record
from credit.audit.actor import Actor
from credit.notices.models import Notice
from credit.scoring.services import reassess


def test_the_firm_sees_its_grade_why_and_what_it_may_apply_for(client, session, ctx, clock, login_as, make_subject,
                                                               make_record, post_form):
    firm = make_subject(kind="firm", name="淮南门户测试有限公司")
    objected = make_record(firm, "FM-INFRINGE", dt.date(2026, 10, 1))
    repairable = make_record(firm, "FM-COUNTERFEIT-PATENT", dt.date(2026, 3, 1))
    make_record(firm, "FM-GI-MISUSE", dt.date(2026, 9, 1), status="draft")  # staff's business, not the firm's
    object_to_record(session, objected, "有误。", [], Actor(None, "f"), catalog=ctx.catalog, calendar=ctx.calendar,
                     store=Uploads(ctx.files, 10**6), now=clock.now())
    reassess(session, clock, catalog=ctx.catalog, subject_ids=[firm.id], reason="test")
    session.commit()
    login_as("firm", subject_id=firm.id)
    page = client.get("/firm/").get_data(as_text=True)
    assert re.search(r'<span class="figure tier-\w+" id="grade">C</span>', page)
    assert re.search(r'<span class="figure tier-\w+" id="score">60</span>', page)
    assert "关注" in page and "监管措施：指导、跟踪回访" in page
    explanation = page.split('id="explanation"')[1].split("</table>")[0]
    assert "FM-INFRINGE" in explanation and "FM-COUNTERFEIT-PATENT" in explanation
    records = page.split('id="records"')[1].split("</table>")[0]
    assert "FM-GI-MISUSE" not in records
    row = records.split(f'id="record-{objected.id}"')[1].split("</tr>")[0]
    assert "异议处理中" in row and "提出异议" not in row
    row = records.split(f'id="record-{repairable.id}"')[1].split("</tr>")[0]
    assert f"/records/{repairable.id}/repair" in row and f"/records/{repairable.id}/objection" in row
    assert "异议申请" in page.split('id="applications"')[1]

    response = post_form("/firm/credit-report")
    assert response.status_code == 302 and response.headers["Location"] == "/firm/#notices"
    notice = session.exec(select(Notice).where(Notice.kind == "credit_report")).one()
    page = client.get("/firm/").get_data(as_text=True)
    assert f"信用报告 {notice.document_no} 已出具" in page
    assert f'/notices/{notice.id}.pdf' in page.split('id="notice-list"')[1]
    assert client.get(f"/notices/{notice.id}.pdf").data.startswith(b"%PDF")


def test_a_repair_not_yet_open_shows_the_day_it_opens_and_is_refused(client, session, login_as, make_subject,
                                                                     make_record, post_form):
    firm = make_subject(kind="firm")
    record = make_record(firm, "FM-INFRINGE", dt.date(2026, 10, 1))
    login_as("firm", subject_id=firm.id)
    page = client.get("/firm/").get_data(as_text=True)
    assert "2027年4月1日 起可申请修复" in page and f"/records/{record.id}/repair" not in page
    response = post_form(f"/records/{record.id}/repair", {"reasons": "已整改。", "obligations_performed": "y"})
    assert response.status_code == 403 and "2027年4月1日起可以申请" in response.get_data(as_text=True)


def test_the_reviewer_decides_from_the_queue_and_the_firm_reads_the_reply(client, session, login_as, make_subject,
                                                                          make_record, make_user, post_form):
    firm = make_subject(kind="firm")
    record = make_record(firm, "FM-INFRINGE", dt.date(2026, 10, 1))
    login_as("firm", subject_id=firm.id)
    response = post_form(f"/records/{record.id}/objection", {"reasons": "文号有误。"})
    assert response.status_code == 302
    application_url = response.headers["Location"]
    login_as("reviewer")
    queue = client.get("/applications/review").get_data(as_text=True)
    assert application_url in queue and "2026年12月17日" in queue
    response = post_form(f"{application_url}/decide", {"decision": "refuse", "reasons": "文号无误。"})
    assert response.status_code == 302
    page = client.get(application_url).get_data(as_text=True)
    assert "异议不成立" in page and "文号无误。" in page and ".pdf" in page
