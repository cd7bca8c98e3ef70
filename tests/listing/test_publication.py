"""Versioned publication: immutable numbered versions whose files verify against index.json, the
same bytes for the same data, atomic, one version from two publishers; D follows publication."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import threading

import pytest
from sqlmodel import select

from credit.audit.actor import Actor
from credit.listing import publication
from credit.listing.models import ListEntry, ListVersion
from credit.listing.services import expire_entries
from credit.scoring.queries import assessment_in_force
from credit.scoring.services import reassess
from credit.clock import FixedClock
from tests.listing.conftest import at

PUBLISHER = Actor(None, "publisher-test")


def _files(terms, version) -> dict[str, bytes]:
    return {f["name"]: publication.read_file(terms, version, f["name"]) for f in publication.version_files(version)}


def test_a_version_has_every_file_and_each_verifies_against_its_index(session, terms, decided):
    _, entry = decided()
    version = publication.publish(session, terms, PUBLISHER, at(2026, 10, 20), dt.date(2026, 10, 20))
    session.commit()
    files = _files(terms, version)
    assert set(files) == {"index.json", "list.csv", "list.json", "list.pdf", "delta.json"}
    index = json.loads(files["index.json"])
    assert (index["version"], index["count"], index["as_of"]) == (1, 1, "2026-10-20")
    for item in index["files"]:
        assert hashlib.sha256(files[item["name"]]).hexdigest() == item["sha256"]
        assert len(files[item["name"]]) == item["size"]
    rows = json.loads(files["list.json"])
    assert [r["id"] for r in rows] == [entry.id] and rows[0]["authority"] == terms.authority
    assert files["list.pdf"].startswith(b"%PDF") and b"FontFile2" in files["list.pdf"]  # fonts embedded
    delta = json.loads(files["delta.json"])
    assert [r["id"] for r in delta["added"]] == [entry.id] and delta["removed"] == delta["changed"] == []
    assert session.get(ListEntry, entry.id).first_published_on == dt.date(2026, 10, 20)


def test_the_csv_has_a_bom_chinese_headers_and_no_formulas(session, terms, make_subject, penalised, decided):
    subject = make_subject(kind="patent_agency", name="=HYPERLINK(\"http://x\")代理所")
    decided(penalised(subject=subject))
    version = publication.publish(session, terms, PUBLISHER, at(2026, 10, 20), dt.date(2026, 10, 20))
    data = _files(terms, version)["list.csv"]
    assert data.startswith("\ufeff".encode())
    header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[:3] == ["名单编号", "名称", "统一社会信用代码"]
    assert row[1].startswith("'=HYPERLINK")


def test_the_same_data_gives_the_same_bytes_and_no_change_publishes_nothing(session, terms, decided):
    decided()
    rows = publication.published_rows(session)
    first, _ = publication.build_files(session, terms, 1, dt.date(2026, 10, 20), at(2026, 10, 20), rows, None)
    again, _ = publication.build_files(session, terms, 1, dt.date(2026, 10, 20), at(2026, 10, 20),
                                       publication.published_rows(session), None)
    assert first == again
    version = publication.publish(session, terms, PUBLISHER, at(2026, 10, 20), dt.date(2026, 10, 20))
    assert _files(terms, version) == first
    session.commit()
    assert publication.publish(session, terms, PUBLISHER, at(2026, 10, 27), dt.date(2026, 10, 27)) is None
    assert [v.number for v in publication.versions(session)] == [1]
    # A later version with the same entries has the same list files, byte for byte.
    later, _ = publication.build_files(session, terms, 2, dt.date(2026, 11, 3), at(2026, 11, 3),
                                       publication.published_rows(session), rows)
    assert later["list.csv"] == first["list.csv"] and later["list.json"] == first["list.json"]


def test_the_next_version_has_the_delta_and_a_removed_entry_leaves_the_list(session, terms, decided, penalised):
    _, kept = decided()
    _, going = decided(penalised())
    publication.publish(session, terms, PUBLISHER, at(2026, 10, 20), dt.date(2026, 10, 20))
    going.planned_removal_on = dt.date(2026, 11, 20)  # as if its period ended
    session.add(going)
    expire_entries(session, terms, PUBLISHER, at(2026, 11, 20, 3))
    session.commit()
    version = publication.latest_version(session)
    delta = json.loads(publication.read_file(terms, version, "delta.json"))
    assert (version.number, version.entry_count, version.removed) == (2, 1, 1)
    assert [r["id"] for r in delta["removed"]] == [going.id] and delta["removed"][0]["removed_on"] == "2026-11-20"
    assert [r["id"] for r in publication.version_rows(terms, version)] == [kept.id]
    assert session.get(ListEntry, going.id).removal_published_on == dt.date(2026, 11, 20)


def test_the_grade_is_d_from_first_publication_until_the_removal_is_published(session, ctx, terms, decided):
    _, entry = decided()
    catalog = ctx.catalog

    def grade(day: dt.date) -> str:
        reassess(session, FixedClock(at(2026, 11, 26)), catalog=catalog, subject_ids=[entry.subject_id], as_of=day,
                 reason="test")
        return assessment_in_force(session, entry.subject_id, day).grade

    assert grade(dt.date(2026, 10, 19)) != "D"  # decided on 10-13, not yet published
    publication.publish(session, terms, PUBLISHER, at(2026, 10, 20), dt.date(2026, 10, 20))
    assert assessment_in_force(session, entry.subject_id, dt.date(2026, 10, 20)).grade == "D"  # re-graded on publication
    assert grade(dt.date(2026, 10, 19)) != "D" and grade(dt.date(2026, 11, 1)) == "D"
    entry.status, entry.removed_on = "removed", dt.date(2026, 11, 2)  # decided, not yet published
    session.add(entry)
    assert grade(dt.date(2026, 11, 3)) == "D"
    publication.publish(session, terms, PUBLISHER, at(2026, 11, 4), dt.date(2026, 11, 4))
    assert grade(dt.date(2026, 11, 3)) == "D" and assessment_in_force(session, entry.subject_id, dt.date(2026, 11, 26)).grade != "D"


@pytest.mark.parametrize("step", ["list_csv", "list_json", "list_pdf", "delta_json", "store-1", "store-3", "store-5",
                                  "record_event"])
def test_a_failure_at_any_step_leaves_no_version_and_no_file(session, terms, decided, stored_files, monkeypatch,
                                                             step):
    _, entry = decided()
    before = stored_files()

    def boom(*_args, **_kwargs):
        raise RuntimeError(f"injected failure at {step}")

    if step.startswith("store-"):
        failing, real, calls = int(step[-1]), terms.notices.files.store, []

        def store(session_, data):
            calls.append(1)
            if len(calls) == failing:
                boom()
            return real(session_, data)

        monkeypatch.setattr(terms.notices.files, "store", store)
    else:
        monkeypatch.setattr(publication, step, boom)
    with pytest.raises(RuntimeError, match="injected"):
        publication.publish(session, terms, PUBLISHER, at(2026, 10, 20), dt.date(2026, 10, 20))
    session.rollback()
    assert session.exec(select(ListVersion)).all() == []
    assert stored_files() == before
    assert session.get(ListEntry, entry.id).first_published_on is None


def test_two_publishers_at_once_make_one_version(app, session, ctx, decided):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL only (SQLite serialises whole transactions)")
    decided()
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        with app.app_context():
            from credit.listing.terms import current_terms

            terms = current_terms()
            with ctx.sessions() as own:
                try:
                    barrier.wait()
                    results.append(publication.publish(own, terms, PUBLISHER, at(2026, 10, 20), dt.date(2026, 10, 20)))
                    own.commit()
                except Exception as error:  # noqa: BLE001 - reported below
                    errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(r is None for r in results) == [False, True]
    session.expire_all()
    assert [v.number for v in session.exec(select(ListVersion))] == [1]
