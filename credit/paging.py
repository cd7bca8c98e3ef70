"""One page of a query's results, for every paged list (registry, audit log, ...)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def paginate(session: Session, query: Any, number: int, per_page: int) -> Page:
    """Page ``number`` (clamped to the pages there are) of an ordered select."""
    total = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    number = min(max(1, number), max(1, math.ceil(total / per_page)))
    items = list(session.exec(query.offset((number - 1) * per_page).limit(per_page)))
    return Page(items, number, per_page, total)
