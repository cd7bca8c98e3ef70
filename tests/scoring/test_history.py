"""Assessments keep their date and catalog version: a later catalog never rewrites the past."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlmodel import select

from config import PROJECT_ROOT
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
    for _ in range(2):
        assert recompute(session, catalog, dt.date(2026, 11, 26), clock.now()) == 1
    session.commit()
    assert len(session.exec(select(Assessment)).all()) == 1


def test_editing_a_used_version_in_place_is_refused(session, make_subject, clock, tmp_path):
    folder = tmp_path / "rules" / "catalog"
    folder.mkdir(parents=True)
    copy = folder / BASELINE.name
    shutil.copy(BASELINE, copy)
    make_subject("firm")
    recompute(session, Catalog.load(tmp_path / "rules"), dt.date(2026, 1, 1), clock.now())
    copy.write_text(copy.read_text(encoding="utf-8").replace("listing_candidate_below: 40", "listing_candidate_below: 45"), encoding="utf-8")
    with pytest.raises(CatalogVersionChanged, match="2020.1"):
        recompute(session, Catalog.load(tmp_path / "rules"), dt.date(2026, 1, 2), clock.now())
