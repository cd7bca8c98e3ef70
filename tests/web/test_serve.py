"""`credit serve` hands the app to waitress on 127.0.0.1:5000 unless told otherwise."""
from __future__ import annotations

import waitress

from credit.cli import main


def test_serve_runs_the_app_with_waitress(app, runner, monkeypatch):
    calls = []
    monkeypatch.setattr(waitress, "serve", lambda wsgi, **options: calls.append((wsgi, options)))
    assert runner.invoke(main, ["serve"]).exit_code == 0
    assert runner.invoke(main, ["serve", "--host", "0.0.0.0", "--port", "8080"]).exit_code == 0
    assert [(wsgi is app, options["host"], options["port"]) for wsgi, options in calls] == [
        (True, "127.0.0.1", 5000), (True, "0.0.0.0", 8080)]
