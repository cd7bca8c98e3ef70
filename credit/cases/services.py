"""Blue Sky cases from lead to closure (DESIGN 8).

lead -> verification -> not_opened | rectification (约谈 + 责令整改, then the follow-up check 回头看:
closed, or opened when it failed) | opened -> investigation -> prior_notice (行政处罚告知书) ->
[hearing (陈述、申辩、听证)] -> decided -> execution -> closed.

Each step names the permission it needs (STEPS): the inspector handles the case, a reviewer
approves opening it, the decision and a longer time limit. Every step is one conditional UPDATE
(``... WHERE id = :id AND stage = :from``), so of two people taking the same step at once exactly
one succeeds; the other gets a Conflict. Every step is a CaseEvent and an audit event.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select
from stdnum.cn import ric

from credit.accounts.authz import CASE_DECIDE, CASE_WORK, can
from credit.audit.actor import SCHEDULER, Actor
from credit.audit.services import record_event
from credit.cases.models import Case, CaseAttachment, CaseDisposition, CaseEvent, CaseSerial
from credit.clock import to_local
from credit.dates import add_months
from credit.env import ServiceEnv
from credit.errors import Conflict, InvalidInput, NotAllowed
from credit.files import FileStore
from credit.i18n import both, chinese
from credit.notices.kinds import (InterviewNotice, PenaltyDecision, PenaltyPriorNotice, RectificationOrder,
                                  SubjectInfo)
from credit.notices.models import Notice
from credit.notices.services import issue
from credit.notices.triggers import subject_info
from credit.records.models import COUNTING_STATUSES, Evidence, Record
from credit.records.services import RecordInput, record_violation
from credit.records.storage import Upload, display_name, checked_upload
from credit.scoring.models import Assessment
from credit.scoring.queries import in_force
from credit.signals import ProposedPenalty, case_decided, case_prior_notice, case_statement
from credit.subjects.models import DISTRICTS, Subject
from credit.subjects.services import find_by_uscc

NUMBER_PREFIX = "淮知蓝天"
VERIFICATION_WORKING_DAYS = 15  # decide within 15 working days whether to open a case
DECISION_DAYS = 90  # a case opened is decided within 90 days, extendable with approval
STATEMENT_WORKING_DAYS = 5  # statement, defence or a request for a hearing after the prior notice
MAX_EXTENSION_DAYS = 90
DUE_SOON_DAYS = 3

SOURCES = {
    "complaint": _l("Complaint or report"),
    "referral_above": _l("Referral from above"),
    "transfer": _l("Transfer from another department"),
    "filing_monitoring": _l("Monitoring of abnormal filings"),
    "credit_monitoring": _l("Credit monitoring"),
    "random_inspection": _l("Random inspection"),
    "self_inspection": _l("Self-inspection"),
}
MISCONDUCT = {
    "unlicensed_agency": _l("Unlicensed patent agency"),
    "abnormal_filing_agency": _l("Agency of abnormal patent applications"),
    "certificate_renting": _l("Renting or lending of certificates or qualifications"),
    "solicitation": _l("Improper or online solicitation"),
    "malicious_trademark_agency": _l("Malicious trademark agency"),
    "forged_applications": _l("Forged applicant information or fabricated applications"),
    "false_publicity": _l("False publicity or false use of state-organ names"),
    # A lead from credit monitoring names the risk; verification finds the misconduct.
    "credit_risk": _l("Credit risk (to be verified)"),
}
STAGES = {
    "lead": _l("Lead registered"),
    "verification": _l("Verification"),
    "not_opened": _l("Not opened"),
    "rectification": _l("Interview and rectification"),
    "opened": _l("Case opened"),
    "investigation": _l("Investigation"),
    "prior_notice": _l("Penalty prior notice"),
    "hearing": _l("Statement, defence or hearing"),
    "decided": _l("Decision made"),
    "execution": _l("Execution"),
    "closed": _l("Closed"),
}
# The timeline's other entries (a step shows its two stages).
EVENT_LABELS = {
    "register": _l("Lead registered"),
    "propose": _l("Disposition proposed"),
    "extend": _l("Time limit extended"),
    "link": _l("Party linked to a registered subject"),
    "attach": _l("Attachment added"),
    "overdue": _l("Deadline passed"),
}
CLOSED_STAGES = ("not_opened", "closed")
OPEN_STAGES = tuple(s for s in STAGES if s not in CLOSED_STAGES)
# (from, to) -> the permission the step needs
STEPS: dict[tuple[str, str], str] = {
    ("lead", "verification"): CASE_WORK,
    ("verification", "not_opened"): CASE_DECIDE,
    ("verification", "rectification"): CASE_WORK,
    ("verification", "opened"): CASE_DECIDE,
    ("rectification", "closed"): CASE_WORK,  # the follow-up check found it rectified
    ("rectification", "opened"): CASE_DECIDE,  # ... or not: a case is opened
    ("opened", "investigation"): CASE_WORK,
    ("investigation", "prior_notice"): CASE_WORK,
    ("prior_notice", "hearing"): CASE_WORK,
    ("prior_notice", "decided"): CASE_DECIDE,
    ("hearing", "decided"): CASE_DECIDE,
    ("decided", "execution"): CASE_WORK,
    ("execution", "closed"): CASE_WORK,
}
# Steps whose reason is required (what was decided and why, or what the party said).
REASON_REQUIRED = {("verification", "not_opened"), ("rectification", "closed"), ("rectification", "opened"),
                   ("prior_notice", "hearing"), ("execution", "closed")}

DISPOSITIONS = {
    "interview": _l("Interview"),
    "rectification": _l("Rectification order"),
    "warning": _l("Warning"),
    "fine": _l("Fine"),
    "confiscation": _l("Confiscation of illegal gains"),
    "stop_new_business": _l("Stop taking new business"),
    "licence_revoked": _l("Licence revoked"),
    "transfer_police": _l("Transfer to the police"),
}
# What the decision may impose; interview and rectification come with the rectification step.
PENALTIES = ("warning", "fine", "confiscation", "stop_new_business", "licence_revoked", "transfer_police")
WITH_AMOUNT = ("fine", "confiscation")
STOP_MONTHS = (6, 12)
# The catalog record a decided disposition creates, by the party's kind (None: no record).
RECORD_RULES: dict[str, dict[str, str]] = {
    "patent_agency": {"rectification": "PA-RECTIFY", "warning": "PA-PENALTY", "fine": "PA-PENALTY",
                      "confiscation": "PA-PENALTY", "stop_new_business": "PA-STOP-NEW", "licence_revoked": "PA-REVOKED"},
    "trademark_agency": {"warning": "TA-PENALTY", "fine": "TA-PENALTY", "confiscation": "TA-PENALTY",
                         "stop_new_business": "TA-SUSPENDED"},
    "firm": {},
}
# A firm's penalty is recorded as the behaviour the case is about.
FIRM_RULES = {"abnormal_filing_agency": "FM-ABNORMAL-FILING", "malicious_trademark_agency": "FM-MALICIOUS-TM",
              "forged_applications": "ANY-FALSE-MATERIAL"}
# Heaviest first: the penalty a record carries when several dispositions make one record.
SEVERITY = ("licence_revoked", "stop_new_business", "confiscation", "fine", "rectification", "warning")
# Leads from the score (DESIGN 8): these record types, 3 or more within 12 months.
MONITORED_RULES = ("PA-ABNORMAL-FILING", "TA-MALICIOUS-AGENCY", "PA-SOLICIT", "TA-SOLICIT")
MONITORED_COUNT = 3
MONITORED_GRADES = ("C", "D")
AGENCY_KINDS = ("patent_agency", "trademark_agency")


def case_number(year: int, serial: int) -> str:
    """淮知蓝天〔2026〕12号 (GB/T 9704: the year in 〔〕, no 第, no leading zeros)."""
    return f"{NUMBER_PREFIX}〔{year}〕{serial}号"


def _next_serial(session: Session, year: int) -> int:
    """The year's next number, taken in the caller's transaction (a rollback gives it back).

    The row's UPDATE holds its lock until commit on PostgreSQL, and SQLite lets one writer in at
    a time, so parallel registrations queue here instead of reading the same maximum."""
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(CaseSerial.__table__)
    session.execute(insert.values(year=year, last=0).on_conflict_do_nothing(index_elements=["year"]))
    return session.execute(
        sa.update(CaseSerial.__table__).where(CaseSerial.__table__.c.year == year)
        .values(last=CaseSerial.__table__.c.last + 1).returning(CaseSerial.__table__.c.last)
    ).scalar_one()


# ---------------------------------------------------------------------------------------------
# Registering a lead


@dataclass
class LeadInput:
    source: str
    misconduct: str
    summary: str
    subject_id: int | None = None
    # A party with no registration: its name and whatever identifiers are known.
    party_name: str = ""
    party_id_number: str = ""
    party_phone: str = ""
    party_address: str = ""
    district: str = ""


def registered_subject(session: Session, uscc: str, field_name: str) -> Subject:
    """The registered subject of ``uscc``, or InvalidInput on ``field_name``."""
    subject = find_by_uscc(session, (uscc or "").strip().upper())
    if subject is None:
        raise InvalidInput(f"未找到统一社会信用代码为 {uscc} 的已登记主体", f"no registered subject has the USCC {uscc}",
                           field_name)
    return subject


def _label_error(field_name: str, labels: dict, value: str, what_zh: str, what_en: str) -> None:
    if value not in labels:
        raise InvalidInput(f"未知的{what_zh}：{value!r}", f"unknown {what_en}: {value!r}", field_name)


def register_lead(session: Session, env: ServiceEnv, data: LeadInput, *, actor: Actor, now: dt.datetime,
                  trigger_key: str | None = None) -> Case:
    """Register a lead under the year's next case number; the verification deadline starts today."""
    _label_error("source", SOURCES, data.source, "线索来源", "lead source")
    _label_error("misconduct", MISCONDUCT, data.misconduct, "违法行为类型", "misconduct type")
    summary = (data.summary or "").strip()
    if not summary:
        raise InvalidInput("请填写线索内容", "please describe the lead", "summary")
    subject = session.get(Subject, data.subject_id) if data.subject_id is not None else None
    if data.subject_id is not None and subject is None:
        raise InvalidInput("所选主体不存在", "the chosen subject does not exist", "subject_id")
    name, id_number = (data.party_name or "").strip(), (data.party_id_number or "").strip().upper()
    if subject is None:
        if not name:
            raise InvalidInput("请选择已登记主体，或填写当事人名称", "name a registered subject or the party's name",
                               "party_name")
        if data.district not in DISTRICTS:
            raise InvalidInput("请选择当事人所在区县", "please choose the party's district", "district")
    if id_number and not ric.is_valid(id_number):
        raise InvalidInput("身份证号码无效（GB 11643 校验未通过）", "the ID number is not valid (GB 11643 check)",
                           "party_id_number")
    today = to_local(now).date()
    serial = _next_serial(session, today.year)
    due = env.calendar.add_working_days(today, VERIFICATION_WORKING_DAYS)
    case = Case(
        year=today.year, serial=serial, number=case_number(today.year, serial), stage="lead", source=data.source,
        misconduct=data.misconduct, subject_id=subject.id if subject else None,
        party_name=subject.name if subject else name, party_id_number=id_number,
        party_phone=(data.party_phone or "").strip(), party_address=(data.party_address or "").strip(),
        district=subject.district if subject else data.district, summary=summary, registered_on=today,
        verification_due=due.due, verification_due_provisional=due.provisional, due_on=due.due,
        due_provisional=due.provisional, trigger_key=trigger_key, registered_by_id=actor.user_id,
        created_at=now, updated_at=now,
    )
    session.add(case)
    session.flush()
    _event(session, case, actor, now, "register", None, "lead", summary,
           {"number": case.number, "source": case.source, "subject_id": case.subject_id, "party_name": case.party_name})
    return case


