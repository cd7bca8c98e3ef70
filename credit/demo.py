"""`credit demo`: realistic, deterministic demo data for Huainan.

A seeded generator draws a few hundred subjects across the seven districts and three kinds, and
a few thousand records from 2022 to today in proportions after the national Blue Sky figures
(DESIGN section 8: 2,950 interviews, 1,095 rectification orders, 330 cases, 182 penalties):
many light findings, fewer penalties, a few serious ones, some honours. The data goes in through
the import services (audit events and all), a few records are then disputed or repaired through
the record life cycle, and everyone is assessed at the end of each of the last twelve months and
as of today. Each subject carries a registration date before its first finding (most before 2022,
some since). The same seed and date give the same data. It is one
transaction: a demo that fails half-way leaves nothing, so ``--if-empty`` loads it whole on the next try.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from credit.accounts.demo import create_demo_users
from credit.audit.actor import Actor
from credit.catalog.loader import Catalog
from credit.clock import FixedClock
from credit.context import current, db
from credit.dates import Period
from credit.exchange.formats import SourceRow
from credit.exchange.services import ImportJob, Rejection, import_records, import_subjects
from credit.i18n import bilingual, chinese
from credit.records.models import Record
from credit.records.services import transition
from credit.scoring.models import Assessment
from credit.scoring.services import reassess
from credit.signals import demo_loaded
from credit.scoring.queries import in_force
from credit.subjects.models import DISTRICTS, Subject
from credit.subjects.services import synthetic_uscc

SEED = 20220601
SUBJECTS = 360
FIRST_DAY = dt.date(2022, 1, 1)
# The campaign's first years brought twice the interviews and rectification orders of later ones.
CAMPAIGN_PEAK_END = dt.date(2023, 12, 31)
# Registration dates: most subjects were registered before the data starts, some since.
REGISTERED_FROM = dt.date(2005, 1, 1)
REGISTERED_SINCE_SHARE = 0.15
CITY_BUREAU = "淮南市市场监督管理局"
DEMO = Actor(None, "demo")

# Tianjia'an is the city centre; the counties have the food and farm firms.
DISTRICT_WEIGHTS = {"340403": 30, "340402": 10, "340404": 12, "340405": 6, "340406": 10, "340421": 16, "340422": 16}
KIND_WEIGHTS = {"firm": 66, "patent_agency": 19, "trademark_agency": 15}
NAME_FIRST = "金银华泰恒宏瑞丰鑫盛达聚诚信安康博远创新"
NAME_SECOND = "源科锐淮舜楚淝寿凤洞泉湖峰阳晟辉德润通"
BUSINESS = {
    "patent_agency": ("专利代理事务所（普通合伙）", "知识产权代理有限公司", "专利事务所有限公司"),
    "trademark_agency": ("商标代理有限公司", "知识产权服务有限公司", "商标事务所有限公司"),
    "firm": ("煤矿机械有限公司", "新材料科技有限公司", "食品有限公司", "电子科技有限公司", "生物科技有限公司",
             "化工有限公司", "豆制品有限公司", "农业科技股份有限公司", "建材有限公司", "医药有限公司"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚",
         "建国", "海燕", "志强", "秀英", "文华", "晓东", "春梅", "国庆")

# Light findings (interview or rectification), penalties, serious findings and honours, per kind.
LIGHT = {
    "patent_agency": {"PA-RECTIFY": 24, "PA-ABNORMAL-FILING": 2, "PA-SOLICIT": 1},
    "trademark_agency": {"TA-MALICIOUS-AGENCY": 3, "TA-SOLICIT": 1},
    "firm": {"FM-ABNORMAL-FILING": 3, "FM-MALICIOUS-TM": 2},
}
PENALTY = {
    "patent_agency": {"PA-PENALTY": 4, "PA-ABNORMAL-OP": 2, "PA-VOLUME": 1, "ANY-FALSE-COMMITMENT": 1},
    "trademark_agency": {"TA-PENALTY": 4, "ANY-FALSE-MATERIAL": 1},
    "firm": {"FM-INFRINGE": 4, "FM-COUNTERFEIT-PATENT": 2, "FM-GI-MISUSE": 1, "ANY-FALSE-MATERIAL": 1,
             "ANY-FALSE-COMMITMENT": 1},
}
SERIOUS = {
    "patent_agency": {"PA-CERT-RENT": 3, "PA-STOP-NEW": 1},
    "trademark_agency": {"TA-FORGERY": 2, "TA-SUSPENDED": 1},
    "firm": {"FM-REPEAT-INFRINGE": 3, "ANY-REFUSE-EXECUTION": 1},
}
HONOUR = {"ANY-HONOUR": 1, "ANY-DEMONSTRATION": 2}
REVOKED_SHARE = 0.02  # of the findings sent, later revoked by their sender


@dataclass(frozen=True)
class Profile:
    """How a subject behaves: findings per year of each sort, and how many serious ones."""

    weight: int
    light: float
    penalty: float
    serious: int
    honour: float


PROFILES = {
    "exemplary": Profile(11, 0.3, 0.0, 0, 0.9),
    "clean": Profile(32, 0.5, 0.01, 0, 0.05),
    "minor": Profile(30, 1.2, 0.05, 0, 0.05),
    "penalised": Profile(19, 1.0, 0.3, 0, 0.0),
    "serious": Profile(8, 1.2, 0.4, 1, 0.0),
}
# Interviews and rectification orders fall mostly on agencies (the Blue Sky campaign's target).
LIGHT_SCALE = {"patent_agency": 4.0, "trademark_agency": 0.5, "firm": 0.25}

# Who decides what, and the prefix of the decision's document number.
DOCUMENTS = {
    "light": (CITY_BUREAU, "淮市监知责改"),
    "penalty": (CITY_BUREAU, "淮市监知罚"),
    "serious": (CITY_BUREAU, "淮市监知罚"),
    "ANY-HONOUR": ("安徽省知识产权局", "皖知发"),
    "ANY-DEMONSTRATION": ("国家知识产权局", "国知办函运字"),
}


@dataclass(frozen=True)
class DemoData:
    subjects: list[dict]
    records: list[dict]
    repairs: list[str]  # record ids repaired after import
    disputes: list[str]  # record ids with an objection pending


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _working_day(day: dt.date, today: dt.date) -> dt.date:
    """Decisions are dated on weekdays: a weekend moves to Monday, or back to Friday near today."""
    if day.weekday() < 5:
        return day
    monday = day + dt.timedelta(days=7 - day.weekday())
    return monday if monday <= today else day - dt.timedelta(days=day.weekday() - 4)


def _dates(rng: random.Random, per_year: float, start: dt.date, today: dt.date) -> list[dt.date]:
    """Event dates of a Poisson process with ``per_year`` events a year."""
    days, dates, span = 0.0, [], (today - start).days
    while per_year > 0:
        days += rng.expovariate(per_year / 365.0)
        if days > span:
            return dates
        dates.append(_working_day(start + dt.timedelta(days=int(days)), today))
    return dates


def subject_row(rng: random.Random, serial: int, taken: set[str] | None = None) -> dict:
    """One subject in the exchange shape; a name already in ``taken`` is drawn again (the new one is added)."""
    kind, district = _pick(rng, KIND_WEIGHTS), _pick(rng, DISTRICT_WEIGHTS)
    place = chinese(DISTRICTS[district])
    name = ""
    while not name or (taken is not None and name in taken):
        name = f"淮南市{place}{rng.choice(NAME_FIRST)}{rng.choice(NAME_SECOND)}{rng.choice(BUSINESS[kind])}"
    if taken is not None:
        taken.add(name)
    licence = {"patent_agency": f"34{100 + serial:03d}", "trademark_agency": f"TM34{serial:05d}"}.get(kind)
    return {
        "uscc": synthetic_uscc(10_000 + serial, district), "name": name, "kind": kind, "district": district,
        "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN), "licence_no": licence,
    }


def findings(rng: random.Random, kind: str, today: dt.date) -> list[tuple[dt.date, str, str]]:
    """A subject's findings up to ``today`` as (decision date, sort, record type), after a profile drawn for it."""
    profile = PROFILES[_pick(rng, {k: p.weight for k, p in PROFILES.items()})]
    light = profile.light * LIGHT_SCALE[kind]
    light_dates = _dates(rng, light, FIRST_DAY, today) + _dates(rng, light, FIRST_DAY, min(today, CAMPAIGN_PEAK_END))
    draws = [(d, "light", _pick(rng, LIGHT[kind])) for d in light_dates]
    draws += [(d, "penalty", _pick(rng, PENALTY[kind])) for d in _dates(rng, profile.penalty, FIRST_DAY, today)]
    draws += [(d, "honour", _pick(rng, HONOUR)) for d in _dates(rng, profile.honour, FIRST_DAY, today)]
    recent = max(FIRST_DAY, today - dt.timedelta(days=900))
    draws += [(_working_day(recent + dt.timedelta(days=rng.randrange((today - recent).days)), today), "serious",
               _pick(rng, SERIOUS[kind])) for _ in range(profile.serious)]
    return draws


