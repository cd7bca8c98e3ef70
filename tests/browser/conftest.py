"""A real Chromium against the app served by a real WSGI server on 127.0.0.1.

Playwright cannot download its browsers here, so Debian's /usr/bin/chromium is launched. Without it
the browser tests skip and say why; with REQUIRE_BROWSER=1 (CI) a missing browser fails instead.
Another binary can be named with CHROMIUM=/path/to/chromium.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from credit.accounts.demo import create_demo_users

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def chromium() -> Path:
    """The browser to drive, or skip (fail when REQUIRE_BROWSER=1) saying why there is none."""
    path = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    if not path.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {path} is missing: install Debian's chromium package")
        pytest.skip(f"browser tests skipped: {path} is missing (install Debian's chromium package to run them)")
    return path


@pytest.fixture
def browser():
    executable = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app, session, clock):
    """The test app (test database, fixed clock) with the demo users, served in a thread on a free port."""
    create_demo_users(session, clock.now())
    session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
