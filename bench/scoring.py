"""Scoring benchmark on PostgreSQL: storage by change, the nightly run, and the import path.

The data is spread as the demo's (credit/demo.py): the same profiles, decision dates, record
types and statuses (revoked, repaired, objected to), thinned to the records asked for. It is
written as the exchange files subjects.jsonl and records.jsonl (DESIGN section 11) and loaded
with COPY into a fresh database. Then a table:
- floor: the counted records with per-type caps, summed per subject and written server-side into
  an unlogged table, by this script's own SQL from the catalog file (not the engine's queries);
  also in one process: PostgreSQL 15 gives a CREATE TABLE AS parallel workers on idle cores but
  no INSERT ... SELECT, so on an idle machine the floor gains what the engine cannot;
- full recompute (credit assess --full): the first (every row written), the next day's (every
  subject compared, the changes written) and their ratio to the floor (target <= 3);
- a simulated month: 30 nightly runs, 0.1 % of subjects getting a new or changed record each
  day: the median night and its ratio to the floor (target <= 0.25), the rows and bytes the
  assessment table grew by beside the (subject, day) pairs whose result changed, counted by this
  script's own SQL (target: equal), and the stored answers for a day inside the month against
  a recompute made that day, for a sample of 1,000 subjects;
- single-subject recompute p95 (target <= 10 ms) and an as-of lookup p95 (target <= 2 ms);
- `credit import records` of 1,000,000 rows of the records file (all of it when smaller) into a
  database holding the subjects: rows per second, ratio to COPY of the same rows into the same
  table (target >= 0.3), peak memory of the import (target < 1 GiB); each the median of five runs
  (--import-runs), with every run's figure beside it: on this machine one import of the same code
  took 47 to 62 s from run to run, and COPY 14 to 19 s.

    .venv/bin/python bench/scoring.py               # 1,000,000 subjects, 5,000,000 records
    .venv/bin/python bench/scoring.py --scale 0.1   # 100,000 subjects, 500,000 records
    .venv/bin/python bench/scoring.py --small       # --scale 0.02
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import PROJECT_ROOT  # noqa: E402
from credit.catalog.loader import Catalog  # noqa: E402
from credit.clock import LOCAL_TZ  # noqa: E402
from credit.db import make_engine  # noqa: E402
from credit.demo import (  # noqa: E402
    REVOKED_SHARE, disputable, findings, generate, issuer, repair_date, repairable, subject_row,
)
from credit.migrate import upgrade  # noqa: E402
from credit.scoring.engine import assessments_query, recompute, recompute_changed, scope_of_ids  # noqa: E402
from credit.scoring.queries import assessment_in_force  # noqa: E402
from sqlmodel import Session  # noqa: E402

AS_OF = dt.date(2026, 11, 26)
LOADED_AT = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)
MONTH = 30


def night(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(1, 0), LOCAL_TZ)


def daytime(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), LOCAL_TZ)


def timed(fn) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def fresh_database(server: str, name: str) -> str:
    admin = make_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = f"{server}/{name}"
    upgrade(url)
    return url


# ---------------------------------------------------------------------------------------------
# Data like the demo's, as exchange files and in the database


def demo_shares(today: dt.date) -> tuple[float, float, float]:
    """The demo's findings per subject, and its shares of repaired and objected-to findings."""
    data = generate(today)
    repairs = sum(repairable(r, today) for r in data.records)
    disputes = sum(disputable(r, today) and r["id"] not in data.repairs for r in data.records)
    return len(data.records) / len(data.subjects), len(data.repairs) / repairs, len(data.disputes) / disputes