def _event(session: Session, case: Case, actor: Actor, now: dt.datetime, action: str, from_stage: str | None,
           to_stage: str | None, reason: str = "", data: dict | None = None) -> None:
    session.add(CaseEvent(case_id=case.id, at=now, day=to_local(now).date(), actor=actor.name, action=action,
                          from_stage=from_stage, to_stage=to_stage, reason=reason))
    record_event(session, actor=actor.name, action=f"case.{action}", object_type="case", object_id=case.id,
                 data={"number": case.number, "from": from_stage, "to": to_stage, "reason": reason, **(data or {})},
                 now=now)


# ---------------------------------------------------------------------------------------------
# Steps


@dataclass
class StepInput:
    reason: str = ""
    # interview and rectification
    rectification_due: dt.date | None = None
    interview_at: dt.datetime | None = None  # local time
    interview_place: str = ""
    requirements: str = ""  # one per line
    # penalty prior notice
    findings: str = ""
    legal_basis: str = ""


def allowed_steps(case: Case, user) -> list[str]:
    """The stages ``user`` may take ``case`` to now."""
    return [to for (frm, to), permission in STEPS.items() if frm == case.stage and can(user, permission)]


def _stage_label(stage: str) -> tuple[str, str]:
    return both(STAGES[stage])


def advance(session: Session, env: ServiceEnv, case: Case, to: str, step: StepInput, *, user, actor: Actor,
            now: dt.datetime) -> Case:
    """Take ``case`` from its stage to ``to``, with what that step needs, or refuse (nothing written)."""
    if to not in STAGES:
        raise InvalidInput(f"未知的案件阶段 {to!r}", f"unknown case stage {to!r}", "stage")
    frm = case.stage
    permission = STEPS.get((frm, to))
    if permission is None:
        (was_zh, was_en), (to_zh, to_en) = _stage_label(frm), _stage_label(to)
        raise Conflict(f"案件处于“{was_zh}”阶段，不能转入“{to_zh}”", f"a case at “{was_en}” cannot move to “{to_en}”",
                       "stage")
    if not can(user, permission):
        raise NotAllowed("你的角色不能进行这一步（由承办检查员办理，立案、决定和延期由审核员批准）",
                         "your role cannot take this step (inspectors handle cases; a reviewer approves opening, "
                         "the decision and an extension)")
    reason = (step.reason or "").strip()
    if (frm, to) in REASON_REQUIRED and not reason:
        raise InvalidInput("请填写理由或情况说明", "a reason or account is required", "reason")
    today = to_local(now).date()
    changes: dict = {}
    enter = _ENTER.get(to)
    after = enter(session, env, case, step, today, changes) if enter else None
    if (frm, to) == ("prior_notice", "decided") and case.statement_due and today <= case.statement_due:
        # The decision would say the party let its statement period pass: not before it has.
        raise InvalidInput(f"陈述、申辩期限{case.statement_due.isoformat()}届满后方可作出决定；当事人已陈述申辩或要求听证的，"
                           "先记录其意见",
                           f"the decision comes after the statement period ends on {case.statement_due.isoformat()}; "
                           "if the party has made a statement or asked for a hearing, record it first", "stage")
    if (frm, to) in (("rectification", "closed"), ("rectification", "opened")) and today < case.rectification_due:
        raise InvalidInput(f"整改期限{case.rectification_due.isoformat()}届满后方可回头看",
                           f"the follow-up check comes after the rectification deadline "
                           f"{case.rectification_due.isoformat()}", "reason")
    _move(session, case, frm, to, now, changes)
    _event(session, case, actor, now, "step", frm, to, reason)
    if after:
        after(actor, now, reason)
    if to == "hearing":  # what the party said answers the whole prior notice, a proposed listing too
        case_statement.send(case, session=session, now=now, actor=actor, text=reason)
    return case


