"""Recording violations and moving them through their life cycle (four eyes, nothing deleted).

draft -> confirmed (by a reviewer who is not the recorder) | rejected;
confirmed <-> disputed; confirmed|disputed -> repaired; any counted state -> revoked (reason).
Every step is a RecordEvent and an audit event in the same transaction, and the subject's
assessment is recomputed at once when what counts may have changed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.catalog.loader import Catalog, NoCatalogInForce, RuleSpec
from credit.clock import FixedClock
from credit.errors import InvalidInput, NotAllowed
from credit.i18n import both, chinese
from credit.scoring.services import reassess
from credit.subjects.models import SUBJECT_KINDS, Subject
from credit.records.models import CATEGORIES, PENALTY_KINDS, Evidence, Record, RecordEvent
from credit.transitions import transition_row

TRANSITIONS = {
    "draft": {"confirmed", "rejected"},
    "confirmed": {"disputed", "repaired", "revoked"},
    "disputed": {"confirmed", "repaired", "revoked"},
    "repaired": {"revoked"},
    "rejected": set(),
    "revoked": set(),
}
STATUS_LABELS = {
    "draft": _l("awaiting review"),
    "confirmed": _l("confirmed"),
    "rejected": _l("rejected"),
    "disputed": _l("objection pending"),
    "repaired": _l("repaired"),
    "revoked": _l("revoked"),
}


@dataclass
class RecordInput:
    rule_code: str
    decision_date: dt.date
    document_no: str = ""
    authority: str = ""
    facts: str = ""
    category: str | None = None
    penalty_kind: str | None = None
    penalty_amount: Decimal | None = None


# Penalties that carry an amount in yuan (a fine must state it: the list's grounds depend on it).
AMOUNT_PENALTIES = ("fine", "confiscation")


def check_penalty(kind: str | None, amount) -> tuple[str | None, Decimal | None]:
    """The record's penalty (kind, amount in yuan), or InvalidInput saying what is wrong with it."""
    kind = (kind or "").strip() or None
    if amount is not None and not isinstance(amount, Decimal):
        try:
            amount = Decimal(str(amount).strip()) if str(amount).strip() else None
        except InvalidOperation:
            raise InvalidInput(f"罚没金额 {amount!r} 不是数字", f"the amount {amount!r} is not a number",
                               "penalty_amount") from None
    if kind is None:
        if amount is not None:
            raise InvalidInput("填写金额时须选择处罚种类", "an amount needs a penalty kind", "penalty_kind")
        return None, None
    if kind not in PENALTY_KINDS:
        raise InvalidInput(f"未知的处罚种类 {kind!r}", f"unknown penalty kind {kind!r}", "penalty_kind")
    if amount is not None and (not amount.is_finite() or amount < 0 or amount >= Decimal("1e12")):
        raise InvalidInput("金额须为不小于 0 的数", "the amount must be a number of at least 0", "penalty_amount")
    if kind == "fine" and amount is None:
        raise InvalidInput("罚款须填写金额（元）", "a fine needs its amount in yuan", "penalty_amount")
    if kind not in AMOUNT_PENALTIES and amount is not None:
        raise InvalidInput("该处罚种类没有金额", "this kind of penalty has no amount", "penalty_amount")
    return kind, amount.quantize(Decimal("0.01")) if amount is not None else None


def check_rule(catalog: Catalog, subject: Subject, rule_code: str, decision_date: dt.date) -> RuleSpec:
    """The catalog rule for a new record, or InvalidInput saying why it does not fit.

    A record decided before the first catalog version is checked against the first version.
    """
    try:
        version = catalog.version_for_record(decision_date)
    except NoCatalogInForce as exc:
        raise InvalidInput(exc.zh, exc.en, "decision_date") from None
    rule = version.rule(rule_code)
    if rule is None:
        raise InvalidInput(f"未知的记录类型 {rule_code!r}", f"unknown record type {rule_code!r}", "rule_code")
    if not rule.applies_to(subject.kind):
        kind = chinese(SUBJECT_KINDS[subject.kind])
        raise InvalidInput(f"记录类型 {rule_code} 不适用于{kind}",
                           f"record type {rule_code} does not apply to a {subject.kind}", "rule_code")
    return rule


