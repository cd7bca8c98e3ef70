"""A record's penalty on the record form, its page and the subject's explanation."""
from __future__ import annotations

import io
from decimal import Decimal

from sqlmodel import select

from credit.records.models import Record

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _post(post_form, subject, **extra):
    return post_form(f"/subjects/{subject.id}/records/new", {
        "rule_code": "PA-PENALTY", "decision_date": "2026-10-01", "authority": "淮南市市场监督管理局",
        "facts": "以不正当手段招揽业务。", "evidence": (io.BytesIO(PDF), "决定书.pdf"), **extra},
        content_type="multipart/form-data")


def test_the_form_records_the_penalty_and_the_page_shows_it(client, login_as, session, make_subject, post_form):
    login_as("inspector")
    subject = make_subject("patent_agency")
    response = _post(post_form, subject, penalty_kind="fine", penalty_amount="30000")
    assert response.status_code == 302
    record = session.exec(select(Record)).one()
    assert (record.penalty_kind, record.penalty_amount) == ("fine", Decimal("30000.00"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "罚款（30,000.00 元）" in page


def test_a_fine_without_its_amount_is_refused_beside_the_field(client, login_as, session, make_subject, post_form):
    login_as("inspector")
    response = _post(post_form, make_subject("patent_agency"), penalty_kind="fine")
    assert response.status_code == 400 and "罚款须填写金额" in response.get_data(as_text=True)
    assert session.exec(select(Record)).all() == []
