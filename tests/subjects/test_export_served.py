"""The subject exports as `credit serve` (waitress) sends them: the CSV is streamed after the view
has returned, when the request's own session is closed (a 500 before; the test client hid it)."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from credit.subjects.models import Subject
from credit.subjects.services import synthetic_uscc
from tests.served import Browser, quick_hash, serve

ROWS = 900  # more than one 64 KB piece of the streamed CSV


@pytest.fixture
def served(app):
    with serve(app) as base_url:
        yield base_url


@pytest.fixture
def publisher(served, make_user, session, clock):
    session.add_all(Subject(uscc=synthetic_uscc(n, "340403"), name=f"导出企业{n:04d}", kind="firm", district="340403",
                            legal_representative="=HYPERLINK(1)", created_at=clock.now(), updated_at=clock.now())
                    for n in range(ROWS))
    user = make_user("publisher")
    user.password_hash = quick_hash()
    session.commit()
    return Browser(served).login(user.username)


def test_the_csv_export_streams_every_row_under_the_real_server(publisher):
    answer = publisher.get("/subjects/export.csv?kind=firm")
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.body.decode("utf-8-sig"))))
    assert rows[0][:2] == ["统一社会信用代码", "名称"]
    assert sorted(r[1] for r in rows[1:]) == [f"导出企业{n:04d}" for n in range(ROWS)]
    assert {r[4] for r in rows[1:]} == {"'=HYPERLINK(1)"}
    assert publisher.get("/subjects/export.csv?name=导出企业0001").status == 200  # the next request is served too


def test_the_xlsx_export_under_the_real_server(publisher):
    answer = publisher.get("/subjects/export.xlsx?kind=firm")
    assert answer.status == 200
    rows = list(load_workbook(io.BytesIO(answer.body)).active.iter_rows(values_only=True))
    assert len(rows) == ROWS + 1 and rows[1][4] == "=HYPERLINK(1)"