def _move(session: Session, case: Case, frm: str, to: str, now: dt.datetime, changes: dict) -> None:
    """The conditional UPDATE: exactly one of two concurrent steps from ``frm`` finds the row."""
    if to in CLOSED_STAGES or to in ("decided", "execution"):
        changes.setdefault("due_on", None)
    if "due_on" in changes:
        changes.setdefault("due_provisional", False)
        changes["overdue_reported"] = None
    table = Case.__table__
    session.flush()
    result = session.execute(
        sa.update(table).where(table.c.id == case.id, table.c.stage == frm)
        .values(stage=to, updated_at=now, **changes)
    )
    if result.rowcount != 1:
        raise Conflict("案件已被他人处理，请刷新后重试", "someone else has just moved this case on: reload and try again")
    session.refresh(case)


def _enter_rectification(session, env: ServiceEnv, case: Case, step: StepInput, today: dt.date, changes: dict):
    due = step.rectification_due
    if due is None:
        raise InvalidInput("请填写整改期限", "please give the rectification deadline", "rectification_due")
    if due <= today:
        raise InvalidInput("整改期限必须晚于责令整改之日", "the rectification deadline must be after the order's date",
                           "rectification_due")
    if step.interview_at is None:
        raise InvalidInput("请填写约谈时间", "please give the time of the interview", "interview_at")
    if step.interview_at.date() < today:
        raise InvalidInput("约谈时间不能早于今天", "the interview cannot be in the past", "interview_at")
    place = (step.interview_place or "").strip()
    if not place:
        raise InvalidInput("请填写约谈地点", "please give the place of the interview", "interview_place")
    requirements = [line.strip() for line in (step.requirements or "").splitlines() if line.strip()]
    if not requirements:
        raise InvalidInput("请填写整改要求（每行一项）", "please list what must be rectified (one per line)",
                           "requirements")
    changes.update(rectification_due=due, due_on=due)

    def issue_notices(actor: Actor, now: dt.datetime, reason: str) -> None:
        info, findings = party_info(session, case), reason or case.summary
        for kind, document in (
            ("interview", InterviewNotice(info, case.number, f"你单位涉嫌{chinese(MISCONDUCT[case.misconduct])}",
                                          step.interview_at, place, ["营业执照、执业许可证复印件", "相关业务材料"])),
            ("rectification", RectificationOrder(info, case.number, findings, "《专利代理条例》《商标法》等有关规定",
                                                 requirements, due)),
        ):
            issue(session, env.notices, document, event_key=notice_key(case, kind), subject_id=case.subject_id,
                  actor=actor, now=now)
        made = [_add_disposition(session, case, "interview", now, decided_on=today),
                _add_disposition(session, case, "rectification", now, deadline=due, decided_on=today)]
        _make_records(session, env, case, made, notice_key(case, "rectification"), actor, now)

    return issue_notices


