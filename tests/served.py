"""The test app served by waitress (as `credit serve` runs it) in a thread, and browsers that talk
to it over HTTP, each with its own cookies.

The test client runs one request at a time in the test's own thread and consumes a streamed body
inside the request: it shows neither what two requests arriving together do to the database nor
what a body streamed after the view has returned meets. A test module makes its fixture with
``serve``: ``with serve(app) as base_url: yield base_url``.
"""
from __future__ import annotations

import contextlib
import functools
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import waitress
from werkzeug.security import generate_password_hash

T = TypeVar("T")
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
SERVER_THREADS = 8  # `credit serve`'s default


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """The base URL of ``app`` (the test app: test database, fixed clock) served by waitress in a thread."""
    # A socket map of its own: with waitress's shared default map, one server's shutdown closed
    # another's trigger (a "bad file descriptor" in a later test of the same worker).
    server = waitress.create_server(app, map={}, host="127.0.0.1", port=0, threads=SERVER_THREADS,
                                    asyncore_loop_timeout=0.05)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    # Closed from the server's own thread (closing under its select() is a bad file descriptor).
    try:
        server.trigger.pull_trigger(server.close)
    except OSError:  # its trigger's descriptor is gone (closed by another server's cleanup): close here
        server.close()
    server.task_dispatcher.shutdown()
    thread.join(timeout=10)


@functools.cache
def quick_hash(password: str = "demo-password") -> str:
    """A cheap scrypt, so that a burst of logins reaches the database together instead of queueing
    behind a second of hashing each on a small machine."""
    return generate_password_hash(password, method="scrypt:1024:8:1")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class _Unredirected(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # each answer is seen as the server sent it


class Browser:
    """One browser: its own cookie jar, the CSRF token of the last page, redirects not followed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _Unredirected())
        self._csrf = ""

    def request(self, method: str, path: str, form: dict | None = None) -> Answer:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        path = urllib.parse.quote(path, safe="/?=&%:+;,")  # as a browser sends non-ASCII
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        try:
            with self._opener.open(request, timeout=60) as response:
                answer = Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as response:  # 3xx (not followed), 4xx and 5xx
            answer = Answer(response.code, dict(response.headers), response.read())
        found = CSRF_META.search(answer.text) if answer.headers.get("Content-Type", "").startswith("text/html") else None
        self._csrf = found.group(1) if found else self._csrf
        return answer

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, form: dict | None = None) -> Answer:
        """POST a form with the token of the last page this browser opened (open one first)."""
        return self.request("POST", path, {"csrf_token": self._csrf, **(form or {})})

    def login(self, username: str, password: str = "demo-password") -> "Browser":
        self.get("/login")
        answer = self.post("/login", {"username": username, "password": password})
        assert answer.status == 302, answer.text
        return self


def at_once(actions: Iterable[Callable[[], T]]) -> list[T]:
    """Run the actions in parallel threads, released together; their results in order."""
    actions = list(actions)
    start = threading.Barrier(len(actions))

    def run(action: Callable[[], T]) -> T:
        start.wait()
        return action()

    with ThreadPoolExecutor(len(actions)) as pool:
        return list(pool.map(run, actions))
