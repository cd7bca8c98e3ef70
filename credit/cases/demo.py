"""Demo data (``credit demo``, through ``credit.signals.demo_loaded``): a year of Blue Sky cases at
every stage, taken through the same services an inspector and a reviewer use, on the days they
would have acted, so their notices, records, deadlines and ledger are what the system makes."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlmodel import Session, select

from credit.accounts.models import User
from credit.audit.actor import SCHEDULER, Actor
from credit.cases.services import (DispositionInput, LeadInput, StepInput, advance, leads_from_score,
                                   propose_disposition, register_lead)
from credit.clock import LOCAL_TZ, to_local
from credit.env import ServiceEnv
from credit.records.models import Record
from credit.subjects.models import DISTRICTS, Subject

CASES = 40
# A case's path: (stage, days after registration). A case registered too recently stops where
# today is, so the year's cases stand at every stage.
PENALTY_PATH = [("verification", 2), ("opened", 9), ("investigation", 12), ("prior_notice", 45), ("hearing", 52),
                ("decided", 64), ("execution", 70), ("closed", 100)]
PATHS = {
    "not_opened": [("verification", 2), ("not_opened", 12)],
    "rectified": [("verification", 2), ("rectification", 8), ("closed", 45)],
    "rectification_failed": [("verification", 3), ("rectification", 8), ("opened", 40), ("investigation", 42),
                             ("prior_notice", 70), ("decided", 85), ("execution", 90), ("closed", 120)],
    "penalty": PENALTY_PATH,
    "penalty_waived": [s for s in PENALTY_PATH if s[0] != "hearing"],
    # Opened and not decided within 90 days: flagged overdue on the list.
    "stalled": [("verification", 2), ("opened", 10), ("investigation", 14)],
}
UNREGISTERED = ["王某（无资质代理）", "李某某知识产权咨询工作室", "淮南某网络科技服务部", "张某（个人）"]
AMOUNTS = [Decimal(a) for a in ("5000", "10000", "20000", "30000", "50000", "100000")]


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), LOCAL_TZ).astimezone(dt.timezone.utc)


def _party(session: Session, rng: random.Random, kind: str) -> Subject | None:
    if kind == "unregistered":
        return None
    # Subjects with a history of records: cases come to those the bureau already knows.
    subjects = session.exec(select(Subject).where(Subject.kind == kind, Subject.id.in_(select(Record.subject_id)))
                            .order_by(Subject.id)).all()
    return rng.choice(subjects) if subjects else None


def _penalties(subject: Subject | None, rng: random.Random) -> list[DispositionInput]:
    if subject is not None and subject.kind == "patent_agency" and rng.random() < 0.4:
        return [DispositionInput("fine", rng.choice(AMOUNTS)), DispositionInput("stop_new_business", months=rng.choice([6, 9, 12]))]
    if subject is None:
        return [DispositionInput("fine", rng.choice(AMOUNTS)), DispositionInput("confiscation", rng.choice(AMOUNTS[:3]))]
    return [DispositionInput("warning")] if rng.random() < 0.3 else [DispositionInput("fine", rng.choice(AMOUNTS))]


def load_demo_cases(session: Session, env: ServiceEnv, now: dt.datetime, rng: random.Random) -> int:
    today = to_local(now).date()
    users = {u.username: u for u in session.exec(select(User).where(User.username.in_(["inspector1", "reviewer1"])))}
    if len(users) < 2:
        return 0
    # The handling inspector, and the reviewer who approves opening and decides.
    people = {"handler": users["inspector1"], "approver": users["reviewer1"]}
    registered = sorted(today - dt.timedelta(days=rng.randrange(0, 365)) for _ in range(CASES))
    # The newest leads stay where they are: registered in the last days.
    registered[-3:] = [today - dt.timedelta(days=d) for d in (5, 1, 0)]
    kinds = ["patent_agency", "patent_agency", "trademark_agency", "firm", "unregistered"]
    misconduct = {"patent_agency": ["abnormal_filing_agency", "certificate_renting", "solicitation"],
                  "trademark_agency": ["malicious_trademark_agency", "solicitation"],
                  "firm": ["abnormal_filing_agency", "malicious_trademark_agency"],
                  "unregistered": ["unlicensed_agency", "false_publicity", "forged_applications"]}
    plans = list(PATHS)
    for index, day in enumerate(registered):
        kind = kinds[index % len(kinds)]
        subject = _party(session, rng, kind)
        kind = kind if subject is not None or kind == "unregistered" else "unregistered"
        party = {} if subject else {"party_name": rng.choice(UNREGISTERED), "district": rng.choice(list(DISTRICTS)),
                                    "party_phone": f"1385540{rng.randrange(1000, 9999)}"}
        source = "credit_monitoring" if subject is not None and rng.random() < 0.2 else rng.choice(
            ["complaint", "referral_above", "transfer", "filing_monitoring", "random_inspection", "self_inspection"])
        case = register_lead(session, env, LeadInput(
            source, rng.choice(misconduct[kind]), "举报或监测发现当事人涉嫌违法从事知识产权代理业务，需核查。",
            subject_id=subject.id if subject else None, **party), actor=Actor.of(people["handler"]), now=_at(day))
        _walk(session, env, case, PATHS[plans[index % len(plans)]], day, today, people, _penalties(subject, rng))
    leads_from_score(session, env, now, SCHEDULER)
    return CASES


def _walk(session: Session, env: ServiceEnv, case, path, registered: dt.date, today: dt.date, people: dict,
          penalties: list[DispositionInput]) -> None:
    for stage, days in path:
        day = registered + dt.timedelta(days=days)
        if day > today:
            return
        who = "approver" if stage in ("opened", "not_opened", "decided") else "handler"
        step = StepInput(reason=_REASONS.get(stage, ""))
        if stage == "rectification":
            step.interview_at = dt.datetime.combine(day + dt.timedelta(days=3), dt.time(9, 30))
            step.interview_place, step.rectification_due = "淮南市市场监督管理局知识产权科", day + dt.timedelta(days=30)
            step.requirements = "立即停止违法代理行为\n自查近一年代理业务并提交书面整改报告"
        if stage == "prior_notice":
            for penalty in penalties:
                propose_disposition(session, case, penalty, actor=Actor.of(people["handler"]), now=_at(day))
            step.findings = "经调查，当事人存在举报所称违法代理行为，有代理委托合同、申请文件和询问笔录为证。"
            step.legal_basis = "《专利代理条例》第二十五条、第二十七条"
        user = people[who]
        advance(session, env, case, stage, step, user=user, actor=Actor.of(user), now=_at(day))


_REASONS = {
    "not_opened": "经核查，举报事项不属实，不予立案。",
    "rectification": "当事人违法情节轻微，约谈并责令限期整改。",
    "opened": "回头看发现未整改到位，或核查发现涉嫌违法，报请立案。",
    "hearing": "当事人提出申辩，称系初次违法且已停止违法行为。",
    "closed": "已执行完毕（回头看已整改到位），结案。",
}
