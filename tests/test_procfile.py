"""`make run` starts, from the Procfile, the web application on make's PORT and the one scheduler."""
from __future__ import annotations

import re
from pathlib import Path

from honcho.environ import parse_procfile

ROOT = Path(__file__).resolve().parents[1]


def test_the_procfile_runs_the_web_application_and_the_scheduler():
    processes = parse_procfile((ROOT / "Procfile").read_text()).processes
    assert processes == {"web": "credit serve --port $PORT", "scheduler": "credit scheduler"}


def test_make_run_starts_the_procfile_with_its_port():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile[makefile.index("\nrun:"):].split("\n\n")[0]
    assert re.search(r"^PORT \?= 5000$", makefile, re.MULTILINE)
    assert "honcho start --port $(PORT)" in run and "credit demo --if-empty" in run
