"""The app served by waitress (as `credit serve` runs it) on a free loopback port, visitors that
talk to it over HTTP with their own cookies, and ``at_once`` to send their requests together.

A race needs real parallel requests: the test client runs one request at a time in the test's
thread, so it cannot show what two requests arriving together do to the database.
"""
from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import pytest

from tests.served import Browser, quick_hash, serve

T = TypeVar("T")
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def served(app):
    """The base URL of the test app (test database, fixed clock) served by waitress in a thread."""
    with serve(app) as base_url:
        yield base_url


@pytest.fixture
def make_user(make_user):
    """Users (password ``demo-password``) whose logins hash quickly."""
    return lambda role="inspector", **extra: make_user(role, password_hash=quick_hash(), **extra)


@pytest.fixture
def browsers(served, make_user) -> Callable[[str, int], list[Browser]]:
    """``browsers(role, n)``: n browsers, each logged in as its own new user of ``role``."""
    return lambda role, n: [Browser(served).login(make_user(role).username) for _ in range(n)]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict
    text: str


class _Unredirected(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # each answer is seen as the server sent it


class Visitor:
    """One browser: its own cookie jar, redirects not followed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _Unredirected())
        self._csrf = ""

    def request(self, method: str, path: str, form: dict | None = None) -> Answer:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        try:
            with self._opener.open(request, timeout=60) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as response:  # 3xx (not followed), 4xx and 5xx
            return Answer(response.code, dict(response.headers), response.read().decode())

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def ready(self) -> "Visitor":
        """Open the login page first, as a person does: the cookie and the form's CSRF token."""
        self._csrf = CSRF_META.search(self.get("/login").text).group(1)
        return self

    def post(self, path: str, form: dict | None = None) -> Answer:
        return self.request("POST", path, {"csrf_token": self._csrf, **(form or {})})

    def log_in(self, username: str, password: str = "demo-password") -> Answer:
        return self.post("/login", {"username": username, "password": password})


@pytest.fixture
def visitors(served) -> Callable[[int], list[Visitor]]:
    """``visitors(n)``: n visitors, each with the login page already open."""
    return lambda count: [Visitor(served).ready() for _ in range(count)]


def at_once(calls: list[Callable[[], T]]) -> list[T]:
    """Run every call in its own thread, all released together; their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [future.result() for future in [pool.submit(run, call) for call in calls]]
