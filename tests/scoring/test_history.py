"""Assessments keep their date and catalog version: a later catalog never rewrites the past."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from sqlmodel import select

from config import PROJECT_ROOT
from credit.audit.models import AuditEvent
from credit.catalog.loader import Catalog
from credit.catalog.services import CatalogVersionChanged, stored_version
from credit.scoring.engine import recompute
from credit.scoring.models import Assessment
from credit.scoring.queries import assessment_in_force

BASELINE = PROJECT_ROOT / "rules" / "catalog" / "2020-01-01-baseline.yaml"


@pytest.fixture
def two_versions(tmp_path):
    folder = tmp_path / "rules" / "catalog"
    folder.mkdir(parents=True)
    shutil.copy(BASELINE, folder / BASELINE.name)
    text = BASELINE.read_text(encoding="utf-8")
    newer = text.replace('version: "2020.1"', 'version: "2026.1"').replace(
        "effective_from: 2020-01-01", "effective_from: 2026-07-01"
    ).replace("behaviour: 警告或罚款（专利代理条例第25条）\n    points: -20", "behaviour: 警告或罚款（专利代理条例第25条）\n    points: -25")
    assert newer.count("points: -25") == 1
    (folder / "2026-07-01.yaml").write_text(newer, encoding="utf-8")
    return Catalog.load(tmp_path / "rules")


def test_each_date_uses_the_version_in_force(session, make_subject, make_record, clock, two_versions):
    subject = make_subject("patent_agency")
    make_record(subject, "PA-PENALTY", dt.date(2025, 3, 1))
    recompute(session, two_versions, dt.date(2026, 6, 30), clock.now())
    recompute(session, two_versions, dt.date(2026, 7, 1), clock.now())
    session.commit()
    rows = session.exec(select(Assessment).where(Assessment.subject_id == subject.id).order_by(Assessment.valid_from)).all()
    assert [(a.valid_from, a.catalog_version, a.score, a.grade) for a in rows] == [
        (dt.date(2026, 6, 30), "2020.1", 80, "B"),
        (dt.date(2026, 7, 1), "2026.1", 75, "C"),
    ]
    # The stored copy of the version explains the old assessment exactly as it was.
    assert stored_version(session, "2020.1").rule("PA-PENALTY").points == -20
    assert assessment_in_force(session, subject.id, dt.date(2026, 11, 26)).valid_from == dt.date(2026, 7, 1)
    assert assessment_in_force(session, subject.id, dt.date(2026, 6, 30)).score == 80


def test_recompute_of_the_same_date_writes_nothing_new(session, make_subject, make_record, clock):
    catalog = Catalog.load(PROJECT_ROOT / "rules")
    subject = make_subject("firm")
    make_record(subject, "FM-INFRINGE", dt.date(2025, 3, 1))
    # (subjects assessed, rows written): the second run assesses the subject and writes nothing.
    assert [recompute(session, catalog, dt.date(2026, 11, 26), clock.now()) for _ in range(2)] == [(1, 1), (1, 0)]
    session.commit()
    assert len(session.exec(select(Assessment)).all()) == 1


@pytest.fixture
def used_copy(session, make_subject, make_record, clock, tmp_path):
    """A copy of the baseline alone, used for a firm's assessment as of 2026-01-01; returns (file, firm)."""
    folder = tmp_path / "rules" / "catalog"
    folder.mkdir(parents=True)
    copy = folder / BASELINE.name
    shutil.copy(BASELINE, copy)
    firm = make_subject("firm")
    make_record(firm, "FM-INFRINGE", dt.date(2025, 3, 1), category="trademark")
    recompute(session, Catalog.load(tmp_path / "rules"), dt.date(2026, 1, 1), clock.now())
    session.commit()
    return copy, firm


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("old, new, field", [
    ("listing_candidate_below: 40", "listing_candidate_below: 45", "listing_candidate_below"),
    ("behaviour: 警告或罚款（专利代理条例第25条）\n    points: -20", "behaviour: 警告或罚款（专利代理条例第25条）\n    points: -25",
     "PA-PENALTY.points"),
    ("    cap: -15\n    window_years: 1\n", "    cap: -15\n    window_years: 2\n", "PA-RECTIFY.window_years"),
], ids=["setting", "points", "window"])
def test_editing_what_makes_a_score_in_a_used_version_is_refused(session, clock, used_copy, old, new, field):
    copy, _firm = used_copy
    edit(copy, old, new)
    with pytest.raises(CatalogVersionChanged, match=f"2020.1.*{field}"):
        recompute(session, Catalog.load(copy.parent.parent), dt.date(2026, 1, 2), clock.now())


def test_a_citation_erratum_in_a_used_version_is_accepted_and_changes_no_score(session, clock, used_copy):
    copy, firm = used_copy
    before = assessment_in_force(session, firm.id, dt.date(2026, 1, 1))
    old = stored_version(session, "2020.1").rule("FM-INFRINGE").reference
    edit(copy, old, "《中华人民共和国商标法》第六十条第二款（勘误）")
    recompute(session, Catalog.load(copy.parent.parent), dt.date(2026, 1, 1), clock.now())
    session.commit()

    after = assessment_in_force(session, firm.id, dt.date(2026, 1, 1))
    assert (after.score, after.grade, after.catalog_version) == (before.score, before.grade, "2020.1") == (80, "B", "2020.1")
    # Old assessments are now explained with the corrected citation; the audit log keeps the old one.
    assert stored_version(session, "2020.1").rule("FM-INFRINGE").reference == "《中华人民共和国商标法》第六十条第二款（勘误）"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "catalog.erratum")).one()
    data = json.loads(event.data)
    assert data["version"] == "2020.1" and data["from_sha256"] != data["to_sha256"]
    assert data["changes"] == [{"rule": "FM-INFRINGE", "field": "reference", "old": old,
                                "new": "《中华人民共和国商标法》第六十条第二款（勘误）"}]
    # Registering the corrected version again changes nothing more.
    recompute(session, Catalog.load(copy.parent.parent), dt.date(2026, 1, 2), clock.now())
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "catalog.erratum")).all()) == 1


def test_what_a_record_may_be_entered_with_is_an_erratum_too(session, clock, used_copy):
    """A version stored before categories and evidence were in the catalog takes them without a new version."""
    copy, firm = used_copy
    edit(copy, "    categories: [general, trademark, copyright, gi]\n",
         "    categories: [general, trademark, copyright, gi, patent]\n    evidence_required: true\n")
    recompute(session, Catalog.load(copy.parent.parent), dt.date(2026, 1, 1), clock.now())
    rule = stored_version(session, "2020.1").rule("FM-INFRINGE")
    assert rule.evidence_required and "patent" in rule.categories
    assert assessment_in_force(session, firm.id, dt.date(2026, 1, 1)).score == 80