def issuer(code: str, sort: str) -> tuple[str, str]:
    """Who decides a finding, and the prefix of its document number."""
    return DOCUMENTS.get(code) or DOCUMENTS[sort]


def repairable(record: dict, today: dt.date) -> bool:
    """A confirmed penalty decided long enough ago for its repair to have been granted."""
    return (record["status"] == "confirmed" and "罚" in record["document_no"]
            and dt.date.fromisoformat(record["decision_date"]) < today - dt.timedelta(days=400))


def disputable(record: dict, today: dt.date) -> bool:
    """A confirmed finding recent enough for an objection to be pending."""
    return record["status"] == "confirmed" and dt.date.fromisoformat(record["decision_date"]) > today - dt.timedelta(days=120)


def repair_date(decided: dt.date, today: dt.date) -> dt.date:
    return min(today, decided + dt.timedelta(days=240))


def _register(subjects: list[dict], first_findings: dict[str, dt.date], today: dt.date, rng: random.Random) -> None:
    """Give each subject a registration date (a working day) no later than its first finding."""
    for subject in subjects:
        latest = first_findings.get(subject["uscc"], today)
        start = FIRST_DAY if rng.random() < REGISTERED_SINCE_SHARE and latest > FIRST_DAY else REGISTERED_FROM
        day = start + dt.timedelta(days=rng.randrange((latest - start).days + 1))
        subject["registered_on"] = _working_day(day, latest).isoformat()


