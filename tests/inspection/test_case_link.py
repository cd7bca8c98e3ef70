"""A check's finding opens a Blue Sky lead (source "random inspection") or links a case of the subject;
the plan shows the case, the case shows the result it came from, the public page shows neither."""
from __future__ import annotations

import json

import pytest
from sqlmodel import func, select

from credit.accounts.models import User
from credit.audit.models import AuditEvent
from credit.env import current_env
from credit.cases.models import Case
from credit.cases.services import LeadInput, register_lead
from credit.errors import InvalidInput
from credit.inspection.models import InspectionCheck
from credit.inspection.services import ResultInput, enter_result
from credit.subjects.models import Subject
from tests.factories import sign_in
from tests.inspection.conftest import actor

FOUND = "检查发现该所通过网络平台招揽专利代理业务。"


def _first_check(session, plan) -> tuple[InspectionCheck, User]:
    check = session.exec(select(InspectionCheck).where(InspectionCheck.plan_id == plan.id)
                         .order_by(InspectionCheck.id)).first()
    return check, session.get(User, check.first_inspector_id)


def test_an_inspector_opens_a_lead_from_a_finding_and_each_page_links_the_other(app, session, client, post_form,
                                                                               published):
    plan, _staff, _publisher = published
    check, inspector = _first_check(session, plan)
    subject = session.get(Subject, check.subject_id)
    sign_in(client, inspector)
    url = f"/inspections/plans/{plan.id}/checks/{check.id}/result"
    assert "登记“蓝天”线索" in client.get(url).get_data(as_text=True)
    refused = post_form(url, {"result": "problem_found", "lead_misconduct": "solicitation", "note": ""})
    assert refused.status_code == 400 and "登记线索须在说明中写明检查发现的问题" in refused.get_data(as_text=True)
    assert session.exec(select(Case)).all() == []
    response = post_form(url, {"result": "problem_found", "lead_misconduct": "solicitation", "note": FOUND,
                               "case_id": ""})
    assert response.status_code == 302
    session.expire_all()
    case = session.exec(select(Case)).one()
    assert (case.source, case.misconduct, case.subject_id, case.stage, case.registered_by_id) == (
        "random_inspection", "solicitation", subject.id, "lead", inspector.id)
    assert "2026Q4" in case.summary and FOUND in case.summary
    check = session.get(InspectionCheck, check.id)
    assert (check.result, check.case_id, check.record_id) == ("problem_found", case.id, None)

    plan_page = client.get(f"/inspections/plans/{plan.id}").get_data(as_text=True)
    assert f'<a href="/cases/{case.id}">{case.number}</a>' in plan_page
    case_page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "双随机抽查发现" in case_page and f'href="/inspections/plans/{plan.id}"' in case_page
    assert "双随机抽查" in case_page  # its source
    public = app.test_client().get(f"/inspections/{plan.id}").get_data(as_text=True)  # no one signed in
    assert subject.name in public and case.number not in public and "/cases/" not in public and FOUND not in public


def test_a_finding_links_an_existing_case_of_its_subject(session, clock, published):
    plan, _staff, _publisher = published
    check, inspector = _first_check(session, plan)
    case = register_lead(session, current_env(), LeadInput("complaint", "solicitation", "群众举报。",
                                                           subject_id=check.subject_id),
                         actor=actor(inspector), now=clock.now())
    entered = enter_result(session, plan.id, check.id, ResultInput("problem_found", case_id=case.id),
                           actor(inspector), clock.now(), env=current_env())
    assert entered.case_id == case.id and session.exec(select(func.count()).select_from(Case)).one() == 1
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "inspection.result")).one()
    assert json.loads(event.data)["case_id"] == case.id


@pytest.mark.parametrize("result, link, field", [
    ("problem_found", {"case_id": "other"}, "case_id"),  # a case of another subject
    ("problem_found", {"case_id": "own", "lead_misconduct": "solicitation", "note": FOUND}, "case_id"),  # both
    ("no_problem", {"lead_misconduct": "solicitation", "note": FOUND}, "case_id"),
    ("no_problem", {"case_id": "own"}, "case_id"),
    ("problem_found", {"lead_misconduct": "solicitation"}, "note"),  # a lead says what was found
    ("problem_found", {"lead_misconduct": "bribery", "note": FOUND}, "lead_misconduct"),
    ("problem_found", {"note": FOUND}, "record_id"),  # a problem found opened something
])
def test_a_bad_link_is_refused_and_nothing_changes(session, clock, published, make_subject, result, link, field):
    plan, _staff, _publisher = published
    check, inspector = _first_check(session, plan)
    cases = {name: register_lead(session, current_env(), LeadInput("complaint", "solicitation", "群众举报。",
                                                                  subject_id=subject_id),
                                 actor=actor(inspector), now=clock.now()).id
             for name, subject_id in (("own", check.subject_id), ("other", make_subject().id))}
    session.commit()
    if "case_id" in link:
        link = {**link, "case_id": cases[link["case_id"]]}
    with pytest.raises(InvalidInput) as refused:
        enter_result(session, plan.id, check.id, ResultInput(result, **link), actor(inspector), clock.now(),
                     env=current_env())
    assert refused.value.field == field and refused.value.zh and refused.value.en
    session.rollback()
    assert session.exec(select(func.count()).select_from(Case)).one() == 2
    assert session.get(InspectionCheck, check.id).result is None
    assert session.exec(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "inspection.result")).one() == 0


def test_the_record_a_finding_opened_shows_the_check(session, client, clock, published, make_record, login_as):
    plan, _staff, _publisher = published
    check, inspector = _first_check(session, plan)
    record = make_record(session.get(Subject, check.subject_id), "PA-PENALTY", clock.today())
    enter_result(session, plan.id, check.id, ResultInput("problem_found", record.id, FOUND), actor(inspector),
                 clock.now(), env=current_env())
    session.commit()
    login_as("reviewer")
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "双随机抽查发现" in page and f'href="/inspections/plans/{plan.id}"' in page and FOUND in page
    login_as("firm", subject_id=check.subject_id)
    assert "双随机抽查发现" not in client.get(f"/records/{record.id}").get_data(as_text=True)
