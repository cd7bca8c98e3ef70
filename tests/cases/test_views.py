"""The case pages as an inspector and a reviewer use them: register, step, refuse with a message."""
from __future__ import annotations

import re

from sqlmodel import select

from credit.cases.models import Case, CaseAttachment, CaseEvent
from credit.records.models import Record
from tests.factories import sign_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_an_inspector_registers_a_lead_with_an_attachment(client, login_as, post_form, make_subject, session):
    import io

    subject = make_subject("patent_agency", name="页面登记代理所")
    login_as("inspector")
    response = post_form("/cases/new", {"source": "complaint", "misconduct": "solicitation", "summary": "网络招揽",
                                        "uscc": subject.uscc, "attachments": (io.BytesIO(PDF), "举报信.pdf")},
                         content_type="multipart/form-data")
    case = session.exec(select(Case)).one()
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.id}"
    assert case.subject_id == subject.id and case.number == "淮知蓝天〔2026〕1号"
    assert session.exec(select(CaseAttachment.filename)).all() == ["举报信.pdf"]
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "页面登记代理所" in page and "举报信.pdf" in page and "线索登记" in page


def test_a_party_with_neither_subject_nor_name_is_refused_with_a_message(client, login_as, post_form, session):
    login_as("inspector")
    response = post_form("/cases/new", {"source": "complaint", "misconduct": "unlicensed_agency", "summary": "无证代理"})
    assert response.status_code == 400
    assert "请选择已登记主体，或填写当事人名称" in response.get_data(as_text=True)
    assert session.exec(select(Case)).all() == []


def test_steps_through_the_page_per_role(client, login_as, post_form, lead, make_subject, session):
    case = lead(make_subject())
    login_as("reviewer")
    assert post_form(f"/cases/{case.id}/step/verification").status_code == 403
    login_as("inspector")
    assert post_form(f"/cases/{case.id}/step/verification").status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    # The inspector may issue the interview and rectification; opening or not is the reviewer's.
    assert f"/cases/{case.id}/step/rectification" in page and f"/cases/{case.id}/step/opened" not in page
    response = post_form(f"/cases/{case.id}/step/decided")
    assert response.status_code == 409 and "不能转入" in response.get_data(as_text=True)
    login_as("reviewer")
    response = post_form(f"/cases/{case.id}/step/not_opened", {"not_opened-reason": ""})
    assert response.status_code == 400 and "请填写理由" in response.get_data(as_text=True)
    assert post_form(f"/cases/{case.id}/step/opened").status_code == 302
    session.expire_all()
    assert session.get(Case, case.id).stage == "opened"
    steps = session.exec(select(CaseEvent.to_stage).where(CaseEvent.action == "step").order_by(CaseEvent.id)).all()
    assert steps == ["verification", "opened"]


def test_a_fine_without_an_amount_is_refused_on_the_page(client, login_as, post_form, lead, step, make_subject):
    case = lead(make_subject())
    step(case, "verification", "inspector")
    step(case, "opened", "reviewer")
    login_as("inspector")
    response = post_form(f"/cases/{case.id}/dispositions", {"disposition-kind": "fine"})
    assert response.status_code == 400 and "罚款须填写金额" in response.get_data(as_text=True)
    response = post_form(f"/cases/{case.id}/dispositions", {"disposition-kind": "fine", "disposition-amount": "-5"})
    assert response.status_code == 400 and "金额必须大于零" in response.get_data(as_text=True)


def test_the_list_filters_and_flags_and_the_home_page_shows_deadlines(client, login_as, lead, make_subject):
    from tests.cases.conftest import local

    late = lead(make_subject(district="340402"), now=local(2026, 10, 9))
    lead(party_name="孙某", district="340422", misconduct="unlicensed_agency")
    login_as("inspector")
    overdue = client.get("/cases/?overdue=1").get_data(as_text=True)
    assert late.number in overdue and "孙某" not in overdue and "已逾期" in overdue
    by_district = client.get("/cases/?district=340422&sort=due").get_data(as_text=True)
    assert "孙某" in by_district and late.number not in by_district
    home = client.get("/").get_data(as_text=True)
    assert "“蓝天”案件办理期限" in home and late.number in home
    login_as("publisher")
    assert "“蓝天”案件办理期限" not in client.get("/").get_data(as_text=True)


def test_a_reviewer_extends_the_time_limit_with_a_reason(client, login_as, post_form, lead, step, make_subject, session):
    case = lead(make_subject())
    step(case, "verification", "inspector")
    step(case, "opened", "reviewer")
    login_as("reviewer")
    response = post_form(f"/cases/{case.id}/extend", {"extend-days": "30", "extend-reason": ""})
    assert response.status_code == 400 and "请填写延长理由" in response.get_data(as_text=True)
    assert post_form(f"/cases/{case.id}/extend", {"extend-days": "30", "extend-reason": "案情复杂，经负责人批准"}).status_code == 302
    session.expire_all()
    assert session.get(Case, case.id).decision_due.isoformat() == "2027-03-26"
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert re.search(r"延长30日，至2027-03-26：案情复杂", page)


def test_an_unregistered_party_is_linked_to_a_subject_later(client, login_as, post_form, lead, make_subject, session):
    case = lead(party_name="钱某代理工作室", district="340403")
    subject = make_subject("patent_agency", name="淮南钱氏专利代理有限公司", district="340405")
    login_as("inspector")
    assert post_form(f"/cases/{case.id}/link", {"link-uscc": subject.uscc}).status_code == 302
    session.expire_all()
    linked = session.get(Case, case.id)
    assert (linked.subject_id, linked.district) == (subject.id, "340405")
    assert case.number in client.get(f"/subjects/{subject.id}").get_data(as_text=True)


def test_a_record_the_decision_created_links_back_to_its_case(client, login_as, make_user, lead, to_decision, step,
                                                               make_subject, session):
    subject = make_subject("patent_agency", name="双向链接代理所")
    case = to_decision(lead(subject), statement="当事人陈述称已整改。")
    step(case, "decided", "reviewer")
    record = session.exec(select(Record).where(Record.subject_id == subject.id)).one()
    login_as("inspector")
    case_page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/records/{record.id}"' in case_page
    record_page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "据以录入本记录的“蓝天”案件" in record_page
    assert f'<a href="/cases/{case.id}">{case.number}</a>' in record_page
    # The firm sees its record, not the case log.
    sign_in(client, make_user("firm", subject_id=subject.id))
    firm_page = client.get(f"/records/{record.id}")
    firm_html = firm_page.get_data(as_text=True)
    assert firm_page.status_code == 200 and "“蓝天”案件</h2>" not in firm_html and f"/cases/{case.id}" not in firm_html
