"""Running the exchange commands on files in tmp_path."""
from __future__ import annotations

import json

import pytest

from credit.cli import main
from credit.subjects.services import synthetic_uscc


@pytest.fixture
def cli(runner):
    """Invoke `credit ARGS...` against the test app; the result has .exit_code, .stdout, .stderr."""
    return lambda *args: runner.invoke(main, args=[str(a) for a in args])


def write_jsonl(path, rows) -> None:
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n"
                            for row in rows), encoding="utf-8")


def read_jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def subject_row(serial: int, kind: str = "patent_agency", **extra) -> dict:
    return {"uscc": synthetic_uscc(serial, "340403"), "name": f"淮南市田家庵区测试{serial}知识产权代理有限公司",
            "kind": kind, "district": "340403", "legal_representative": "李四", **extra}


def record_row(record_id: str, uscc: str, type_: str = "PA-PENALTY", **extra) -> dict:
    return {"id": record_id, "uscc": uscc, "type": type_, "category": "patent", "decision_date": "2025-03-14",
            "document_no": "淮市监知罚〔2025〕17号", "authority": "淮南市市场监督管理局", "status": "confirmed", **extra}
