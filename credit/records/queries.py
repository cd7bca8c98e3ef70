"""Read-only views of records for the pages: a subject's records, the review queue, one record in full."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.accounts.models import User
from credit.subjects.models import Subject
from credit.records.models import Evidence, Record, RecordEvent


@dataclass(frozen=True)
class RecordDetail:
    record: Record
    subject: Subject
    evidence: list[Evidence]
    events: list[RecordEvent]
    # user id -> display name, for everyone who touched the record
    people: dict[int, str]

    def who(self, user_id: int | None) -> str:
        return self.people.get(user_id, "—") if user_id is not None else "—"


def subject_records(session: Session, subject_id: int) -> list[Record]:
    return list(session.exec(select(Record).where(Record.subject_id == subject_id)
                             .order_by(Record.decision_date.desc(), Record.id.desc())))


def review_queue(session: Session) -> list[tuple[Record, Subject, User | None]]:
    """Drafts awaiting a second pair of eyes, oldest first."""
    return [tuple(row) for row in session.execute(
        sa.select(Record, Subject, User)
        .join(Subject, Subject.id == Record.subject_id)
        .outerjoin(User, User.id == Record.recorded_by_id)
        .where(Record.status == "draft")
        .order_by(Record.created_at, Record.id)
    )]


def record_detail(session: Session, record_id: int) -> RecordDetail | None:
    record = session.get(Record, record_id)
    if record is None:
        return None
    evidence = list(session.exec(select(Evidence).where(Evidence.record_id == record_id).order_by(Evidence.id)))
    events = list(session.exec(select(RecordEvent).where(RecordEvent.record_id == record_id).order_by(RecordEvent.id)))
    ids = ({record.recorded_by_id, record.confirmed_by_id} | {e.actor_id for e in events}
           | {e.uploaded_by_id for e in evidence}) - {None}
    people = {u.id: u.label for u in session.exec(select(User).where(User.id.in_(ids)))}
    return RecordDetail(record, session.get(Subject, record.subject_id), evidence, events, people)
