"""Read-only views of cases for the pages: the filtered list, one case in full, a subject's cases."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from credit.accounts.models import User
from credit.cases.models import Case, CaseAttachment, CaseDisposition, CaseEvent
from credit.cases.services import NOTICE_KINDS, notice_key
from credit.notices.models import Notice
from credit.paging import Page, paginate
from credit.records.models import Record
from credit.subjects.models import Subject

SORTS = {
    "number": (Case.year.desc(), Case.serial.desc()),
    "registered": (Case.registered_on.desc(), Case.id.desc()),
    # The most urgent first; cases without a running deadline last.
    "due": (Case.due_on.is_(None), Case.due_on, Case.id),
}


@dataclass
class CaseFilter:
    year: int | None = None
    stage: str | None = None
    misconduct: str | None = None
    district: str | None = None
    source: str | None = None
    overdue: bool = False
    sort: str = "number"


def search(session: Session, criteria: CaseFilter, today: dt.date, page: int = 1, per_page: int = 50) -> Page[Case]:
    query = select(Case)
    for column, value in ((Case.year, criteria.year), (Case.stage, criteria.stage),
                          (Case.misconduct, criteria.misconduct), (Case.district, criteria.district),
                          (Case.source, criteria.source)):
        if value:
            query = query.where(column == value)
    if criteria.overdue:
        query = query.where(Case.due_on < today)
    return paginate(session, query.order_by(*SORTS.get(criteria.sort, SORTS["number"])), page, per_page)


def years(session: Session) -> list[int]:
    return list(session.exec(select(Case.year).distinct().order_by(Case.year.desc())))


def cases_of_subject(session: Session, subject_id: int) -> list[Case]:
    return list(session.exec(select(Case).where(Case.subject_id == subject_id)
                             .order_by(Case.year.desc(), Case.serial.desc())))


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    subject: Subject | None
    events: list[CaseEvent]
    dispositions: list[CaseDisposition]
    records: list[Record]
    notices: list[Notice]
    attachments: list[CaseAttachment]


def case_detail(session: Session, case_id: int) -> CaseDetail | None:
    case = session.get(Case, case_id)
    if case is None:
        return None
    dispositions = list(session.exec(select(CaseDisposition).where(CaseDisposition.case_id == case_id)
                                     .order_by(CaseDisposition.id)))
    record_ids = {d.record_id for d in dispositions} - {None}
    return CaseDetail(
        case=case,
        subject=session.get(Subject, case.subject_id) if case.subject_id else None,
        events=list(session.exec(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))),
        dispositions=dispositions,
        records=list(session.exec(select(Record).where(Record.id.in_(record_ids)).order_by(Record.id)))
        if record_ids else [],
        notices=list(session.exec(select(Notice).where(Notice.event_key.in_(
            [notice_key(case, kind) for kind in NOTICE_KINDS])).order_by(Notice.issued_at, Notice.id))),
        attachments=list(session.exec(select(CaseAttachment).where(CaseAttachment.case_id == case_id)
                                      .order_by(CaseAttachment.id))),
    )


def cases_of_record(session: Session, record_id: int) -> list[Case]:
    """The case(s) whose decision created a record: the record's way back to its case."""
    return list(session.exec(select(Case).join(CaseDisposition, CaseDisposition.case_id == Case.id)
                             .where(CaseDisposition.record_id == record_id).distinct()))


def case_handlers(session: Session, user_ids: list[int], since: dt.date, until: dt.date) -> set[tuple[int, int]]:
    """(user id, subject id) pairs where the user took a step in a case of the subject (registered
    it, moved it on, proposed, attached...) from ``since`` to ``until``: the case's handlers, whom
    the random inspection draw never sends to inspect that subject."""
    rows = session.execute(
        select(User.id, Case.subject_id).distinct()
        .join(CaseEvent, CaseEvent.actor == User.username).join(Case, Case.id == CaseEvent.case_id)
        .where(User.id.in_(user_ids), Case.subject_id.is_not(None), CaseEvent.day >= since, CaseEvent.day <= until))
    return {(user_id, subject_id) for user_id, subject_id in rows}
