"""Import benchmark on PostgreSQL: `credit import records` against COPY of the same rows.

Writes N records (and N/5 subjects) in the exchange format (JSON Lines), imports the subjects,
then prints a table:
- COPY: the same records, already resolved to their subjects, written with COPY into the
  `record` table (the floor no import can beat: no parsing, checking, history or audit);
- import: `credit import records FILE` run as a command on the emptied table (parsing, checks,
  staging, set-based writes, history rows, audit events, reassessment, one commit);
- their ratio (target >= 0.3) and the import's peak memory (target < 1 GiB).

    .venv/bin/python bench/imports.py --rows 100000
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import PROJECT_ROOT  # noqa: E402
from credit.catalog.loader import Catalog  # noqa: E402
from credit.db import make_engine  # noqa: E402
from credit.migrate import upgrade  # noqa: E402
from credit.subjects.models import DISTRICTS, SUBJECT_KINDS  # noqa: E402
from credit.subjects.services import synthetic_uscc  # noqa: E402

from bench.scoring import fresh_database, run_credit  # noqa: E402

START = dt.date(2021, 1, 1)
LAST = dt.date(2026, 11, 1)


def write_files(folder: Path, catalog: Catalog, rows: int, seed: int) -> tuple[Path, Path]:
    """Subjects and records as another department sends them: types that fit each kind, spread dates."""
    rng = random.Random(seed)
    kinds, districts = list(SUBJECT_KINDS), list(DISTRICTS)
    rules = {kind: [r for r in catalog.versions[-1].rules if r.applies_to(kind)] for kind in kinds}
    count = max(1, rows // 5)
    subjects, records = folder / "subjects.jsonl", folder / "records.jsonl"
    with subjects.open("w", encoding="utf-8") as file:
        for i in range(count):
            district = districts[i % len(districts)]
            file.write(json.dumps({"uscc": synthetic_uscc(i, district), "name": f"淮南市测试{i}有限公司",
                                   "kind": kinds[i % len(kinds)], "district": district,
                                   "legal_representative": "张三"}, ensure_ascii=False) + "\n")
    days = (LAST - START).days
    with records.open("w", encoding="utf-8") as file:
        for i in range(rows):
            subject = rng.randrange(count)
            rule = rng.choice(rules[kinds[subject % len(kinds)]])
            decided = START + dt.timedelta(days=rng.randrange(days))
            file.write(json.dumps({
                "id": f"SAMR-{i}", "uscc": synthetic_uscc(subject, districts[subject % len(districts)]),
                "type": rule.code, "category": rule.category, "decision_date": decided.isoformat(),
                "document_no": f"淮市监知罚〔{decided.year}〕{i}号", "authority": "淮南市市场监督管理局",
                "status": "confirmed" if rng.random() < 0.95 else "revoked",
            }, ensure_ascii=False) + "\n")
    return subjects, records


def copy_floor(engine: sa.Engine, records: Path) -> float:
    """Seconds to COPY the file's records into `record`, resolved to subject ids beforehand."""
    with engine.connect() as conn:
        ids = dict(conn.execute(sa.text("SELECT uscc, id FROM subject")).all())
    rows = []
    with records.open(encoding="utf-8") as file:
        for text in file:
            r = json.loads(text)
            rows.append((r["id"], ids[r["uscc"]], r["type"], r["category"], dt.date.fromisoformat(r["decision_date"]),
                         r["document_no"], r["authority"], "", r["status"], ""))
    now = dt.datetime.now(dt.timezone.utc)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        started = time.perf_counter()
        with cur.copy("COPY record (external_id, subject_id, rule_code, category, decision_date, document_no, "
                      "authority, facts, status, status_reason, confirmed_at, created_at, updated_at) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, now, now, now))
        raw.commit()
        elapsed = time.perf_counter() - started
        cur.execute("TRUNCATE record RESTART IDENTITY CASCADE")
        raw.commit()
    finally:
        raw.close()
    return elapsed


def credit(env: dict, *args: str) -> tuple[float, float]:
    """Seconds and peak memory (MiB) of `credit ARGS`."""
    elapsed, peak, output = run_credit(env, *args)
    print(output.strip(), file=sys.stderr)
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="credit_bench_imports")
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()

    catalog = Catalog.load(PROJECT_ROOT / "rules")
    url = fresh_database(args.server, args.database)
    upgrade(url)
    engine = make_engine(url)
    with tempfile.TemporaryDirectory() as folder:
        print(f"writing {args.rows:,} records ...", file=sys.stderr)
        subjects, records = write_files(Path(folder), catalog, args.rows, args.seed)
        env = {**os.environ, "DATABASE_URL": url, "CREDIT_INSTANCE": folder}
        credit(env, "import", "subjects", str(subjects))
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
        copy_s = copy_floor(engine, records)
        import_s, peak_mib = credit(env, "import", "records", str(records))
    engine.dispose()

    print(f"{'measure':<34}{'value':>14}")
    print(f"{'records':<34}{args.rows:>14,}")
    print(f"{'COPY into record (rows/s)':<34}{args.rows / copy_s:>14,.0f}")
    print(f"{'credit import records (rows/s)':<34}{args.rows / import_s:>14,.0f}")
    print(f"{'ratio import / COPY (>= 0.3)':<34}{copy_s / import_s:>14.3f}")
    print(f"{'import peak memory MiB (< 1024)':<34}{peak_mib:>14,.0f}")


if __name__ == "__main__":
    main()
