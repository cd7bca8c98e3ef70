"""`credit serve` hands the app to waitress on 127.0.0.1:5000 unless told otherwise; a busy port is
one line naming the option to use; the fixed clock of a training system is announced loudly."""
from __future__ import annotations

import socket

import waitress.server

from credit.cli import main


class FakeServer:
    def __init__(self, calls, wsgi, options):
        calls.append((wsgi, options))

    def run(self):
        pass


def test_serve_runs_the_app_with_waitress(app, runner, monkeypatch):
    calls = []
    monkeypatch.setattr(waitress.server, "create_server", lambda wsgi, **options: FakeServer(calls, wsgi, options))
    first = runner.invoke(main, ["serve"])
    assert first.exit_code == 0 and "http://127.0.0.1:5000/" in first.stdout
    assert runner.invoke(main, ["serve", "--host", "0.0.0.0", "--port", "8080"]).exit_code == 0
    assert [(wsgi is app, options["host"], options["port"]) for wsgi, options in calls] == [
        (True, "127.0.0.1", 5000), (True, "0.0.0.0", 8080)]
    assert "CREDIT_CLOCK_AT" not in first.stderr  # the test app's clock is given, not configured


def test_a_busy_port_is_one_line_naming_the_option_to_use(app, runner, monkeypatch):
    # A public address, so that on PostgreSQL no start-up warning comes before the line.
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://credit.example.gov.cn")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["serve", "--port", str(port)])

    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == (f"错误 / error: 端口 {port} 已被占用：请用 --port {port + 1} 换一个端口（make run PORT={port + 1}） / "
                             f"port {port} is in use: choose another with --port {port + 1} (make run PORT={port + 1})\n")
