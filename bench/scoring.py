"""Scoring benchmark on PostgreSQL: full recompute against the floor of a bare aggregate query.

Loads N subjects and M records with COPY into a fresh database, then prints a table:
- full recompute: every subject's assessment as of a date, written with its explanation
  (first for a new date, then again for the same date, which replaces every row);
- floor: the bare aggregate over the same rows (the counted-records filter and a SUM per
  subject, nothing written): no recompute can beat it;
- their ratio; single-subject recompute p50/p95; peak memory of this process.
Targets (issue 2): ratio <= 3, single-subject p95 <= 10 ms, peak memory < 1 GiB.

    .venv/bin/python bench/scoring.py            # 1,000,000 subjects, 5,000,000 records
    .venv/bin/python bench/scoring.py --small    # 20,000 subjects, 100,000 records
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import PROJECT_ROOT  # noqa: E402
from credit.catalog.loader import Catalog  # noqa: E402
from credit.db import make_engine  # noqa: E402
from credit.migrate import upgrade  # noqa: E402
from credit.scoring.engine import counted_query, recompute  # noqa: E402
from credit.subjects.models import DISTRICTS, SUBJECT_KINDS  # noqa: E402
from credit.subjects.services import synthetic_uscc  # noqa: E402
from sqlmodel import Session  # noqa: E402

AS_OF = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.timezone.utc)


def fresh_database(server: str, name: str) -> str:
    admin = make_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server}/{name}"


def load(engine: sa.Engine, catalog: Catalog, subjects: int, records: int, seed: int) -> None:
    rng = random.Random(seed)
    kinds, districts = list(SUBJECT_KINDS), list(DISTRICTS)
    codes_by_kind = {
        kind: [r.code for r in catalog.versions[-1].rules if r.applies_to(kind)] for kind in kinds
    }
    kind_of = [kinds[i % 3] for i in range(subjects)]
    start, days = dt.date(2022, 1, 1), (AS_OF - dt.date(2022, 1, 1)).days
    stamp = NOW.isoformat()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy("COPY subject (id, uscc, name, kind, district, legal_representative, created_at, updated_at) FROM STDIN") as copy:
            for i in range(subjects):
                district = districts[i % len(districts)]
                copy.write_row((i + 1, synthetic_uscc(i, district), f"主体{i}", kind_of[i], district, "张三", stamp, stamp))
        with cur.copy("COPY record (id, subject_id, rule_code, category, decision_date, document_no, authority, facts, status, status_reason, created_at, updated_at) FROM STDIN") as copy:
            for i in range(records):
                subject = rng.randrange(subjects)
                status = "confirmed" if rng.random() < 0.93 else rng.choice(("revoked", "disputed", "draft"))
                decided = start + dt.timedelta(days=rng.randrange(days))
                copy.write_row((i + 1, subject + 1, rng.choice(codes_by_kind[kind_of[subject]]), "patent", decided,
                                f"淮市监知罚〔{decided.year}〕{i}号", "淮南市市场监督管理局", "", status, "", stamp, stamp))
        cur.execute("SELECT setval('subject_id_seq', %s), setval('record_id_seq', %s)", (subjects, records))
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def timed(fn) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--small", action="store_true", help="20,000 subjects and 100,000 records")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="credit_bench")
    parser.add_argument("--singles", type=int, default=300, help="single-subject recomputes to time")
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()
    if args.small:
        args.subjects, args.records = 20_000, 100_000

    catalog = Catalog.load(PROJECT_ROOT / "rules")
    url = fresh_database(args.server, args.database)
    upgrade(url)
    engine = make_engine(url)
    print(f"loading {args.subjects:,} subjects and {args.records:,} records with COPY ...", file=sys.stderr)
    load_s = timed(lambda: load(engine, catalog, args.subjects, args.records, args.seed))

    version = catalog.in_force(AS_OF)
    counted = counted_query(version, AS_OF, "postgresql").subquery()
    floor_sql = sa.select(counted.c.subject_id, sa.func.sum(counted.c.points)).group_by(counted.c.subject_id)

    def floor():
        with engine.connect() as conn:
            conn.execute(floor_sql).all()

    def full():
        with Session(engine) as session:
            recompute(session, catalog, AS_OF, NOW)
            session.commit()

    floor()  # warm the cache the same way for both
    floor_s = min(timed(floor) for _ in range(2))
    full_s = timed(full)  # the nightly case: a new date, nothing to replace
    rerun_s = timed(full)  # the same date again: every row replaced

    rng = random.Random(args.seed)
    singles = []
    with Session(engine) as session:
        for _ in range(args.singles):
            subject_id = rng.randrange(args.subjects) + 1
            began = time.perf_counter()
            recompute(session, catalog, AS_OF, NOW, [subject_id])
            session.commit()
            singles.append((time.perf_counter() - began) * 1000)
    with engine.connect() as conn:
        written = conn.scalar(sa.text("SELECT count(*) FROM assessment WHERE as_of = :d"), {"d": AS_OF})
        contributions = conn.scalar(sa.text(
            "SELECT sum(json_array_length(CAST(explanation AS json))) FROM assessment WHERE as_of = :d"), {"d": AS_OF})
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    quantiles = statistics.quantiles(singles, n=100)

    rows = [
        ("subjects / records", f"{args.subjects:,} / {args.records:,}"),
        ("load with COPY", f"{load_s:.1f} s"),
        ("assessments written / records they explain", f"{written:,} / {contributions:,}"),
        ("floor: bare aggregate query", f"{floor_s:.2f} s"),
        ("full recompute, new date (writes every assessment)", f"{full_s:.2f} s"),
        ("ratio full / floor (target <= 3)", f"{full_s / floor_s:.2f}"),
        ("full recompute, same date again (replaces every row)", f"{rerun_s:.2f} s"),
        ("ratio rerun / floor", f"{rerun_s / floor_s:.2f}"),
        ("single-subject recompute p50", f"{quantiles[49]:.2f} ms"),
        ("single-subject recompute p95 (target <= 10 ms)", f"{quantiles[94]:.2f} ms"),
        ("peak memory of this process (target < 1 GiB)", f"{peak_mib:.0f} MiB"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