def _enter_opened(session, env: ServiceEnv, case: Case, step: StepInput, today: dt.date, changes: dict):
    due = today + dt.timedelta(days=DECISION_DAYS)  # calendar days (SAMR procedure rules)
    changes.update(opened_on=today, decision_due=due, due_on=due)


def _enter_prior_notice(session, env: ServiceEnv, case: Case, step: StepInput, today: dt.date, changes: dict):
    findings, basis = (step.findings or "").strip(), (step.legal_basis or "").strip()
    if not findings:
        raise InvalidInput("请填写查明的违法事实", "please state the facts found", "findings")
    if not basis:
        raise InvalidInput("请填写法律依据", "please state the legal basis", "legal_basis")
    proposed = pending_dispositions(session, case)
    if not proposed:
        raise InvalidInput("请先提出拟作出的处理（处罚种类）", "propose at least one disposition first", "kind")
    due = env.calendar.add_working_days(today, STATEMENT_WORKING_DAYS)
    changes.update(findings=findings, legal_basis=basis, statement_due=due.due, statement_due_provisional=due.provisional)

    def issue_prior_notice(actor: Actor, now: dt.datetime, reason: str) -> None:
        subject = session.get(Subject, case.subject_id) if case.subject_id else None
        proposals = [ProposedPenalty(case.subject_id, _rule_for(subject, case, d.kind) or "", d.kind, d.amount)
                     for d in proposed]
        also = [paragraph for _receiver, paragraphs in case_prior_notice.send(
            case, session=session, now=now, actor=actor, proposals=proposals) for paragraph in (paragraphs or [])]
        if also:
            case.listing_proposal = "\n".join(also)
            session.add(case)
        document = PenaltyPriorNotice(party_info(session, case), case.number, findings, basis,
                                      [penalty_text(d) for d in proposed], due.due, due.provisional, also)
        issue(session, env.notices, document, event_key=notice_key(case, "prior"), subject_id=case.subject_id,
              actor=actor, now=now)

    return issue_prior_notice