def write_and_load(engine: sa.Engine, catalog: Catalog, folder: Path, subjects: int, records: int,
                   seed: int) -> int:
    """Write subjects.jsonl and records.jsonl and COPY the same rows (with local statuses) in; the records written."""
    per_subject, repair_share, dispute_share = demo_shares(AS_OF)
    keep = min(1.0, records / (subjects * per_subject))
    rng, registered = random.Random(seed), []  # (kind, uscc) by serial
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        with (folder / "subjects.jsonl").open("w", encoding="utf-8") as out, cur.copy(
                "COPY subject (id, uscc, name, kind, district, legal_representative, licence_no, created_at, updated_at) "
                "FROM STDIN") as copy:
            for serial in range(1, subjects + 1):
                row = subject_row(rng, serial)
                registered.append((row["kind"], row["uscc"]))
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                copy.write_row((serial, row["uscc"], row["name"], row["kind"], row["district"],
                                row["legal_representative"], row["licence_no"], LOADED_AT, LOADED_AT))
        written = 0
        with (folder / "records.jsonl").open("w", encoding="utf-8") as out, cur.copy(
                "COPY record (id, external_id, subject_id, rule_code, category, decision_date, document_no, authority, "
                "facts, status, repaired_on, status_reason, confirmed_at, created_at, updated_at) FROM STDIN") as copy:
            for serial, (kind, uscc) in enumerate(registered, 1):
                for day, sort, code in findings(rng, kind, AS_OF):
                    if rng.random() >= keep:
                        continue
                    written += 1
                    authority, prefix = issuer(code, sort)
                    row = {"id": f"HN-BENCH-{written:08d}", "uscc": uscc,
                           "type": code, "category": "", "decision_date": day.isoformat(),
                           "document_no": f"{prefix}〔{day.year}〕{written}号", "authority": authority,
                           "status": "revoked" if rng.random() < REVOKED_SHARE else "confirmed"}
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    status, repaired_on = row["status"], None
                    if repairable(row, AS_OF) and rng.random() < repair_share:
                        status, repaired_on = "repaired", repair_date(day, AS_OF)
                    elif disputable(row, AS_OF) and rng.random() < dispute_share:
                        status = "disputed"
                    copy.write_row((written, row["id"], serial, code, catalog.any_rule(code).category, day,
                                    row["document_no"], authority, "", status, repaired_on, "", LOADED_AT, LOADED_AT,
                                    LOADED_AT))
        cur.execute("SELECT setval('subject_id_seq', %s), setval('record_id_seq', %s)", (subjects, written))
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return written


# ---------------------------------------------------------------------------------------------
# This script's own SQL: the counted records of a date, from the catalog file


def catalog_rules(day: dt.date) -> list[dict]:
    """The rules of the version in force on ``day``, read from the YAML files as they are.

    A file ``based_on`` another states only the fields it changes of the rules it names by code
    (rules/catalog/README.md): its rules are its base's with those fields replaced, and a code
    the base lacks added.
    """
    versions = {v["version"]: v for v in (yaml.safe_load(path.read_text(encoding="utf-8"))
                                          for path in sorted((PROJECT_ROOT / "rules" / "catalog").glob("*.yaml")))}

    def rules(version: dict) -> dict[str, dict]:
        whole = dict(rules(versions[version["based_on"]])) if version.get("based_on") else {}
        for rule in version.get("rules", []):
            whole[rule["code"]] = {**whole.get(rule["code"], {}), **rule}
        return whole

    in_force = max((v for v in versions.values() if v["effective_from"] <= day), key=lambda v: v["effective_from"])
    return list(rules(in_force).values())


def load_rules(engine: sa.Engine, day: dt.date) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_rule"))
        conn.execute(sa.text("CREATE UNLOGGED TABLE bench_rule (code text PRIMARY KEY, kind text, points int, cap int, "
                             "window_years int)"))
        conn.execute(sa.text("INSERT INTO bench_rule VALUES (:code, :kind, :points, :cap, :window_years)"),
                     [{k: r.get(k) for k in ("code", "kind", "points", "cap", "window_years")} for r in catalog_rules(day)])


