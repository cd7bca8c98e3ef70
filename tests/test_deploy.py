"""deploy/: what a bureau's administrator installs. The systemd units' own commands start the web
application and the scheduler as two processes on PostgreSQL, and a notice the scheduler issued is
downloaded from the web application; the environment file explains every setting config.py reads."""
from __future__ import annotations

import configparser
import contextlib
import http.cookiejar
import io
import os
import re
import selectors
import shlex
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from credit.db import make_engine
from tests.conftest import TEST_DATABASE_URL, _fresh_postgres

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
# PostgreSQL as CI has it; TEST_DATABASE_URL names another server.
POSTGRES = TEST_DATABASE_URL if TEST_DATABASE_URL.startswith("postgresql") else "postgresql://postgres@127.0.0.1:5432/credit"
# 1 December 08:00: the monthly report of 06:00 is due and within its grace of 7 days.
CLOCK_AT = "2026-12-01T08:00+08:00"
PASSWORD = "Deploy-test-Passw0rd!"
WAIT = 60  # seconds a process may take to say it is ready (a loaded CI machine); it takes ~3


def exec_start(unit: str, **options: str) -> list[str]:
    """The unit's ExecStart, run from this checkout's virtualenv, with ``options`` (e.g. port) replaced."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(DEPLOY / unit, encoding="utf-8")
    command = shlex.split(parser["Service"]["ExecStart"])
    assert command[0] == parser["Service"]["WorkingDirectory"] + "/.venv/bin/credit", command
    command[0] = str(Path(sys.executable).parent / "credit")
    for name, value in options.items():
        command[command.index(f"--{name}") + 1] = value
    return command


def test_the_environment_file_explains_every_setting_config_reads():
    settings = set(re.findall(r'os\.environ(?:\.get\(|\[)"([A-Z_]+)"', (ROOT / "config.py").read_text()))
    example = (DEPLOY / "credit.env.example").read_text()
    documented = set(re.findall(r"^#?([A-Z_]+)=", example, re.MULTILINE))
    assert settings and settings == documented
    # Each is explained by a comment right above it (or above the group it closes).
    lines = example.splitlines()
    for name in settings:
        index = next(i for i, line in enumerate(lines) if re.match(rf"#?{name}=", line))
        above = lines[index - 1]
        assert above.startswith("# ") or re.match(r"#?[A-Z_]+=", above), name


def test_each_unit_runs_the_one_command_it_names():
    assert exec_start("credit-web.service")[1:] == ["serve", "--host", "127.0.0.1", "--port", "8000"]
    assert exec_start("credit-scheduler.service")[1:] == ["scheduler"]


@pytest.fixture
def database() -> str:
    """A fresh PostgreSQL database of its own (the processes share it), dropped afterwards."""
    name = f"{sa.engine.make_url(POSTGRES).database}_deploy_{os.getpid()}"
    try:
        url = _fresh_postgres(POSTGRES, name)
    except sa.exc.OperationalError as error:
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES} ({type(error.orig).__name__}): the deployment test needs it")
    yield url.replace("postgresql+psycopg://", "postgresql://", 1)
    admin = make_engine(sa.engine.make_url(url).set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(process: subprocess.Popen, pattern: str, seen: list[str]) -> str:
    """Read the process's output until a line matches ``pattern``; fail with what it said if it ends first.

    Raw reads from the pipe (no buffered reader), so select() never waits on lines already read."""
    deadline, pending = time.monotonic() + WAIT, b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline and selector.select(deadline - time.monotonic()):
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                seen.append(line.decode("utf-8", "replace"))
                if re.search(pattern, seen[-1]):
                    return seen[-1]
    pytest.fail(f"{process.args[1]} never said {pattern!r}; it said:\n" + "\n".join(seen))


class Browser:
    """A cookie-keeping HTTP client: what a user's browser does for these pages."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[str, bytes]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.headers.get_content_type(), response.read()

    def log_in(self, username: str, password: str) -> str:
        _type, form = self.get("/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', form).group(1).decode()
        data = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": password}).encode()
        with self.opener.open(self.base + "/login", data=data, timeout=30) as response:
            return response.read().decode()


def test_the_units_run_web_and_scheduler_on_postgresql_and_a_scheduled_notice_downloads(database, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CREDIT_", "FLASK_")) and k != "DATABASE_URL"}
    env.update(DATABASE_URL=database, CREDIT_INSTANCE=str(tmp_path / "instance"), CREDIT_CLOCK_AT=CLOCK_AT,
               SECRET_KEY="deploy-test", CREDIT_PUBLIC_BASE_URL="https://credit.example.gov.cn",
               PYTHONUNBUFFERED="1")
    credit = exec_start("credit-scheduler.service")[0]
    # What deploy/README.md has the administrator do before starting the units.
    for step in (["db", "upgrade"], ["users", "create", "admin", "--role", "admin", "--password", PASSWORD]):
        done = subprocess.run([credit, *step], env=env, capture_output=True, text=True, timeout=WAIT)
        assert done.returncode == 0, done.stderr

    port = _free_port()
    scheduler_said: list[str] = []
    web_said: list[str] = []
    with contextlib.ExitStack() as stack:
        processes = []
        for command in (exec_start("credit-scheduler.service"), exec_start("credit-web.service", port=str(port))):
            process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            stack.callback(process.wait, 30)
            stack.callback(process.terminate)
            processes.append(process)
        scheduler, web = processes

        _wait_for(web, rf"http://127\.0\.0\.1:{port}/", web_said)
        caught_up = _wait_for(scheduler, r"monthly_report @ 2026-12-01 06:00", scheduler_said)
        assert "done" in caught_up, caught_up
        # The fixed clock is announced loudly by both processes.
        assert any("CREDIT_CLOCK_AT" in line and "2026-12-01T08:00+08:00" in line for line in scheduler_said)
        assert any("CREDIT_CLOCK_AT" in line for line in web_said)

        browser = Browser(f"http://127.0.0.1:{port}")
        assert 'name="password"' not in browser.log_in("admin", PASSWORD)  # signed in: no login form again
        _type, archive = browser.get("/notices/?kind=monthly_report")
        links = re.findall(rb'href="(/notices/\d+\.pdf)"', archive)
        assert len(links) == 1, archive.decode()
        content_type, pdf = browser.get(links[0].decode())

    assert content_type == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")
    # November's report, the first of its kind this year, issued on 1 December by the scheduler's catch-up.
    assert "淮知监报〔2026〕1号" in text and "现将2026年11月全市知识产权信用监管情况报告如下" in text
    assert "2026年12月1日印发" in text
    assert all(process.returncode is not None for process in processes)
