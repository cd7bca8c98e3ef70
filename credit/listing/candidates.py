"""Grounds and candidates (DESIGN section 6): who could be listed here, and who is a referral.

listable: a confirmed serious-type record inside its window with a heavier penalty decided by
this bureau, not yet in a procedure. referral: the same decided by another authority (the city
never lists on another's penalty), or a score below ``referral_score_below``. Nothing is listed
by this: a person proposes (``procedure.propose``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, select

from credit.listing.models import ListEntry, ListingProcedure
from credit.listing.procedure import penalty_text, serious_rule
from credit.listing.terms import Terms
from credit.records.models import COUNTING_STATUSES, Record
from credit.scoring.models import Assessment
from credit.scoring.queries import in_force
from credit.subjects.models import Subject


@dataclass
class Candidate:
    kind: str  # listable | referral
    subject: Subject
    record: Record | None
    reasons: list[dict] = field(default_factory=list)

    def as_row(self) -> dict:
        return {"kind": self.kind, "uscc": self.subject.uscc, "name": self.subject.name,
                "record_id": self.record.id if self.record else None, "reasons": self.reasons}


def candidates(session: Session, terms: Terms, as_of: dt.date) -> list[Candidate]:
    in_procedure = select(ListingProcedure.record_id).where(ListingProcedure.record_id.is_not(None),
                                                            ListingProcedure.status != "withdrawn")
    rows = session.exec(
        select(Record, Subject).join(Subject, Subject.id == Record.subject_id)
        .where(Record.status.in_(COUNTING_STATUSES), Record.decision_date <= as_of,
               Record.penalty_kind.is_not(None), Record.id.not_in(in_procedure))
        .order_by(Subject.name, Record.decision_date, Record.id)
    ).all()
    found: list[Candidate] = []
    for record, subject in rows:
        rule = serious_rule(terms, record.rule_code, record.decision_date)
        if rule is None or record.decision_date <= rule.cutoff(as_of):
            continue
        if not terms.rules.is_heavier(record.penalty_kind, record.penalty_amount):
            continue
        local = terms.is_local(record.authority)
        found.append(Candidate("listable" if local else "referral", subject, record, [{
            "record_id": record.id, "document_no": record.document_no, "decision_date": record.decision_date.isoformat(),
            "rule": rule.code, "behaviour": rule.behaviour, "reference": rule.reference,
            "penalty": penalty_text(record.penalty_kind, record.penalty_amount), "authority": record.authority,
        }]))
    listed = select(ListEntry.subject_id).where(ListEntry.status == "listed")
    low = session.exec(
        select(Assessment, Subject).join(Subject, Subject.id == Assessment.subject_id)
        .where(in_force(as_of), Assessment.score < terms.rules.referral_score_below, Assessment.subject_id.not_in(listed))
        .order_by(Subject.name)
    ).all()
    for assessment, subject in low:
        found.append(Candidate("referral", subject, None, [{
            "score": assessment.score, "as_of": assessment.valid_from.isoformat(),
            "below": terms.rules.referral_score_below}]))
    return sorted(found, key=lambda c: (c.kind != "listable", c.subject.name, c.record.id if c.record else 0))