# A window of whole years from 29 February ends on 28 February: PostgreSQL's date arithmetic.
COUNTED = """
    FROM record r JOIN bench_rule b ON b.code = r.rule_code JOIN subject s ON s.id = r.subject_id
    WHERE (r.status IN ('confirmed', 'disputed') OR (r.status = 'repaired' AND r.repaired_on > :day))
      AND r.decision_date <= :day AND :day < (r.decision_date + make_interval(years => b.window_years))::date
      AND b.kind IN ('all', s.kind)"""
FLOOR = f"""CREATE UNLOGGED TABLE bench_floor AS
    SELECT subject_id, sum(CASE WHEN cap IS NULL THEN total WHEN total < 0 THEN greatest(total, cap)
                                ELSE least(total, cap) END) AS points
    FROM (SELECT r.subject_id, r.rule_code, sum(b.points) AS total, min(b.cap) AS cap {COUNTED}
          GROUP BY r.subject_id, r.rule_code) AS per_type
    GROUP BY subject_id"""
# Which records count for each subject: a result changes exactly when this does (no list entries here).
COUNTED_SET = f"""CREATE UNLOGGED TABLE {{name}} AS
    SELECT r.subject_id, count(*) AS n, sum(r.id::bigint) AS ids, sum(hashint4(r.id)::bigint) AS mix {COUNTED}
    GROUP BY r.subject_id"""


def floor(engine: sa.Engine, day: dt.date, parallel: bool = True) -> None:
    """The floor; ``parallel=False``: in one process, as PostgreSQL 15 runs any INSERT ... SELECT."""
    with engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL work_mem = '256MB'"))
        if not parallel:
            conn.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_floor"))
        conn.execute(sa.text(FLOOR), {"day": day})


def counted_sets(engine: sa.Engine, day: dt.date) -> int:
    """Store the counted set of ``day``; return how many subjects' sets differ from the previous one stored."""
    with engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL work_mem = '256MB'"))
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_counted_new"))
        conn.execute(sa.text(COUNTED_SET.format(name="bench_counted_new")), {"day": day})
        changed = 0
        if conn.scalar(sa.text("SELECT to_regclass('bench_counted') IS NOT NULL")):
            changed = conn.scalar(sa.text(
                "SELECT count(*) FROM bench_counted o FULL JOIN bench_counted_new n ON n.subject_id = o.subject_id "
                "WHERE (o.n, o.ids, o.mix) IS DISTINCT FROM (n.n, n.ids, n.mix)"))
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_counted"))
        conn.execute(sa.text("ALTER TABLE bench_counted_new RENAME TO bench_counted"))
    return changed


# ---------------------------------------------------------------------------------------------
# The engine


def full(engine: sa.Engine, catalog: Catalog, day: dt.date, now: dt.datetime) -> None:
    with Session(engine) as session:
        recompute(session, catalog, day, now)
        session.commit()


