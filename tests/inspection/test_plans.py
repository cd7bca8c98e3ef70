"""A plan's life: drafted, approved by a publisher (not its drafter), published on /inspections
without internal fields; results entered by the check's inspectors; conflicts declared on the
subject page; the CLI; the statistics page and the monthly report section."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import func, select

from credit.env import current_env
from credit.accounts.models import User
from credit.audit.models import AuditEvent
from credit.cli import main
from credit.errors import Conflict, InvalidInput, NotAllowed
from credit.inspection.models import InspectionCheck, InspectionPlan, InspectorConflict
from credit.inspection.report import report_section
from credit.inspection.services import ResultInput, draft_plan, enter_result, move_plan
from credit.notices.layout import Table
from credit.subjects.models import Subject
from tests.inspection.conftest import actor
from tests.factories import sign_in


def _checks(session, plan) -> list[InspectionCheck]:
    return list(session.exec(select(InspectionCheck).where(InspectionCheck.plan_id == plan.id)
                             .order_by(InspectionCheck.id)))


def _events(session, action: str) -> int:
    return session.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)).one()


def test_a_publisher_approves_a_plan_he_did_not_draft_then_publishes_it_once(session, ctx, clock, graded,
                                                                              inspectors, items, make_user):
    graded({"D": 2})
    publisher = make_user("publisher")
    inspectors(2)
    plan = draft_plan(session, ctx.catalog, items, "2026Q4", 5, clock.today(), actor(publisher), clock.now())
    with pytest.raises(NotAllowed):
        move_plan(session, plan.id, "approve", actor(publisher), clock.now())
    other = make_user("publisher")
    with pytest.raises(Conflict):
        move_plan(session, plan.id, "publish", actor(other), clock.now())  # not approved yet
    move_plan(session, plan.id, "approve", actor(other), clock.now())
    with pytest.raises(Conflict):
        move_plan(session, plan.id, "approve", actor(other), clock.now())  # the second of two requests
    assert move_plan(session, plan.id, "publish", actor(other), clock.now()).status == "published"
    with pytest.raises(Conflict):
        move_plan(session, plan.id, "withdraw", actor(other), clock.now())
    assert [_events(session, f"inspection.plan.{a}") for a in ("draft", "approve", "publish")] == [1, 1, 1]


def test_the_public_page_shows_published_plans_without_internal_fields(client, session, published, make_record):
    plan, staff, _publisher = published
    check = _checks(session, plan)[0]
    subject = session.get(Subject, check.subject_id)
    record = make_record(subject, "PA-PENALTY", dt.date(2026, 11, 20))
    enter_result(session, plan.id, check.id, ResultInput("problem_found", record.id, "内部备注：代理行为不规范"),
                 actor(session.get(User, check.first_inspector_id)), dt.datetime(2026, 11, 26, 3, tzinfo=dt.timezone.utc), env=current_env())
    session.commit()
    index = client.get("/inspections").get_data(as_text=True)
    assert "2026Q4" in index
    page = client.get(f"/inspections/{plan.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert subject.name in html and str(plan.seed) in html and plan.fingerprint in html
    assert "检查员" in html  # display names, not usernames
    assert "专利代理" in html  # the inspection items of the kind
    for internal in ("内部备注", f"/records/{record.id}", staff[0].username, "重点监管", ">D<", "key"):
        assert internal not in html, internal


def test_a_plan_not_yet_published_is_not_public(client, session, ctx, clock, graded, inspectors, items):
    graded({"D": 2})
    plan = draft_plan(session, ctx.catalog, items, "2026Q4", 5, clock.today(), actor(inspectors(2)[0]), clock.now())
    session.commit()
    assert client.get(f"/inspections/{plan.id}").status_code == 404
    assert "2026Q4" not in client.get("/inspections").get_data(as_text=True)


def test_results_are_entered_once_by_the_checks_inspectors(session, clock, published, make_record):
    plan, staff, publisher = published
    check = _checks(session, plan)[0]
    by_id = {u.id: u for u in staff}
    outsider = next(u for u in staff if u.id not in check.inspector_ids)
    with pytest.raises(NotAllowed):
        enter_result(session, plan.id, check.id, ResultInput("no_problem"), actor(outsider), clock.now(), env=current_env())
    inspector = by_id[check.second_inspector_id]
    with pytest.raises(InvalidInput) as refused:
        enter_result(session, plan.id, check.id, ResultInput("problem_found"), actor(inspector), clock.now(), env=current_env())
    assert refused.value.field == "record_id"
    entered = enter_result(session, plan.id, check.id, ResultInput("unreachable", note="人去楼空"), actor(inspector),
                           clock.now(), env=current_env())
    assert entered.result == "unreachable" and entered.result_by_id == inspector.id
    with pytest.raises(Conflict):
        enter_result(session, plan.id, check.id, ResultInput("no_problem"), actor(inspector), clock.now(), env=current_env())
    assert _events(session, "inspection.result") == 1


def test_a_result_for_a_check_not_in_the_plan_is_refused_and_nothing_changes(session, ctx, clock, published, items):
    plan, staff, publisher = published
    earlier = draft_plan(session, ctx.catalog, items, "2026Q3", 3, clock.today(), actor(staff[1]), clock.now())
    session.commit()
    foreign = _checks(session, earlier)[0]
    inspector = next(u for u in staff if u.id == foreign.first_inspector_id)
    before = _events(session, "inspection.result")
    with pytest.raises(InvalidInput) as refused:
        enter_result(session, plan.id, foreign.id, ResultInput("no_problem"), actor(inspector), clock.now(), env=current_env())
    assert refused.value.field == "check" and "2026Q4" in refused.value.zh
    session.rollback()
    assert session.get(InspectionCheck, foreign.id).result is None
    assert _events(session, "inspection.result") == before


def test_an_inspector_enters_a_result_through_the_page(app, session, published, post_form, client):
    plan, staff, _publisher = published
    check = _checks(session, plan)[0]
    inspector = next(u for u in staff if u.id == check.first_inspector_id)
    outsider = next(u for u in staff if u.id not in check.inspector_ids)
    url = f"/inspections/plans/{plan.id}/checks/{check.id}/result"
    sign_in(client, outsider)
    assert client.get(url).status_code == 403
    sign_in(client, inspector)
    refused = post_form(url, {"result": "problem_found"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and ("据此录入的记录" in text or "the record it opened" in text)
    assert post_form(url, {"result": "no_problem"}).status_code == 302
    session.expire_all()
    assert session.get(InspectionCheck, check.id).result == "no_problem"


def test_publisher_publishes_through_the_pages(session, ctx, clock, graded, inspectors, items, client, post_form,
                                               make_user):
    graded({"D": 2})
    plan = draft_plan(session, ctx.catalog, items, "2026Q4", 5, clock.today(), actor(inspectors(2)[0]), clock.now())
    session.commit()
    sign_in(client, make_user("publisher"))
    page = client.get(f"/inspections/plans/{plan.id}").get_data(as_text=True)
    assert str(plan.seed) in page
    assert post_form(f"/inspections/plans/{plan.id}/approve").status_code == 302
    assert post_form(f"/inspections/plans/{plan.id}/approve").status_code == 409
    assert post_form(f"/inspections/plans/{plan.id}/publish").status_code == 302
    session.expire_all()
    assert session.get(InspectionPlan, plan.id).status == "published"


def test_an_inspector_declares_a_conflict_on_the_subject_page(session, client, post_form, make_subject, make_user):
    subject, inspector = make_subject(), make_user("inspector")
    sign_in(client, inspector)
    assert "conflict-reason" in client.get(f"/subjects/{subject.id}").get_data(as_text=True)
    assert post_form(f"/subjects/{subject.id}/conflict", {"reason": ""}).status_code == 302
    assert session.exec(select(func.count()).select_from(InspectorConflict)).one() == 0
    assert post_form(f"/subjects/{subject.id}/conflict", {"reason": "近亲属任该机构负责人"}).status_code == 302
    conflict = session.exec(select(InspectorConflict)).one()
    assert (conflict.inspector_id, conflict.subject_id) == (inspector.id, subject.id)
    assert "conflict-reason" not in client.get(f"/subjects/{subject.id}").get_data(as_text=True)
    assert _events(session, "inspection.conflict") == 1


def test_the_section_is_not_offered_to_other_roles(client, make_subject, make_user):
    subject = make_subject()
    sign_in(client, make_user("reviewer"))
    assert "conflict-reason" not in client.get(f"/subjects/{subject.id}").get_data(as_text=True)


def test_the_cli_prints_the_same_plan_for_the_same_seed_with_seed_and_fingerprint(runner, session, graded,
                                                                                   inspectors):
    graded({"A": 10, "B": 5, "D": 2})
    inspectors(3)
    args = ["inspection", "plan", "--period", "2026Q4", "--seed", "99", "--format", "json"]
    first, second = runner.invoke(main, args), runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert first.output == second.output
    plan = json.loads(first.output)
    assert plan["seed"] == 99 and len(plan["fingerprint"]) == 64 and plan["saved_plan_id"] is None
    table = runner.invoke(main, args[:-2] + ["--format", "table"])
    assert "99" in table.output and plan["fingerprint"] in table.output
    assert session.exec(select(func.count()).select_from(InspectionPlan)).one() == 0
    saved = runner.invoke(main, args + ["--save"])
    assert json.loads(saved.output)["saved_plan_id"] is not None
    assert session.exec(select(InspectionPlan.status)).one() == "draft"


def test_the_cli_refuses_a_bad_period(runner, session):
    result = runner.invoke(main, ["inspection", "plan", "--period", "2026Q7", "--seed", "1"])
    assert result.exit_code == 1
    assert "2026Q7" in result.output


def test_statistics_page_and_monthly_report_count_completion_and_findings(app, session, ctx, clock, published,
                                                                           client, make_user):
    plan, staff, _publisher = published
    checks = _checks(session, plan)
    by_id = {u.id: u for u in staff}
    for check, outcome in zip(checks, ("unreachable", "no_problem")):
        enter_result(session, plan.id, check.id, ResultInput(outcome), actor(by_id[check.first_inspector_id]),
                     clock.now(), env=current_env())
    session.commit()
    sign_in(client, make_user("reviewer"))
    page = client.get("/inspections/statistics?year=2026").get_data(as_text=True)
    assert page.count("<svg") == 3
    section = report_section(session, ctx.catalog, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    by_tier = next(b for b in section.blocks if isinstance(b, Table))
    total_checks = sum(int(row[1]) for row in by_tier.rows)
    assert total_checks == len(checks)
    assert sum(int(row[2]) for row in by_tier.rows) == 2 and sum(int(row[3]) for row in by_tier.rows) == 1
    assert report_section(session, ctx.catalog, dt.date(2025, 11, 1), dt.date(2025, 11, 30)) is None
