"""Putting a rule case (subject kind, records, listed) into the database and scoring it with SQL."""
from __future__ import annotations

import datetime as dt


from credit.listing.models import ListEntry
from credit.scoring.engine import contributions, recompute
from credit.scoring.queries import assessment_in_force
from credit.scoring.reference import RecordFact


def store_case(session, make_subject, make_record, kind: str, facts: list[RecordFact], listed: bool, as_of: dt.date):
    """Insert the subject and its records (in id order, so ties keep their order); map case id -> row id."""
    subject = make_subject(kind)
    ids = {}
    for fact in sorted(facts, key=lambda f: f.id):
        row = make_record(subject, fact.rule_code, fact.decision_date, fact.status, fact.repaired_on)
        ids[fact.id] = row.id
    if listed:
        session.add(ListEntry(
            id=f"SD-{as_of.year}-{subject.id:06d}", subject_id=subject.id, status="listed", reason="测试",
            legal_basis="《市场监督管理严重违法失信名单管理办法》", authority="淮南市市场监督管理局",
            decision_no="测试", listed_on=as_of - dt.timedelta(days=1), planned_removal_on=as_of + dt.timedelta(days=900),
            first_published_on=as_of - dt.timedelta(days=1),
        ))
        session.commit()
    return subject, ids


def sql_result(session, catalog, subject, as_of: dt.date, now: dt.datetime):
    recompute(session, catalog, as_of, now, [subject.id])
    session.commit()
    assessment = assessment_in_force(session, subject.id, as_of)
    counted = {c.record.id: c.counted_points for c in contributions(session, [assessment])[assessment.id]}
    return assessment, counted