def table_size(engine: sa.Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (conn.scalar(sa.text("SELECT count(*) FROM assessment")),
                conn.scalar(sa.text("SELECT pg_total_relation_size('assessment')")))


def change_records(engine: sa.Engine, catalog: Catalog, rng: random.Random, subjects: int, share: float,
                   day: dt.date) -> None:
    """A day's work: some subjects get a new record decided that day, as many a record revoked or repaired."""
    touched = rng.sample(range(1, subjects + 1), max(2, round(subjects * share)))
    at = daytime(day).astimezone(dt.timezone.utc)
    rules = catalog.in_force(day).rules
    with engine.begin() as conn:
        kinds = dict(conn.execute(sa.text("SELECT id, kind FROM subject WHERE id = ANY(:ids)"), {"ids": touched[::2]}).all())
        conn.execute(sa.text(
            "INSERT INTO record (subject_id, rule_code, category, decision_date, document_no, authority, facts, status, "
            "status_reason, confirmed_at, created_at, updated_at) VALUES (:subject, :code, :category, :day, :number, "
            "'淮南市市场监督管理局', '', 'confirmed', '', :at, :at, :at)"),
            [{"subject": subject, "code": rule.code, "category": rule.category, "day": day, "at": at,
              "number": f"淮市监知罚〔{day.year}〕B{subject}号"}
             for subject in touched[::2] for rule in [rng.choice([r for r in rules if r.applies_to(kinds[subject])])]])
        conn.execute(sa.text(
            "UPDATE record SET status = CASE WHEN id % 2 = 0 THEN 'revoked' ELSE 'repaired' END, "
            "repaired_on = CASE WHEN id % 2 = 0 THEN NULL ELSE CAST(:day AS date) END, status_reason = '依法处理', "
            "updated_at = :at WHERE id IN (SELECT max(id) FROM record WHERE subject_id = ANY(:ids) "
            "AND status IN ('confirmed', 'disputed') GROUP BY subject_id)"),
            {"ids": touched[1::2], "day": day, "at": at})


def fresh_results(engine: sa.Engine, catalog: Catalog, day: dt.date, subject_ids: list[int]) -> dict[int, tuple]:
    """What a full recompute computes for these subjects on ``day``, nothing stored."""
    query = assessments_query(catalog.in_force(day), day, "postgresql", scope_of_ids("postgresql"))
    sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        rows = conn.execute(sa.text(sql), {"subject_ids": json.dumps(subject_ids)}).all()
    return {r.subject_id: (r.score, r.grade, r.tier, r.listed, r.explanation) for r in rows}


def simulated_month(engine: sa.Engine, catalog: Catalog, subjects: int, share: float, sample: int, seed: int) -> dict:
    rng = random.Random(seed)
    first = AS_OF + dt.timedelta(days=1)
    days = [first + dt.timedelta(days=1 + k) for k in range(MONTH)]
    counted_sets(engine, first)
    rows_before, bytes_before = table_size(engine)
    checked_day, checked = days[MONTH // 2], rng.sample(range(1, subjects + 1), min(sample, subjects))
    nights, recomputed, changed, expected = [], [], 0, {}
    for day in days:
        change_records(engine, catalog, rng, subjects, share, day - dt.timedelta(days=1))
        with Session(engine) as session:
            began = time.perf_counter()
            run = recompute_changed(session, catalog, day, night(day))
            session.commit()
            nights.append(time.perf_counter() - began)
            recomputed.append(run.subjects)
        changed += counted_sets(engine, day)
        if day == checked_day:
            expected = fresh_results(engine, catalog, day, checked)
        print(f"  night {day}: {nights[-1]:.2f} s, {run.subjects:,} recomputed, {run.written:,} written", file=sys.stderr)
    rows_after, bytes_after = table_size(engine)
    with Session(engine) as session:
        same = sum((a.score, a.grade, a.tier, a.listed, a.explanation) == expected[subject_id]
                   for subject_id in checked if (a := assessment_in_force(session, subject_id, checked_day)))
    return {"night": statistics.median(nights), "recomputed": statistics.median(recomputed), "rows": rows_after - rows_before,
            "bytes": bytes_after - bytes_before, "changed": changed, "checked_day": checked_day, "same": same,
            "checked": len(checked), "last_day": days[-1], "days": days}


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[94]


def singles(engine: sa.Engine, catalog: Catalog, subjects: int, day: dt.date, count: int, seed: int) -> list[float]:
    rng, times = random.Random(seed), []
    with Session(engine) as session:
        for i in range(count):
            subject_id = rng.randrange(subjects) + 1
            began = time.perf_counter()
            recompute(session, catalog, day, night(day) + dt.timedelta(hours=9, seconds=i), [subject_id])
            session.commit()
            times.append((time.perf_counter() - began) * 1000)
    return times


def lookups(engine: sa.Engine, subjects: int, days: list[dt.date], count: int, seed: int) -> list[float]:
    rng, times = random.Random(seed), []
    with Session(engine) as session:
        for _ in range(count):
            subject_id, day = rng.randrange(subjects) + 1, rng.choice(days)
            began = time.perf_counter()
            assessment_in_force(session, subject_id, day)
            times.append((time.perf_counter() - began) * 1000)
            session.expunge_all()
    return times


# ---------------------------------------------------------------------------------------------
# The import path


def copy_records(url: str, path: Path) -> float:
    """COPY the rows of a records file into the record table (resolving each USCC); the seconds taken."""
    engine = make_engine(url)
    with engine.connect() as conn:
        ids = dict(conn.execute(sa.text("SELECT uscc, id FROM subject")).all())
    catalog = Catalog.load(PROJECT_ROOT / "rules")
    raw = engine.raw_connection()
    try:
        began = time.perf_counter()
        cur = raw.cursor()
        with path.open(encoding="utf-8") as rows, cur.copy(
                "COPY record (external_id, subject_id, rule_code, category, decision_date, document_no, authority, facts, "
                "status, status_reason, confirmed_at, created_at, updated_at) FROM STDIN") as copy:
            for line in rows:
                r = json.loads(line)
                copy.write_row((r["id"], ids[r["uscc"]], r["type"], r["category"] or catalog.any_rule(r["type"]).category,
                                r["decision_date"], r["document_no"], r["authority"], "", r["status"], "", LOADED_AT,
                                LOADED_AT, LOADED_AT))
        raw.commit()
        seconds = time.perf_counter() - began
        cur.execute("TRUNCATE record RESTART IDENTITY CASCADE")
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    return seconds


def settle(url: str, patience: float = 300.0) -> None:
    """Bring the server to rest before a timed load, so that neither COPY nor the import pays for
    the other's (or the set-up's) leftovers, and the longer of the two is not the one that meets
    more of them:
    - VACUUM ANALYZE the database: autovacuum would otherwise vacuum the million subjects just
      loaded in the middle of a load (their inserts pass its threshold);
    - wait while autovacuum works anywhere on the server (after the month of nights it vacuums
      the scoring database for a minute or more, on one of the two cores);
    - CHECKPOINT: a checkpoint the server starts by itself after about max_wal_size of WAL (1 GB
      by default) would otherwise land in whichever load runs next."""
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline and conn.scalar(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")):
            time.sleep(1)
        conn.execute(sa.text("CHECKPOINT"))
    engine.dispose()


# What `credit import records` writes, emptied between two runs so that each starts from the same state.
IMPORT_WRITES = "record, record_event, audit_event, assessment, assessment_run"


def measure_import(server: str, name: str, folder: Path, rows: int, runs: int) -> dict:
    """COPY and then `credit import records` the first ``rows`` records into a database holding the
    subjects, ``runs`` times: the median of each and the spread. One run's figures move by 10 to 20 %
    on this machine (the same import took 34 to 44 s one day, 47 to 62 s another), with the moments at which the server
    writes its checkpoints."""
    url = fresh_database(server, name)
    sliced = folder / "records-import.jsonl"
    with (folder / "records.jsonl").open(encoding="utf-8") as source, sliced.open("w", encoding="utf-8") as out:
        count = sum(1 for line in itertools.islice(source, rows) if out.write(line))
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        with (folder / "subjects.jsonl").open(encoding="utf-8") as subjects, cur.copy(
                "COPY subject (uscc, name, kind, district, legal_representative, licence_no, created_at, updated_at) "
                "FROM STDIN") as copy:
            for line in subjects:
                s = json.loads(line)
                copy.write_row((s["uscc"], s["name"], s["kind"], s["district"], s["legal_representative"],
                                s["licence_no"], LOADED_AT, LOADED_AT))
        cur.execute("ANALYZE subject")
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    copies, imports, peak = [], [], 0.0
    for run in range(runs):
        print(f"  run {run + 1} of {runs}: COPY ...", file=sys.stderr)
        settle(url)
        copies.append(copy_records(url, sliced))
        print(f"  run {run + 1} of {runs}: credit import records ...", file=sys.stderr)
        settle(url)
        with tempfile.TemporaryDirectory(prefix="credit-bench-") as instance:
            env = {**os.environ, "DATABASE_URL": url, "CREDIT_INSTANCE": instance, "SECRET_KEY": "bench"}
            seconds, run_peak, _output = run_credit(env, "import", "records", str(sliced))
        imports.append(seconds)
        peak = max(peak, run_peak)
        if run + 1 < runs:
            engine = make_engine(url)
            with engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {IMPORT_WRITES} RESTART IDENTITY CASCADE"))
            engine.dispose()
    return {"rows": count, "copy": statistics.median(copies), "import": statistics.median(imports), "peak": peak,
            "copies": copies, "imports": imports}


def spread(seconds: list[float]) -> str:
    return f"runs {min(seconds):.1f} to {max(seconds):.1f} s"


def run_credit(env: dict, *args: str) -> tuple[float, float, str]:
    """Run `credit ARGS`: its seconds, its peak resident memory in MiB and its standard output; exit on failure.

    The peak is the most memory the process and its own children (an import's reading process)
    held at once: the sum of their proportional set sizes (Pss, which splits the pages a fork
    still shares between the two), read every 0.1 s while it runs. Adding up their high-water
    marks instead would count the shared pages twice. getrusage's maxrss of a child would also
    count this script's memory at the moment the child was started (849 MiB for an import whose
    own peak was 306 MiB).
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        began, peak = time.perf_counter(), 0
        process = subprocess.Popen([str(Path(sys.executable).parent / "credit"), *args], env=env, stdout=out,
                                   stderr=err, text=True)
        while process.poll() is None:
            time.sleep(0.1)  # the first reading comes after the exec: before it /proc shows this script
            try:
                children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
                peak = max(peak, sum(int(line.split()[1]) for pid in (process.pid, *children) for line in Path(
                    f"/proc/{pid}/smaps_rollup").read_text().splitlines() if line.startswith("Pss:")))
            except (FileNotFoundError, ProcessLookupError):
                pass
        seconds = time.perf_counter() - began
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"credit {' '.join(args)} failed:\n{err.read()[-2000:]}")
        return seconds, peak / 1024, out.read()


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="share of 1,000,000 subjects and 5,000,000 records")
    parser.add_argument("--small", action="store_true", help="--scale 0.02: 20,000 subjects, 100,000 records")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="credit_bench", help="dropped and created again (and NAME_import)")
    parser.add_argument("--data", type=Path, help="folder for subjects.jsonl and records.jsonl (default: a temporary one)")
    parser.add_argument("--daily-share", type=float, default=0.001, help="subjects with a new or changed record a day")
    parser.add_argument("--sample", type=int, default=1000, help="subjects whose as-of answers are checked")
    parser.add_argument("--singles", type=int, default=300, help="single-subject recomputes and as-of lookups to time")
    parser.add_argument("--import-rows", type=int, default=1_000_000, help="records imported with credit import")
    parser.add_argument("--import-runs", type=int, default=5, help="COPY and import runs, of which the medians are given")
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()
    scale = 0.02 if args.small else args.scale
    subjects, records = round(1_000_000 * scale), round(5_000_000 * scale)

    catalog = Catalog.load(PROJECT_ROOT / "rules")
    with tempfile.TemporaryDirectory(prefix="credit-bench-data-") as temporary:
        folder = args.data or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        url = fresh_database(args.server, args.database)
        engine = make_engine(url)
        print(f"writing and loading {subjects:,} subjects and about {records:,} records ...", file=sys.stderr)
        began = time.perf_counter()
        written = write_and_load(engine, catalog, folder, subjects, records, args.seed)
        load_s = time.perf_counter() - began

        load_rules(engine, AS_OF)
        floor(engine, AS_OF)  # warm the cache the same way for both
        floor_s = min(timed(lambda: floor(engine, AS_OF)) for _ in range(2))
        serial_s = min(timed(lambda: floor(engine, AS_OF, parallel=False)) for _ in range(2))
        print("full recomputes ...", file=sys.stderr)
        first_s = timed(lambda: full(engine, catalog, AS_OF, night(AS_OF)))
        rows_first, bytes_first = table_size(engine)
        next_day = AS_OF + dt.timedelta(days=1)
        full_s = timed(lambda: full(engine, catalog, next_day, night(next_day)))
        rows_next = table_size(engine)[0] - rows_first
        print("a simulated month of nightly runs ...", file=sys.stderr)
        month = simulated_month(engine, catalog, subjects, args.daily_share, args.sample, args.seed)
        single_p50, single_p95 = percentiles(singles(engine, catalog, subjects, month["last_day"], args.singles, args.seed))
        lookup_p50, lookup_p95 = percentiles(lookups(engine, subjects, month["days"], args.singles, args.seed))
        own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        engine.dispose()
        print(f"importing {min(args.import_rows, written):,} records with credit import ...", file=sys.stderr)
        imported = measure_import(args.server, f"{args.database}_import", folder, args.import_rows, args.import_runs)

    rows = [
        ("subjects / records", f"{subjects:,} / {written:,}"),
        ("write the exchange files and load them with COPY", f"{load_s:.1f} s"),
        ("floor: counted records, per-type caps, sum per subject, into an unlogged table", f"{floor_s:.2f} s"),
        ("full recompute, first (writes every subject's row)", f"{first_s:.2f} s ({rows_first:,} rows, "
                                                                 f"{bytes_first / 2**20:.0f} MiB)"),
        ("ratio first full / floor", f"{first_s / floor_s:.2f}"),
        ("full recompute, next day (compares everyone, writes the changes)", f"{full_s:.2f} s ({rows_next:,} rows)"),
        ("ratio full / floor (target <= 3)", f"{full_s / floor_s:.2f}"),
        ("floor in one process (no parallel workers: none serve an INSERT ... SELECT)", f"{serial_s:.2f} s"),
        ("ratio full / floor in one process", f"{full_s / serial_s:.2f}"),
        (f"month of {MONTH} nights, {args.daily_share:.1%} of subjects changed a day: median night",
         f"{month['night']:.3f} s ({month['recomputed']:,.0f} subjects recomputed)"),
        ("ratio median night / floor (target <= 0.25)", f"{month['night'] / floor_s:.3f}"),
        ("assessment table grew by over the month", f"{month['rows']:,} rows, {month['bytes'] / 2**20:.1f} MiB"),
        ("(subject, day) pairs whose result changed (target: = rows)", f"{month['changed']:,}"),
        (f"as of {month['checked_day']} equals a recompute made that day", f"{month['same']:,} of {month['checked']:,}"),
        ("single-subject recompute p50 / p95 (target p95 <= 10 ms)", f"{single_p50:.2f} / {single_p95:.2f} ms"),
        ("as-of lookup of one subject p50 / p95 (target p95 <= 2 ms)", f"{lookup_p50:.2f} / {lookup_p95:.2f} ms"),
        (f"credit import records, {imported['rows']:,} rows (median of {len(imported['imports'])} runs)",
         f"{imported['rows'] / imported['import']:,.0f} rows/s ({imported['import']:.1f} s; {spread(imported['imports'])})"),
        ("COPY of the same rows into the same table (median)",
         f"{imported['rows'] / imported['copy']:,.0f} rows/s ({imported['copy']:.1f} s; {spread(imported['copies'])})"),
        ("ratio import / COPY (target >= 0.3), of the medians",
         f"{imported['copy'] / imported['import']:.3f} (run by run: "
         f"{', '.join(f'{c / i:.3f}' for c, i in zip(imported['copies'], imported['imports']))})"),
        ("peak memory of the import and its reading process (target < 1 GiB) / of this script", f"{imported['peak']:.0f} / {own_peak:.0f} MiB"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