def _enter_decided(session, env: ServiceEnv, case: Case, step: StepInput, today: dt.date, changes: dict):
    proposed = pending_dispositions(session, case)
    changes.update(decided_on=today)

    def decide(actor: Actor, now: dt.datetime, reason: str) -> None:
        statement = _statement(session, case)
        document = PenaltyDecision(party_info(session, case), case.number, case.findings, case.legal_basis,
                                   [penalty_text(d) for d in proposed], statement)
        notice, _new = issue(session, env.notices, document, event_key=notice_key(case, "decision"),
                             subject_id=case.subject_id, actor=actor, now=now)
        for disposition in proposed:
            disposition.decided_on = today
            session.add(disposition)
        records = _make_records(session, env, case, proposed, notice_key(case, "decision"), actor, now)
        outcome = [str(summary) for _receiver, summary in case_decided.send(
            case, session=session, now=now, actor=actor, records=records) if summary]
        if outcome:
            case.listing_outcome = "\n".join(outcome)
            session.add(case)

    return decide


_ENTER = {"rectification": _enter_rectification, "opened": _enter_opened, "prior_notice": _enter_prior_notice,
          "decided": _enter_decided}


def _statement(session: Session, case: Case) -> str:
    said = session.exec(select(CaseEvent.reason).where(CaseEvent.case_id == case.id, CaseEvent.to_stage == "hearing")
                        .order_by(CaseEvent.id.desc())).first()
    if said:
        return f"你单位提出陈述、申辩意见：{said}。经复核，本局不予采纳。"
    return "你单位在规定期限内未提出陈述、申辩意见，也未要求听证，视为放弃上述权利。"


def notice_key(case: Case, kind: str) -> str:
    return f"case:{case.id}:{kind}"


NOTICE_KINDS = ("interview", "rectification", "prior", "decision")


def party_info(session: Session, case: Case) -> SubjectInfo:
    """The party as a notice states it: the subject's registered facts, or what the case knows."""
    if case.subject_id is not None:
        return subject_info(session.get(Subject, case.subject_id))
    return SubjectInfo(case.party_name, case.party_id_number or "—", "未登记主体",
                       chinese(DISTRICTS.get(case.district, case.district)), "")


# ---------------------------------------------------------------------------------------------
# Dispositions and the records they create


@dataclass
class DispositionInput:
    kind: str
    amount: Decimal | None = None
    months: int | None = None


def pending_dispositions(session: Session, case: Case) -> list[CaseDisposition]:
    """The penalties proposed and not yet decided, in the order proposed."""
    return list(session.exec(select(CaseDisposition).where(
        CaseDisposition.case_id == case.id, CaseDisposition.decided_on.is_(None),
        CaseDisposition.kind.in_(PENALTIES)).order_by(CaseDisposition.id)))


