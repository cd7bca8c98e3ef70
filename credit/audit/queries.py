"""Reading the audit log: filtered, newest first, one page at a time."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from credit.audit.models import AuditEvent
from credit.clock import LOCAL_TZ
from credit.paging import Page, paginate


@dataclass
class EventFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None  # Huainan calendar dates, both ends included
    date_to: dt.date | None = None


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), LOCAL_TZ).astimezone(dt.timezone.utc)


def _conditions(f: EventFilter) -> list:
    conditions = []
    if f.actor:
        conditions.append(AuditEvent.actor == f.actor)
    if f.action:
        conditions.append(AuditEvent.action == f.action)
    if f.object_type:
        conditions.append(AuditEvent.object_type == f.object_type)
    if f.object_id:
        conditions.append(AuditEvent.object_id == f.object_id)
    # The first and the last date there is bound nothing (and their bounds overflow a datetime).
    if f.date_from and f.date_from > dt.date.min:
        conditions.append(AuditEvent.at >= _local_midnight(f.date_from))
    if f.date_to and f.date_to < dt.date.max:
        conditions.append(AuditEvent.at < _local_midnight(f.date_to + dt.timedelta(days=1)))
    return conditions


def search_events(session: Session, f: EventFilter, page: int = 1, per_page: int = 50) -> Page[AuditEvent]:
    query = select(AuditEvent).where(*_conditions(f)).order_by(AuditEvent.id.desc())
    return paginate(session, query, page, per_page)


def distinct_values(session: Session, column) -> list[str]:
    """The values a filter can take (actions, object types), for the filter form's choices."""
    return list(session.exec(select(column).distinct().order_by(column)))