def check_category(rule: RuleSpec, category: str | None) -> str:
    """The record's IP category: the type's own when none is given; one the type does not allow is refused."""
    category = category or rule.category
    if category not in CATEGORIES:
        raise InvalidInput(f"未知的知识产权类别 {category!r}", f"unknown IP category {category!r}", "category")
    if category not in rule.categories:
        allowed_zh = "、".join(chinese(CATEGORIES[c]) for c in rule.categories)
        raise InvalidInput(
            f"记录类型 {rule.code} 的知识产权类别只能是{allowed_zh}，不能是{chinese(CATEGORIES[category])}",
            f"a {rule.code} record must have the IP category {' or '.join(rule.categories)}, not {category}",
            "category")
    return category


def require_evidence(session: Session, catalog: Catalog, record: Record) -> None:
    """InvalidInput (field ``evidence``) when the record's type needs evidence and it has none."""
    try:
        rule = catalog.version_for_record(record.decision_date).rule(record.rule_code)
    except NoCatalogInForce:  # a gap between versions: the type's latest definition says
        rule = catalog.any_rule(record.rule_code)
    if rule is None or not rule.evidence_required:
        return
    if session.exec(select(Evidence.id).where(Evidence.record_id == record.id).limit(1)).first() is None:
        raise InvalidInput(f"记录类型 {rule.code} 须附证据材料", f"a {rule.code} record needs an evidence file",
                           "evidence")


def record_violation(
    session: Session, catalog: Catalog, subject: Subject, data: RecordInput, actor: Actor, now: dt.datetime,
    today: dt.date,
) -> Record:
    if data.decision_date > today:
        raise InvalidInput("决定日期不能晚于今天", "the decision date cannot be in the future", "decision_date")
    rule = check_rule(catalog, subject, data.rule_code, data.decision_date)
    category = check_category(rule, data.category)
    penalty_kind, penalty_amount = check_penalty(data.penalty_kind, data.penalty_amount)
    record = Record(
        subject_id=subject.id, rule_code=rule.code, category=category, decision_date=data.decision_date,
        document_no=data.document_no.strip(), authority=data.authority.strip(), facts=data.facts.strip(),
        status="draft", recorded_by_id=actor.user_id, created_at=now, updated_at=now,
        penalty_kind=penalty_kind, penalty_amount=penalty_amount,
    )
    session.add(record)
    session.flush()
    _log(session, record, None, "draft", actor, "", now)
    return record


def transition(
    session: Session, catalog: Catalog, record: Record, to: str, actor: Actor, now: dt.datetime, today: dt.date,
    reason: str = "", repaired_on: dt.date | None = None, seen: str | None = None,
) -> Record:
    """Move a record to ``to`` if the life cycle allows it, log it, and recompute the subject.

    The status the record had when loaded must still be its status when written: of two reviewers
    deciding at once, one wins and the other gets a TransitionConflict (credit.transitions).
    ``seen`` is the status the user saw on the page, if any: a record that has moved on since is
    refused the same way.
    """
    reason = (reason or "").strip()
    previous = seen if seen in TRANSITIONS else record.status
    if to not in TRANSITIONS.get(previous, set()):
        (was_zh, was_en), (to_zh, to_en) = both(STATUS_LABELS[previous]), both(STATUS_LABELS[to])
        raise NotAllowed(f"记录当前为“{was_zh}”，不能改为“{to_zh}”", f"a record that is {was_en} cannot become {to_en}")
    values = {"status_reason": reason, "updated_at": now}
    if to == "confirmed" and previous == "draft":
        if actor.user_id is not None and actor.user_id == record.recorded_by_id:
            raise NotAllowed("不能审核自己录入的记录（双人复核）",
                             "you cannot confirm a record you recorded yourself (four eyes)")
        require_evidence(session, catalog, record)
        values.update(confirmed_by_id=actor.user_id, confirmed_at=now)
    if to in ("rejected", "revoked", "repaired") and not reason:
        raise InvalidInput("请填写理由", "a reason is required", "reason")
    if to == "repaired":
        values["repaired_on"] = repaired_on or today
    transition_row(session, Record, record.id, previous, to, labels=STATUS_LABELS, **values)
    _log(session, record, previous, to, actor, reason, now)
    reassess(session, FixedClock(now), catalog=catalog, subject_ids=[record.subject_id], as_of=today,
             reason=f"record {record.id} {to}")
    return record


def _log(session: Session, record: Record, from_status, to_status, actor: Actor, reason: str, now: dt.datetime):
    session.add(RecordEvent(record_id=record.id, at=now, actor_id=actor.user_id, from_status=from_status,
                            to_status=to_status, reason=reason))
    record_event(session, actor=actor.name, action=f"record.{to_status}", object_type="record",
                 object_id=record.id, data={"from": from_status, "to": to_status, "reason": reason,
                                            "subject_id": record.subject_id, "rule_code": record.rule_code},
                 now=now)
