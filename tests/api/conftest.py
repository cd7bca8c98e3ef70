"""The API tests' client side: a request that sends a token (tokens themselves: ``make_token`` in
tests/conftest.py, which the tests of concurrent imports use too)."""
from __future__ import annotations


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
