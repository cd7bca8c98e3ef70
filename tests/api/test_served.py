"""Schemathesis against the app as `credit serve` runs it (waitress, tests/served.py): requests made
from the OpenAPI document, valid ones and ones that break it on purpose, to every operation, with a
token that holds every scope. No answer may be a server error or break the document (a status,
content type, header or body it does not declare). Bounded: SCHEMATHESIS_EXAMPLES examples an
operation (default 15), well under a minute."""
from __future__ import annotations

import datetime as dt
import os
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from sqlmodel import func, select

from credit.audit.models import AuditEvent
from credit.scoring.services import reassess
from tests.api.conftest import bearer
from tests.served import serve

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance,
          schemathesis.checks.content_type_conformance, schemathesis.checks.response_headers_conformance,
          schemathesis.checks.response_schema_conformance]
OPERATIONS = 12


@pytest.fixture
def served(app):
    with serve(app) as base_url:
        yield base_url


@pytest.fixture
def world(session, ctx, clock, make_subject, make_record):
    """Something for the exports and the query to find."""
    agency = make_subject(kind="patent_agency", name="淮南模糊测试专利代理所")
    make_record(agency, "PA-PENALTY", dt.date(2026, 10, 1))
    make_subject(kind="firm", name="淮南模糊测试科技有限公司")
    reassess(session, clock, catalog=ctx.catalog, subject_ids=None, reason="test", as_of=clock.today())
    session.commit()


def test_every_operation_keeps_to_the_document(served, world, session, make_token):
    schema = schemathesis.openapi.from_url(f"{served}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == OPERATIONS
    headers = bearer(make_token())
    started, sent = time.monotonic(), []
    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(operation.as_strategy(), operation.as_strategy(GenerationMode.NEGATIVE)))
        def keeps_to_the_document(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)
            sent.append((case.operation.label, response.status_code))

        keeps_to_the_document()
    assert time.monotonic() - started < 60
    # Every operation was called, and the calls with the token were audited, one event each (a 401:
    # invalid data replaced the token, and there is no token of ours to name).
    assert {label for label, _status in sent} == {operation.label for operation in operations}
    token_calls = sum(1 for label, status in sent if "/public/" not in label and status != 401)
    assert session.scalar(select(func.count()).where(AuditEvent.action == "api.request")) == token_calls
