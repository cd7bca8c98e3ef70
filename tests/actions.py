"""Helpers that read like the user's actions: fetch the page's CSRF token, post a form with it (a plugin of
tests/conftest.py, so every test folder has the `post_form` fixture)."""
from __future__ import annotations

import re

import pytest

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client) -> str:
    """The token a real browser would send, read from a page (every page carries it)."""
    page = client.get("/login", follow_redirects=True)
    return CSRF_META.search(page.get_data(as_text=True)).group(1)


@pytest.fixture
def post_form(client):
    """POST a form the way a browser does: with the CSRF token of the page."""

    def post(url: str, data: dict | None = None, **kwargs):
        return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)

    return post
