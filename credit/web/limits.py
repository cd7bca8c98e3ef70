"""Rate limits for the pages anyone may ask without logging in (Flask-Limiter, in-memory storage:
one counter per process and client address, which is what a single public service needs).

Limits are settings (``RATELIMIT_PUBLIC_QUERY``, e.g. ``"30 per minute"``); ``RATELIMIT_ENABLED``
False turns them off (the tests, except the test of the limit itself). A client over its limit
gets 429 with a page that says, in its language, how long to wait.
"""
from __future__ import annotations

import time

from flask import Flask, current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address

from credit.web.errors import api_error, is_api_request

# Retry-After is set by the 429 page itself, from the same figure it shows.
limiter = Limiter(get_remote_address, storage_uri="memory://")


def public_query_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_QUERY"]


def wait_seconds() -> int:
    """Seconds until the breached limit of this request lets the client in again (at least 1)."""
    current = limiter.current_limit
    return max(1, int(current.reset_at - time.time())) if current else 60


def _too_many(err: RateLimitExceeded):
    wait = wait_seconds()
    message = _l("Too many queries from your address. Please wait %(seconds)d seconds and try again.", seconds=wait)
    if is_api_request():
        return api_error(429, message, {"retry_after": wait}, headers={"Retry-After": str(wait)})
    response = render_template("errors/error.html", status=429, title=_("Too many requests"), message=message)
    return response, 429, {"Retry-After": str(wait)}


def init_limits(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_PUBLIC_QUERY", "30 per minute")
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _too_many)