def propose_disposition(session: Session, case: Case, data: DispositionInput, *, actor: Actor,
                        now: dt.datetime) -> CaseDisposition:
    """Propose a penalty during the investigation (stated in the prior notice, decided later)."""
    if case.stage not in ("opened", "investigation"):
        zh, en = _stage_label(case.stage)
        raise Conflict(f"案件处于“{zh}”阶段，不能再提出处理", f"no disposition can be proposed at “{en}”", "kind")
    if data.kind not in PENALTIES:
        raise InvalidInput(f"未知的处罚种类 {data.kind!r}", f"unknown disposition {data.kind!r}", "kind")
    amount, months = data.amount, data.months
    if data.kind in WITH_AMOUNT:
        label_zh, label_en = both(DISPOSITIONS[data.kind])
        if amount is None:
            raise InvalidInput(f"{label_zh}须填写金额", f"a {label_en.lower()} needs an amount", "amount")
        if amount <= 0:
            raise InvalidInput("金额必须大于零", "the amount must be more than zero", "amount")
        if amount.as_tuple().exponent < -2:
            raise InvalidInput("金额最多保留两位小数（分）", "the amount has at most two decimals", "amount")
    elif amount is not None:
        raise InvalidInput("只有罚款和没收违法所得填写金额", "only a fine or a confiscation has an amount", "amount")
    if data.kind == "stop_new_business":
        if months is None or not STOP_MONTHS[0] <= months <= STOP_MONTHS[1]:
            raise InvalidInput("责令停止承接新业务的期限为6至12个月", "stopping new business lasts 6 to 12 months",
                               "months")
    elif months is not None:
        raise InvalidInput("只有责令停止承接新业务填写期限", "only stopping new business has a number of months",
                           "months")
    disposition = _add_disposition(session, case, data.kind, now, amount=amount, months=months)
    _event(session, case, actor, now, "propose", case.stage, case.stage, penalty_text(disposition),
           {"kind": data.kind, "amount": amount, "months": months})
    return disposition


def _add_disposition(session: Session, case: Case, kind: str, now: dt.datetime, **values) -> CaseDisposition:
    disposition = CaseDisposition(case_id=case.id, kind=kind, created_at=now, **values)
    session.add(disposition)
    session.flush()
    return disposition


def penalty_text(d: CaseDisposition) -> str:
    """A disposition as the notices state it (Chinese, like the documents)."""
    label = chinese(DISPOSITIONS[d.kind])
    if d.amount is not None:
        return f"{label}人民币{d.amount:,.2f}元"
    if d.months is not None:
        return f"{label}{d.months}个月"
    if d.deadline is not None:
        return f"{label}，限{d.deadline.year}年{d.deadline.month}月{d.deadline.day}日前完成"
    return label


def _rule_for(subject: Subject | None, case: Case, kind: str) -> str | None:
    """The catalog record type a disposition against ``subject`` creates, if any."""
    if subject is None:
        return None
    if subject.kind == "firm":
        return FIRM_RULES.get(case.misconduct) if kind in ("warning", "fine", "confiscation") else None
    return RECORD_RULES[subject.kind].get(kind)


def _make_records(session: Session, env: ServiceEnv, case: Case, dispositions: Iterable[CaseDisposition],
                  notice_event: str, actor: Actor, now: dt.datetime) -> list[Record]:
    """One draft record per catalog type the decided dispositions call for, through the records
    service (so every check applies), with the decision's notice as its evidence; a reviewer
    confirms it (four eyes), which reassesses the subject."""
    subject = session.get(Subject, case.subject_id) if case.subject_id else None
    by_rule: dict[str, list[CaseDisposition]] = {}
    for disposition in dispositions:
        rule = _rule_for(subject, case, disposition.kind)
        if rule:
            by_rule.setdefault(rule, []).append(disposition)
    notice = session.exec(select(Notice).where(Notice.event_key == notice_event)).one()
    today, records = to_local(now).date(), []
    for rule, group in by_rule.items():
        heaviest = min(group, key=lambda d: SEVERITY.index(d.kind))
        facts = f"“蓝天”专项整治行动案件 {case.number}：{case.findings or case.summary}（{'；'.join(map(penalty_text, group))}）"
        record = record_violation(session, env.catalog, subject, RecordInput(
            rule, today, document_no=notice.document_no, authority=env.authority, facts=facts), actor, now, today)
        record.penalty_kind, record.penalty_amount = heaviest.kind, heaviest.amount
        session.add(Evidence(record_id=record.id, sha256=notice.sha256, filename=f"{notice.document_no}.pdf",
                             content_type="application/pdf", size=notice.size, uploaded_by_id=actor.user_id,
                             uploaded_at=now))
        for disposition in group:
            disposition.record_id = record.id
            session.add(disposition)
        records.append(record)
    session.flush()
    return records


# ---------------------------------------------------------------------------------------------
# Time limit, party, attachments


