"""Random inspection plans through their life cycle, their results and the inspectors' conflicts.

draft (drawn, ``draw.py``) -> approved (by a publisher who did not draft it) -> published (一公开:
``/inspections``); a draft or an approved plan may be withdrawn instead. Results are entered on
the checks of a published plan by their inspectors. Every change is a conditional UPDATE (one of
two concurrent requests wins, the other gets a Conflict) and an audit event in the same
transaction; nothing is deleted.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.cases.models import Case
from credit.cases.services import MISCONDUCT, LeadInput, register_lead
from credit.catalog.loader import Catalog
from credit.env import ServiceEnv
from credit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from credit.i18n import both, chinese
from credit.inspection.draw import Draw, draw, parse_period
from credit.inspection.items import InspectionItems
from credit.inspection.models import (ACTIVE_STATUSES, PLAN_STATUSES, RESULTS, InspectionCheck, InspectionPlan,
                                      InspectorConflict)
from credit.records.models import Record
from credit.subjects.models import Subject

MAX_SEED = 2**63 - 1
# action -> (the statuses it starts from, the status it ends in)
PLAN_ACTIONS = {
    "approve": (("draft",), "approved"),
    "publish": (("approved",), "published"),
    "withdraw": (("draft", "approved"), "withdrawn"),
}


def check_seed(seed: int) -> int:
    if not 0 <= seed <= MAX_SEED:
        raise InvalidInput(f"随机种子须在 0 到 {MAX_SEED} 之间", f"the seed must be between 0 and {MAX_SEED}", "seed")
    return seed


def preview(session: Session, catalog: Catalog, items: InspectionItems, period_text: str, seed: int,
            as_of: dt.date) -> Draw:
    """The draw for a period and seed, written nowhere (``credit inspection plan`` without --save)."""
    return draw(session, catalog, items, parse_period(period_text), check_seed(seed), as_of)


def draft_plan(session: Session, catalog: Catalog, items: InspectionItems, period_text: str, seed: int,
               as_of: dt.date, actor: Actor, now: dt.datetime) -> InspectionPlan:
    """Draw the plan for a period and store it as a draft (a period has one plan unless withdrawn)."""
    period = parse_period(period_text)
    held = session.exec(select(InspectionPlan).where(InspectionPlan.period == str(period),
                                                     InspectionPlan.status.in_(ACTIVE_STATUSES))).first()
    if held is not None:
        zh, en = both(PLAN_STATUSES[held.status])
        raise Conflict(f"{period} 已有抽查计划（{zh}）；撤回后方可重新抽取",
                       f"{period} already has a plan ({en}); withdraw it to draw again", "period")
    result = draw(session, catalog, items, period, check_seed(seed), as_of)
    plan = InspectionPlan(period=str(period), status="draft", seed=result.seed, as_of=as_of,
                          catalog_version=result.catalog_version, fingerprint=result.fingerprint,
                          drafted_by_id=actor.user_id, drafted_at=now, updated_at=now)
    session.add(plan)
    session.flush()
    session.add_all(InspectionCheck(
        plan_id=plan.id, subject_id=c.subject.id, tier=c.subject.tier, grade=c.subject.grade,
        items=json.dumps(c.items, ensure_ascii=False), first_inspector_id=c.inspector_ids[0],
        second_inspector_id=c.inspector_ids[1]) for c in result.checks)
    record_event(session, actor=actor.name, action="inspection.plan.draft", object_type="inspection_plan",
                 object_id=plan.id, data={"period": plan.period, "seed": plan.seed, "as_of": as_of,
                                          "catalog_version": plan.catalog_version, "fingerprint": plan.fingerprint,
                                          "checks": len(result.checks)}, now=now)
    return plan


def _plan(session: Session, plan_id: int) -> InspectionPlan:
    plan = session.get(InspectionPlan, plan_id)
    if plan is None:
        raise NotFound(f"没有编号为 {plan_id} 的抽查计划", f"no inspection plan {plan_id}", "plan")
    return plan


def move_plan(session: Session, plan_id: int, action: str, actor: Actor, now: dt.datetime) -> InspectionPlan:
    """Approve, publish or withdraw a plan; a publisher does not approve a plan they drafted."""
    plan = _plan(session, plan_id)
    sources, target = PLAN_ACTIONS[action]
    if action == "approve" and actor.user_id is not None and actor.user_id == plan.drafted_by_id:
        raise NotAllowed("不能审批自己抽取的计划（双人复核）", "you cannot approve a plan you drafted yourself (four eyes)")
    values = {"status": target, "updated_at": now}
    if target == "approved":
        values.update(approved_by_id=actor.user_id, approved_at=now)
    elif target == "published":
        values.update(published_by_id=actor.user_id, published_at=now)
    table = InspectionPlan.__table__
    moved = session.execute(table.update().where(table.c.id == plan.id, table.c.status.in_(sources))
                            .values(**values)).rowcount
    if moved != 1:
        session.refresh(plan)
        (was_zh, was_en), (to_zh, to_en) = both(PLAN_STATUSES[plan.status]), both(PLAN_STATUSES[target])
        raise Conflict(f"计划当前为“{was_zh}”，不能改为“{to_zh}”", f"a plan that is {was_en} cannot become {to_en}")
    previous = plan.status
    session.refresh(plan)
    record_event(session, actor=actor.name, action=f"inspection.plan.{action}", object_type="inspection_plan",
                 object_id=plan.id, data={"period": plan.period, "from": previous, "to": target}, now=now)
    return plan


@dataclass
class ResultInput:
    result: str
    record_id: int | None = None
    note: str = ""
    # What else the finding opened: an existing Blue Sky case of the subject, or a new lead with
    # this misconduct type (source "random inspection"), registered with the result.
    case_id: int | None = None
    lead_misconduct: str | None = None


def enter_result(session: Session, plan_id: int, check_id: int, data: ResultInput, actor: Actor,
                 now: dt.datetime, *, env: ServiceEnv) -> InspectionCheck:
    """Record what a check found, once, by one of its two inspectors, on a published plan.

    A problem found is linked to the record or the Blue Sky case it opened (of the same subject):
    an existing case, or a lead registered here through the case log (with ``env``, the services'
    environment the case log takes); a subject not reachable at its registered address is a
    finding in itself (a record or a case is optional).
    """
    plan = _plan(session, plan_id)
    check = session.get(InspectionCheck, check_id)
    if check is None or check.plan_id != plan.id:
        raise InvalidInput(f"检查 {check_id} 不在 {plan.period} 抽查计划中", f"check {check_id} is not in the "
                           f"{plan.period} plan", "check")
    if plan.status != "published":
        raise NotAllowed("计划公布后方可录入检查结果", "results are entered once the plan is published")
    if actor.user_id not in check.inspector_ids:
        raise NotAllowed("只有派出的检查员可以录入该检查的结果", "only the check's two inspectors enter its result")
    if data.result not in RESULTS:
        raise InvalidInput(f"未知的检查结果 {data.result!r}", f"unknown result {data.result!r}", "result")
    note = (data.note or "").strip()
    if data.record_id is not None:
        record = session.get(Record, data.record_id)
        if record is None or record.subject_id != check.subject_id:
            raise InvalidInput(f"记录 {data.record_id} 不是该主体的记录", f"record {data.record_id} is not a record "
                               "of this subject", "record_id")
    _check_case_link(session, check, data, note)
    if data.result == "no_problem" and data.record_id is not None:
        raise InvalidInput("未发现问题的检查不关联记录", "a check that found no problem links no record", "record_id")
    if data.result == "problem_found" and data.record_id is None and data.case_id is None and not data.lead_misconduct:
        raise InvalidInput("发现问题的，请关联据此录入的记录或“蓝天”案件", "a problem found is linked to the record or "
                           "the Blue Sky case it opened", "record_id")
    case_id = data.case_id
    if data.lead_misconduct:
        case_id = _open_lead(session, env, plan, check, data, note, actor, now).id
    table = InspectionCheck.__table__
    entered = session.execute(table.update().where(table.c.id == check.id, table.c.result.is_(None)).values(
        result=data.result, record_id=data.record_id, case_id=case_id, note=note, result_by_id=actor.user_id,
        result_at=now)).rowcount
    if entered != 1:
        raise Conflict("该检查的结果已经录入", "the result of this check has already been entered")
    session.refresh(check)
    record_event(session, actor=actor.name, action="inspection.result", object_type="inspection_check",
                 object_id=check.id, data={"plan_id": plan.id, "subject_id": check.subject_id, "result": data.result,
                                           "record_id": data.record_id, "case_id": case_id}, now=now)
    return check


def _check_case_link(session: Session, check: InspectionCheck, data: ResultInput, note: str) -> None:
    if data.case_id is None and not data.lead_misconduct:
        return
    if data.result == "no_problem":
        raise InvalidInput("未发现问题的检查不关联案件", "a check that found no problem links no case", "case_id")
    if data.case_id is not None and data.lead_misconduct:
        raise InvalidInput("请选择关联已有案件或登记新线索，二者择一", "link an existing case or open a new lead, not both",
                           "case_id")
    if data.case_id is not None:
        case = session.get(Case, data.case_id)
        if case is None or case.subject_id != check.subject_id:
            raise InvalidInput(f"案件 {data.case_id} 不是该主体的案件", f"case {data.case_id} is not a case of this "
                               "subject", "case_id")
    elif data.lead_misconduct not in MISCONDUCT:
        raise InvalidInput(f"未知的违法行为类型 {data.lead_misconduct!r}", f"unknown misconduct type "
                           f"{data.lead_misconduct!r}", "lead_misconduct")
    elif not note:
        raise InvalidInput("登记线索须在说明中写明检查发现的问题", "to open a lead, describe what the check found in the note",
                           "note")


def _open_lead(session: Session, env: ServiceEnv, plan: InspectionPlan, check: InspectionCheck,
               data: ResultInput, note: str, actor: Actor, now: dt.datetime) -> Case:
    """A Blue Sky lead from the finding, registered through the case log like any other lead."""
    summary = f"{plan.period}“双随机”抽查（{chinese(RESULTS[data.result])}）：{note}"
    return register_lead(session, env, LeadInput("random_inspection", data.lead_misconduct, summary,
                                                   subject_id=check.subject_id), actor=actor, now=now)


def declare_conflict(session: Session, subject: Subject, actor: Actor, reason: str, now: dt.datetime
                     ) -> InspectorConflict:
    """An inspector's conflict of interest with a subject: no later draw sends them to inspect it."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请说明利害关系", "state the conflict of interest", "reason")
    if session.exec(select(InspectorConflict.id).where(InspectorConflict.inspector_id == actor.user_id,
                                                       InspectorConflict.subject_id == subject.id)).first():
        raise Conflict("已申报过与该主体的利害关系", "you have already declared a conflict with this subject")
    conflict = InspectorConflict(inspector_id=actor.user_id, subject_id=subject.id, reason=reason, declared_at=now)
    session.add(conflict)
    session.flush()
    record_event(session, actor=actor.name, action="inspection.conflict", object_type="subject",
                 object_id=subject.id, data={"inspector_id": actor.user_id, "reason": reason}, now=now)
    return conflict


def has_conflict(session: Session, inspector_id: int, subject_id: int) -> bool:
    return session.exec(select(InspectorConflict.id).where(InspectorConflict.inspector_id == inspector_id,
                                                           InspectorConflict.subject_id == subject_id)).first() is not None
