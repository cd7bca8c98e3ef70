"""CREDIT_PUBLIC_BASE_URL: what every notice prints in its QR code and link, and the warning at the
start of `credit serve` and `credit scheduler` when a production database would print this machine."""
from __future__ import annotations

from dataclasses import replace

import pytest
import waitress.server

from credit.audit.actor import Actor
from credit.cli import main
from credit.notices import services
from credit.scheduler import cli as scheduler_cli
from tests.notices import pdfcheck
from tests.notices.samples import SAMPLES

POSTGRES = "postgresql://postgres@db.internal:5432/credit"


@pytest.mark.parametrize("database, base_url, warned", [
    (POSTGRES, "http://127.0.0.1:5000", True),  # the default: the variable is unset
    (POSTGRES, "", True),
    (POSTGRES, "http://localhost:8000", True),
    (POSTGRES, "http://127.8.0.1", True),
    (POSTGRES, "http://[::1]:5000", True),
    (POSTGRES, "https://credit.huainan.gov.cn", False),
    (POSTGRES, "http://10.3.4.5:5000", False),
    ("postgresql+psycopg://postgres@127.0.0.1/credit", "https://credit.huainan.gov.cn", False),
    ("sqlite:////srv/credit/credit.db", "http://127.0.0.1:5000", False),  # the embedded default, a demo
])
def test_warning_when_a_postgresql_deployment_prints_a_loopback_address(database, base_url, warned):
    warning = services.public_base_url_warning({"DATABASE_URL": database, "PUBLIC_BASE_URL": base_url})
    assert (warning is not None) == warned
    if warned:
        assert "CREDIT_PUBLIC_BASE_URL" in warning and "\n" not in warning
        assert "告知书" in warning and "verification links" in warning  # Chinese and English


def test_the_qr_code_and_the_printed_link_use_the_public_base_url(session, settings, clock):
    settings = replace(settings, public_base_url="https://credit.huainan.gov.cn")
    notice, _ = services.issue(session, settings, SAMPLES["grade_change"][0], event_key="g1", subject_id=None,
                               actor=Actor(None, "test"), now=clock.now())
    pdf = settings.files.path(notice.sha256).read_bytes()
    assert f"https://credit.huainan.gov.cn/verify/{notice.verification_code}" in pdfcheck.text(pdf)
    assert "127.0.0.1" not in pdfcheck.text(pdf)


@pytest.fixture
def production_database(app, monkeypatch):
    """The app as a PostgreSQL deployment sees it (only the setting: nothing connects)."""
    monkeypatch.setitem(app.config, "DATABASE_URL", POSTGRES)
    return app


def _warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if "CREDIT_PUBLIC_BASE_URL" in line]


class NoServer:
    """waitress's server, returning at once."""

    def run(self):
        pass


def test_serve_warns_once_at_start(production_database, runner, monkeypatch):
    monkeypatch.setattr(waitress.server, "create_server", lambda wsgi, **options: NoServer())
    result = runner.invoke(main, ["serve"])
    assert result.exit_code == 0 and len(_warnings(result.stderr)) == 1

    monkeypatch.setitem(production_database.config, "PUBLIC_BASE_URL", "https://credit.huainan.gov.cn")
    assert _warnings(runner.invoke(main, ["serve"]).output) == []


def test_the_scheduler_warns_once_at_start(production_database, runner, monkeypatch):
    class Stopped:
        def start(self):
            raise KeyboardInterrupt

    monkeypatch.setattr(scheduler_cli, "catch_up", lambda: [])
    monkeypatch.setattr(scheduler_cli, "build_scheduler", lambda app: Stopped())
    result = runner.invoke(main, ["scheduler"])
    assert result.exit_code == 0 and len(_warnings(result.stderr)) == 1
    assert "scheduler started" in result.stdout