def extend_decision(session: Session, case: Case, days: int, reason: str, *, user, actor: Actor,
                    now: dt.datetime) -> Case:
    """Lengthen the time limit for the decision, with the approver and the reason on record."""
    if not can(user, CASE_DECIDE):
        raise NotAllowed("延长办案期限须经审核员批准", "only a reviewer may approve a longer time limit")
    if case.stage not in ("opened", "investigation", "prior_notice", "hearing"):
        zh, en = _stage_label(case.stage)
        raise Conflict(f"案件处于“{zh}”阶段，无需延长办案期限", f"a case at “{en}” has no time limit to extend", "days")
    if days is None or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise InvalidInput(f"延长天数应为1至{MAX_EXTENSION_DAYS}天", f"extend by 1 to {MAX_EXTENSION_DAYS} days", "days")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写延长理由", "please give the reason for the extension", "reason")
    due = case.decision_due + dt.timedelta(days=days)
    table = Case.__table__
    result = session.execute(sa.update(table).where(table.c.id == case.id, table.c.stage == case.stage,
                                                     table.c.decision_due == case.decision_due)
                             .values(decision_due=due, due_on=due, overdue_reported=None, updated_at=now))
    if result.rowcount != 1:
        raise Conflict("案件已被他人处理，请刷新后重试", "someone else has just moved this case on: reload and try again")
    before = case.decision_due
    session.refresh(case)
    _event(session, case, actor, now, "extend", case.stage, case.stage, f"延长{days}日，至{due.isoformat()}：{reason}",
           {"from_due": before, "to_due": due, "days": days})
    return case


def link_subject(session: Session, case: Case, subject: Subject, *, actor: Actor, now: dt.datetime) -> Case:
    """Name the registered subject behind a party that had none (e.g. a 黑代理 that registered)."""
    if case.subject_id is not None:
        raise Conflict("该案件当事人已关联主体", "this case's party is already linked to a subject", "uscc")
    was = case.party_name
    case.subject_id, case.district, case.updated_at = subject.id, subject.district, now
    session.add(case)
    _event(session, case, actor, now, "link", case.stage, case.stage, f"{was} → {subject.name}（{subject.uscc}）",
           {"subject_id": subject.id})
    return case


def add_attachment(session: Session, files: FileStore, case: Case, upload: Upload, *, actor: Actor,
                   now: dt.datetime, max_bytes: int) -> CaseAttachment:
    data, content_type = checked_upload(upload, max_bytes, "attachment")
    sha256 = files.store(session, data)
    attachment = CaseAttachment(case_id=case.id, sha256=sha256, filename=display_name(upload.filename, content_type),
                                content_type=content_type, size=len(data), uploaded_by_id=actor.user_id,
                                uploaded_at=now)
    session.add(attachment)
    session.flush()
    _event(session, case, actor, now, "attach", case.stage, case.stage, attachment.filename,
           {"attachment_id": attachment.id, "sha256": sha256, "size": len(data)})
    return attachment


# ---------------------------------------------------------------------------------------------
# Deadlines


@dataclass(frozen=True)
class Due:
    label: object  # a lazy string
    day: dt.date
    provisional: bool
    overdue: bool
    soon: bool


DUE_LABELS = {
    "lead": _l("Decide whether to open"),
    "verification": _l("Decide whether to open"),
    "rectification": _l("Follow-up check (回头看)"),
    "opened": _l("Decision"),
    "investigation": _l("Decision"),
    "prior_notice": _l("Decision"),
    "hearing": _l("Decision"),
}


def due_of(case: Case, today: dt.date) -> Due | None:
    """The deadline of the case's stage, flagged overdue or due within DUE_SOON_DAYS days."""
    if case.due_on is None:
        return None
    return Due(DUE_LABELS.get(case.stage, ""), case.due_on, case.due_provisional, case.due_on < today,
               today <= case.due_on <= today + dt.timedelta(days=DUE_SOON_DAYS))


def flagged_cases(session: Session, today: dt.date, limit: int | None = None) -> list[Case]:
    """Open cases overdue or due within DUE_SOON_DAYS days, most urgent first."""
    query = (select(Case).where(Case.due_on.is_not(None), Case.due_on <= today + dt.timedelta(days=DUE_SOON_DAYS))
             .order_by(Case.due_on, Case.id))
    return list(session.exec(query.limit(limit) if limit else query))


def sweep_deadlines(session: Session, now: dt.datetime) -> tuple[int, int]:
    """Report each newly overdue deadline once (a case event and an audit event); returns
    (newly overdue, due within DUE_SOON_DAYS days)."""
    today = to_local(now).date()
    flagged = flagged_cases(session, today)
    fresh = [c for c in flagged if c.due_on < today and c.overdue_reported != c.due_on]
    for case in fresh:
        case.overdue_reported = case.due_on
        session.add(case)
        label = chinese(DUE_LABELS.get(case.stage, ""))
        _event(session, case, SCHEDULER, now, "overdue", case.stage, case.stage,
               f"{label}期限{case.due_on.isoformat()}已过", {"due_on": case.due_on})
    return len(fresh), sum(1 for c in flagged if c.due_on >= today)


# ---------------------------------------------------------------------------------------------
# Leads from the score (DESIGN 8)


