"""Notice benchmark: grade-change notices per second on one core, against a bare ReportLab page.

Prints a table:
- floor: a bare ReportLab canvas page with the same embedded fonts and the same words (drawn
  line by line: no paragraphs, tables, seal or QR code): no notice can be made faster;
- layout: ``layout.render`` of a grade change notice (the PDF only);
- issued: the nightly path end to end on a temporary SQLite database: find the grade changes,
  gather each notice's data, number it, render it, store the file, write the row and the audit
  event, commit;
- each one's ratio to the floor. Target (issue 4): at least 30 issued notices per second.

    .venv/bin/python bench/notices.py              # 300 notices
    .venv/bin/python bench/notices.py --count 50
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from config import Config  # noqa: E402
from credit import create_app  # noqa: E402
from credit.audit.actor import Actor  # noqa: E402
from credit.clock import LOCAL_TZ, FixedClock  # noqa: E402
from credit.context import db  # noqa: E402
from credit.i18n import chinese  # noqa: E402
from credit.migrate import upgrade  # noqa: E402
from credit.notices import layout  # noqa: E402
from credit.notices.kinds import GradeChange  # noqa: E402
from credit.notices.services import NoticeSettings  # noqa: E402
from credit.notices.triggers import issue_grade_change_notices  # noqa: E402
from credit.scoring.engine import recompute  # noqa: E402
from credit.subjects.services import SubjectInput, create_subject, synthetic_uscc  # noqa: E402
from credit.records.models import Record  # noqa: E402
from tests.notices.samples import grade_change  # noqa: E402

NIGHT = dt.datetime(2026, 11, 26, 2, 0, tzinfo=LOCAL_TZ)
CODE = "ABCDEFGHJKMN"


def document(notice: GradeChange) -> layout.Document:
    return layout.Document(
        authority="淮南市市场监督管理局（知识产权局）", title=chinese(GradeChange.title), number="淮知信告〔2026〕1号",
        issued_at=NIGHT, verification_code=CODE, verify_url=f"http://127.0.0.1:5000/verify/{CODE}",
        recipient=notice.recipient, blocks=notice.blocks(), copy_to=notice.copy_to, issuing_office="淮南市市场监督管理局办公室",
    )


def words(doc: layout.Document) -> list[str]:
    """Every string the notice prints, in reading order."""
    out = [doc.authority, doc.number, doc.title, f"{doc.recipient}："]
    for block in doc.blocks:
        if isinstance(block, (layout.Text, layout.Heading)):
            out.append(block.text)
        elif isinstance(block, layout.Facts):
            out += [f"{k}  {v}" for k, v in block.rows]
        elif isinstance(block, layout.Table):
            out += ["  ".join(block.columns)] + ["  ".join(row) for row in block.rows]
    return out + [doc.authority, layout.chinese_date(doc.issued_on), f"核验码：{CODE}", doc.verify_url,
                  f"抄送：{'，'.join(doc.copy_to)}。", doc.issuing_office]


def bare_page(lines: list[str], faces: layout.Faces) -> bytes:
    """The floor: the same words on a canvas in the same embedded fonts, 34 characters a line."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, initialFontName=faces.body, invariant=True)
    y = A4[1] - 72
    for i, line in enumerate(lines):
        canvas.setFont(faces.title if i < 3 else faces.body, 12)
        for start in range(0, len(line), 34):
            if y < 72:
                canvas.showPage()
                y = A4[1] - 72
            canvas.drawString(72, y, line[start:start + 34])
            y -= 20
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def rate(make, count: int) -> float:
    make()  # warm up: font loading, caches
    start = time.process_time()
    for _ in range(count):
        make()
    return count / (time.process_time() - start)


def bench_app() -> Flask:
    """The app on a temporary SQLite database, its clock at NIGHT."""
    folder = Path(tempfile.mkdtemp(prefix="bench-notices-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    return create_app(Config(DATABASE_URL=url, STORAGE_DIR=folder / "files", SECRET_KEY="bench"), FixedClock(NIGHT))


def issued_rate(app: Flask, count: int) -> float:
    """Notices per second through the archive: ``count`` subjects, each owed its first grade notice."""
    clock = app.extensions["credit"].clock
    with app.app_context():
        session, now = db(), clock.now()
        for serial in range(1, count + 1):
            subject = create_subject(session, SubjectInput(synthetic_uscc(serial), f"淮南市第{serial}专利代理事务所",
                                                           "patent_agency", "340403", "张三"), Actor(None, "bench"), now)
            for code, day in (("PA-PENALTY", dt.date(2026, 3, 2)), ("PA-SOLICIT", dt.date(2026, 9, 14))):
                session.add(Record(subject_id=subject.id, rule_code=code, category="patent", decision_date=day,
                                   status="confirmed", document_no=f"淮市监罚〔2026〕{serial}号", authority="淮南市市场监督管理局",
                                   created_at=now, updated_at=now))
        recompute(session, app.extensions["credit"].catalog, NIGHT.date() - dt.timedelta(days=1), now)
        session.commit()
        settings = NoticeSettings.from_config(app.config)
        start = time.process_time()
        issued = issue_grade_change_notices(session, settings, now)
        session.commit()
        elapsed = time.process_time() - start
    assert issued == count, issued
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    faces = layout.faces()
    app = bench_app()
    with app.app_context():  # the notice's title is a Babel label, Chinese in the app
        doc = document(grade_change())
    lines = words(doc)
    floor = rate(lambda: bare_page(lines, faces), args.count)
    rendered = rate(lambda: layout.render(doc), args.count)
    issued = issued_rate(app, args.count)
    print(f"grade change notices, {args.count} each, one core")
    print(f"{'':<34}{'per second':>12}{'floor / this':>14}")
    print(f"{'floor: bare ReportLab page':<34}{floor:>12.1f}{1:>14.2f}")
    print(f"{'layout.render (PDF only)':<34}{rendered:>12.1f}{floor / rendered:>14.2f}")
    print(f"{'issued end to end (SQLite)':<34}{issued:>12.1f}{floor / issued:>14.2f}")
    print(f"target: >= 30 issued per second: {'met' if issued >= 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
