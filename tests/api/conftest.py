"""Fixtures of the API tests: tokens as an admin creates them, and a client that sends one."""
from __future__ import annotations

import pytest

from credit.accounts.authz import API_SCOPES
from credit.api.services import create_token
from credit.audit.actor import Actor

ADMIN = Actor(None, "test-admin")


@pytest.fixture
def make_token(session, clock):
    """The secret of a new token of ``department`` with ``scopes`` (default: every scope)."""

    def make(scopes=API_SCOPES, days: int = 365, department: str = "省知识产权局数据中心") -> str:
        issued = create_token(session, department, scopes, days, ADMIN, clock.now())
        session.commit()
        return issued.secret

    return make


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