def generate(today: dt.date, seed: int = SEED) -> DemoData:
    """The demo data for ``today``: plain rows in the exchange shapes, no database needed (an app
    context gives the Chinese place names)."""
    rng = random.Random(seed)
    names: set[str] = set()
    subjects = [subject_row(rng, serial, names) for serial in range(1, SUBJECTS + 1)]
    drawn = []
    for subject in subjects:
        drawn += [(day, sort, code, subject["uscc"]) for day, sort, code in findings(rng, subject["kind"], today)]
    drawn.sort()
    numbers: Counter = Counter()
    records = []
    for day, sort, code, uscc in drawn:
        authority, prefix = issuer(code, sort)
        numbers[prefix, day.year] += 1
        records.append({
            "id": f"HN-DEMO-{len(records) + 1:05d}", "uscc": uscc, "type": code, "category": "",
            "decision_date": day.isoformat(), "document_no": f"{prefix}〔{day.year}〕{numbers[prefix, day.year]}号",
            "authority": authority, "status": "revoked" if rng.random() < REVOKED_SHARE else "confirmed",
        })
    first_findings: dict[str, dt.date] = {}
    for day, _sort, _code, uscc in drawn:  # in date order: the first one seen is the earliest
        first_findings.setdefault(uscc, day)
    # A generator of its own, so the dates leave the rest of the data as it was for the seed.
    _register(subjects, first_findings, today, random.Random(seed + 1))
    penalties = [r["id"] for r in records if repairable(r, today)]
    repairs = sorted(rng.sample(penalties, min(12, len(penalties))))
    recent = [r["id"] for r in records if r["id"] not in repairs and disputable(r, today)]
    return DemoData(subjects, records, repairs, sorted(rng.sample(recent, min(5, len(recent)))))


def _rows(rows: list[dict]) -> list[SourceRow]:
    return [SourceRow(line, row) for line, row in enumerate(rows, 1)]


def _refuse(rejection: Rejection) -> None:
    raise AssertionError(f"demo row {rejection.line} rejected: {rejection.reason_en}")


HISTORY_MONTHS = 12


def load_demo(session: Session, catalog: Catalog, now: dt.datetime, today: dt.date, seed: int = SEED) -> Counter:
    """Load the demo data (a rerun on the same day changes nothing); return the grades as of today."""
    data = generate(today, seed)
    job = dict(actor=DEMO, now=now, today=today, catalog=catalog, on_reject=_refuse)
    import_subjects(session, _rows(data.subjects), ImportJob(source="demo-subjects", **job))
    import_records(session, _rows(data.records), ImportJob(source="demo-records", **job))
    changes = [(external_id, "repaired") for external_id in data.repairs]
    changes += [(external_id, "disputed") for external_id in data.disputes]
    for external_id, status in changes:
        record = session.exec(select(Record).where(Record.external_id == external_id)).one()
        if record.status != "confirmed":
            continue
        repaired_on = repair_date(record.decision_date, today)
        transition(session, catalog, record, status, DEMO, now, today,
                   reason="已履行处罚并完成整改 / penalty performed and rectified" if status == "repaired"
                   else "主体提出异议 / the subject objected", repaired_on=repaired_on)
    # A year of month-end assessments before today, so grade charts and the monthly report's
    # trends have a history to show.
    for as_of in [*(month.last for month in Period.month(today).offset(-1).last_n(HISTORY_MONTHS)), today]:
        reassess(session, FixedClock(now), catalog=catalog, subject_ids=None, as_of=as_of, reason="demo")
    create_demo_users(session, now)
    # Each package adds its own demo data (cases, list entries, plans ...) in this transaction.
    demo_loaded.send(session, catalog=catalog, now=now, rng=random.Random(seed))
    grades = session.execute(
        sa.select(Assessment.grade, sa.func.count()).where(in_force(today)).group_by(Assessment.grade)
    ).all()
    return Counter(dict(grades))


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="已有主体时不做任何事 / do nothing when subjects exist")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """载入淮南演示数据 / load the Huainan demo data."""
    context, session = current(), db()
    if if_empty and session.exec(select(Subject.id).limit(1)).first() is not None:
        click.echo(bilingual(_l("data present: demo data not loaded")))
        return
    grades = load_demo(session, context.catalog, context.clock.now(), context.clock.today())
    session.commit()
    subjects = session.scalar(sa.select(sa.func.count()).select_from(Subject))
    records = session.scalar(sa.select(sa.func.count()).select_from(Record))
    spread = "，".join(f"{grade} {grades[grade]}" for grade in sorted(grades))
    click.echo(bilingual(_l("demo data: %(subjects)d subjects, %(records)d records; grades %(grades)s",
                            subjects=subjects, records=records, grades=spread)))
