"""The public credit query (DESIGN section 2: the public queries a subject's grade by name or USCC).

Published facts only: name, USCC, kind, district, grade, tier, whether on the published list and
the assessment date, as plain dataclasses that a page and the JSON API both render. No records,
drafts, evidence, officers or internal ids.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from credit.catalog.services import stored_version
from credit.errors import InvalidInput
from credit.paging import Page, paginate
from credit.search import contains
from credit.scoring.queries import assessment_in_force
from credit.subjects.models import Subject
from credit.subjects.services import validate_uscc

MIN_NAME_LENGTH = 2
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class PublicSubject:
    name: str
    uscc: str
    kind: str
    district: str
    grade: str | None  # None: not assessed yet
    tier: str | None  # the tier's label, e.g. 关注
    listed: bool  # on the published serious-dishonesty list (what the grade follows)
    assessed_on: dt.date | None


def _is_uscc(text: str) -> str | None:
    try:
        return validate_uscc(text)
    except InvalidInput:
        return None


def query_subjects(session: Session, text: str, today: dt.date, page: int = 1, per_page: int = 20) -> Page[PublicSubject]:
    """Subjects whose USCC is ``text`` exactly, or whose name contains it (at least 2 characters)."""
    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    uscc = _is_uscc(text) if len(text) == 18 else None
    if uscc is not None:
        query = select(Subject).where(Subject.uscc == uscc)
    elif len(text) >= MIN_NAME_LENGTH:
        query = select(Subject).where(contains(Subject.name, text, "q"))
    else:
        raise InvalidInput(f"请输入完整的统一社会信用代码，或名称中的至少 {MIN_NAME_LENGTH} 个字",
                           f"enter a full USCC, or at least {MIN_NAME_LENGTH} characters of the name", "q")
    found = paginate(session, query.order_by(Subject.name, Subject.id), page, per_page)
    versions: dict = {}
    rows = []
    for subject in found.items:
        assessment = assessment_in_force(session, subject.id, today)
        tier = None
        if assessment is not None:
            if assessment.catalog_version not in versions:
                versions[assessment.catalog_version] = stored_version(session, assessment.catalog_version)
            tier = versions[assessment.catalog_version].tier_for(assessment.grade).label
        rows.append(PublicSubject(subject.name, subject.uscc, subject.kind, subject.district,
                                  assessment.grade if assessment else None, tier,
                                  bool(assessment and assessment.listed), assessment.valid_from if assessment else None))
    return Page(rows, found.number, found.per_page, found.total)