def _covered(session: Session, subject_id: int) -> bool:
    return session.exec(select(Case.id).where(Case.subject_id == subject_id, Case.stage.in_(OPEN_STAGES))
                        .limit(1)).first() is not None


def monitoring_lead(session: Session, env: ServiceEnv, subject: Subject, summary: str, trigger_key: str, *,
                    actor: Actor, now: dt.datetime, misconduct: str = "credit_risk") -> Case | None:
    """A lead with source "credit monitoring" for ``subject``, unless an open lead or case covers it
    or these facts (``trigger_key``) already raised one. Also for the list's referrals."""
    if _covered(session, subject.id) or session.exec(
            select(Case.id).where(Case.trigger_key == trigger_key)).first() is not None:
        return None
    return register_lead(session, env, LeadInput("credit_monitoring", misconduct, summary, subject_id=subject.id),
                         actor=actor, now=now, trigger_key=trigger_key)


@dataclass
class _Finding:
    subject: Subject
    key: str
    text: str
    misconduct: str = "credit_risk"
    parts: list[str] = field(default_factory=list)


def leads_from_score(session: Session, env: ServiceEnv, now: dt.datetime, actor: Actor) -> list[Case]:
    """After the nightly recompute: agencies graded C or D, or with MONITORED_COUNT or more
    abnormal-filing, malicious-agency or solicitation records within 12 months, get a lead citing
    the assessment or the records (once per run of the grade, once per new record)."""
    today = to_local(now).date()
    findings: dict[int, _Finding] = {}
    graded = session.exec(
        select(Assessment, Subject).where(in_force(today))
        .join(Subject, Subject.id == Assessment.subject_id)
        .where(Assessment.grade.in_(MONITORED_GRADES), Subject.kind.in_(AGENCY_KINDS)).order_by(Subject.id)
    ).all()
    for assessment, subject in graded:
        # The run of C/D grades began after the last better grade: one lead per run.
        better = session.exec(select(sa.func.max(Assessment.valid_from)).where(
            Assessment.subject_id == subject.id, Assessment.valid_from <= today,
            Assessment.grade.not_in(MONITORED_GRADES))).one()
        since = session.exec(select(sa.func.min(Assessment.valid_from)).where(
            Assessment.subject_id == subject.id, Assessment.grade.in_(MONITORED_GRADES),
            *([Assessment.valid_from > better] if better else []))).one()
        findings[subject.id] = _Finding(subject, f"grade:{subject.id}:{since.isoformat()}",
                                        f"截至{today.isoformat()}信用评分{assessment.score}分，"
                                        f"等级{assessment.grade}（评价 #{assessment.id}，规则版本 {assessment.catalog_version}）")
    window_start = add_months(today, -12)
    rows = session.exec(
        select(Record, Subject).join(Subject, Subject.id == Record.subject_id)
        .where(Record.rule_code.in_(MONITORED_RULES), Record.status.in_(COUNTING_STATUSES),
               Record.decision_date > window_start, Record.decision_date <= today, Subject.kind.in_(AGENCY_KINDS))
        .order_by(Record.subject_id, Record.decision_date, Record.id)
    ).all()
    by_subject: dict[int, list[Record]] = {}
    for record, subject in rows:
        by_subject.setdefault(subject.id, []).append(record)
    subjects = {s.id: s for _r, s in rows}
    for subject_id, records in by_subject.items():
        if len(records) < MONITORED_COUNT:
            continue
        cited = "；".join(f"记录 #{r.id} {r.rule_code} {r.decision_date.isoformat()} {r.document_no}" for r in records)
        text = f"近12个月内有{len(records)}条非正常申请代理、恶意商标代理或不正当招揽记录：{cited}"
        key = f"records:{subject_id}:{max(r.id for r in records)}"
        found = findings.get(subject_id)
        misconduct = _monitored_misconduct(records)
        if found is None:
            findings[subject_id] = _Finding(subjects[subject_id], key, text, misconduct)
        else:
            found.parts.append(text)
            found.misconduct = misconduct
    made = []
    for found in findings.values():
        summary = "信用监测：" + "；".join([found.text, *found.parts])
        case = monitoring_lead(session, env, found.subject, summary, found.key, actor=actor, now=now,
                               misconduct=found.misconduct)
        if case is not None:
            made.append(case)
    return made


def _monitored_misconduct(records: list[Record]) -> str:
    kinds = {"PA-ABNORMAL-FILING": "abnormal_filing_agency", "TA-MALICIOUS-AGENCY": "malicious_trademark_agency",
             "PA-SOLICIT": "solicitation", "TA-SOLICIT": "solicitation"}
    counts: dict[str, int] = {}
    for record in records:
        counts[kinds[record.rule_code]] = counts.get(kinds[record.rule_code], 0) + 1
    return max(sorted(counts), key=counts.get)
