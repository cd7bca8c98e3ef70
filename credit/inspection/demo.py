"""Demo plans (``demo_loaded``): more inspectors, a declared conflict, a published 2026Q3 plan with
its results (some findings opened Blue Sky leads) and a 2026Q4 plan drafted by inspector1 for a
publisher to approve and publish."""
from __future__ import annotations

import datetime as dt
import random

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from credit.accounts.demo import DEMO_ACTOR, DEMO_PASSWORD
from credit.accounts.authz import INSPECTION_PUBLISH, users_holding
from credit.accounts.models import INSPECTOR, User
from credit.accounts.services import create_user, find_user
from credit.audit.actor import Actor
from credit.env import current_env
from credit.catalog.loader import Catalog
from credit.clock import LOCAL_TZ
from credit.context import current
from credit.dates import Period
from credit.inspection.items import load_items
from credit.inspection.models import InspectionCheck
from credit.inspection.services import MAX_SEED, ResultInput, declare_conflict, draft_plan, enter_result, move_plan
from credit.records.models import Record
from credit.subjects.models import Subject

# Six inspectors in all (inspector1 is a base demo account), so that two go to each check.
DEMO_INSPECTORS = [(f"inspector{n}", f"检查员 {name}") for n, name in
                   ((2, "孙磊"), (3, "周敏"), (4, "吴刚"), (5, "郑丽"), (6, "冯涛"))]


# What a finding that opens a Blue Sky lead reports, by the subject's kind: (misconduct, note).
LEAD_NOTES = {
    "patent_agency": ("solicitation", "检查发现该机构通过网络平台以“包授权”为名招揽专利代理业务，已登记“蓝天”线索。"),
    "trademark_agency": ("malicious_trademark_agency", "检查发现该机构代理多件明显恶意抢注的商标申请，已登记“蓝天”线索。"),
    "firm": ("abnormal_filing_agency", "检查发现该企业近一年提交的专利申请多件疑似非正常申请，已登记“蓝天”线索。"),
}


def load_demo_plans(session: Session, catalog: Catalog, now: dt.datetime, rng: random.Random):
    for username, label in DEMO_INSPECTORS:
        if find_user(session, username) is None:
            create_user(session, username, DEMO_PASSWORD, INSPECTOR, DEMO_ACTOR, now, display_name=label)
    drafter = find_user(session, "inspector1")
    publishers = users_holding(session, INSPECTION_PUBLISH)
    if drafter is None or not publishers:
        return None
    publisher = publishers[0]
    today = now.astimezone(LOCAL_TZ).date()
    inspector2 = find_user(session, "inspector2")
    first_firm = session.exec(select(Subject).where(Subject.kind == "firm").order_by(Subject.id)).first()
    if first_firm is not None:
        declare_conflict(session, first_firm, Actor.of(inspector2), "配偶在该企业任职", now)
    items, by = load_items(current().rules_dir), Actor.of(drafter)
    past = Period.of("quarter", today).offset(-1)
    done = draft_plan(session, catalog, items, str(past), rng.randrange(MAX_SEED), today, by, now)
    for action in ("approve", "publish"):
        move_plan(session, done.id, action, Actor.of(publisher), now)
    checks = session.exec(select(InspectionCheck).where(InspectionCheck.plan_id == done.id)
                          .order_by(InspectionCheck.id)).all()
    cases = current_env()
    for index, check in enumerate(checks):
        inspector = session.get(User, check.first_inspector_id)
        record_id = session.exec(select(Record.id).where(Record.subject_id == check.subject_id)
                                 .order_by(Record.decision_date.desc())).first()
        roll = rng.random()
        if roll < 0.1:
            data = ResultInput("unreachable", note="登记地址无人办公")
        elif index == 0 or roll < 0.15:  # at least one finding opens a Blue Sky lead
            misconduct, note = LEAD_NOTES[session.get(Subject, check.subject_id).kind]
            data = ResultInput("problem_found", note=note, lead_misconduct=misconduct)
        elif roll < 0.3 and record_id is not None:
            data = ResultInput("problem_found", record_id=record_id, note="检查发现问题，已录入记录")
        else:
            data = ResultInput("no_problem")
        enter_result(session, done.id, check.id, data, Actor.of(inspector), now, env=cases)
    upcoming = draft_plan(session, catalog, items, str(Period.of("quarter", today)), rng.randrange(MAX_SEED), today,
                          by, now)
    return _l("inspection plans %(done)s (published, %(checks)d results) and %(draft)s (draft)",
              done=done.period, checks=len(checks), draft=upcoming.period)
