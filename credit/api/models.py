"""API tokens: how a department's system calls the token-authenticated part of /api/v1.

Only the SHA-256 of a token is stored (a copy of the table opens nothing); the token itself is
shown once, when an admin creates it. A token expires, and is revoked by a status, never deleted,
so the audit events that name it keep their meaning.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: Optional[int] = Field(default=None, primary_key=True)
    # The department whose integration holds it, e.g. 淮南市市场监督管理局信用监管科.
    department: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    # Space-separated scopes (credit/accounts/authz.py API_SCOPES), e.g. "records:read records:write".
    scopes: str = Field(sa_column=sa.Column(sa.String(300), nullable=False))
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    # The token's first characters, so an admin can tell which one a department holds.
    prefix: str = Field(sa_column=sa.Column(sa.String(12), nullable=False))
    created_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    created_by: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    expires_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    revoked_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
    revoked_by: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(64)))
    last_used_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
