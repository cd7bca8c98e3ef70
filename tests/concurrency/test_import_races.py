"""Two departments sending the same records through the API at the same moment: the records are
written once, neither import fails, and the audit chain stays one chain."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from sqlmodel import func, select

from credit.audit.services import verify_chain
from credit.records.models import Record
from tests.api.conftest import bearer
from tests.concurrency.conftest import at_once
from tests.exchange.conftest import record_row


def _post(url: str, body: bytes, secret: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/x-ndjson", **bearer(secret)})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, {"body": error.read().decode("utf-8", "replace")}


def test_the_same_records_imported_twice_at_once_are_written_once(served, session, make_token, make_subject):
    agency = make_subject("patent_agency")
    body = "\n".join(json.dumps(record_row(f"RACE-{i}", agency.uscc), ensure_ascii=False) for i in range(20)).encode()
    secrets = [make_token(["records:write"]) for _ in range(2)]

    answers = at_once([lambda secret=secret: _post(f"{served}/api/v1/records", body, secret) for secret in secrets])

    assert [status for status, _ in answers] == [200, 200], answers
    assert sorted((a["imported"], a["unchanged"]) for _, a in answers) == [(0, 20), (20, 0)]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Record)) == 20
    assert verify_chain(session).ok
