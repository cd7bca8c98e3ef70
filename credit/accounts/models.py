"""Staff and firm accounts. Roles are the ones of DESIGN section 2."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

INSPECTOR, REVIEWER, PUBLISHER, ADMIN, FIRM = "inspector", "reviewer", "publisher", "admin", "firm"
ROLES = (INSPECTOR, REVIEWER, PUBLISHER, ADMIN, FIRM)


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    display_name: str = Field(default="", sa_column=sa.Column(sa.String(100), nullable=False))
    password_hash: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    role: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    # A firm user sees only this subject's data.
    subject_id: Optional[int] = Field(default=None, foreign_key="subject.id")
    is_active: bool = Field(default=True, sa_column=sa.Column(sa.Boolean, nullable=False))
    # Set when an admin resets the password: every page leads to the password change until done.
    must_change_password: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False,
                                                                          server_default=sa.false()))
    created_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))

    # Flask-Login's user protocol (UserMixin would shadow the is_active column with a property).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def label(self) -> str:
        return self.display_name or self.username


class LoginThrottle(SQLModel, table=True):
    """Wrong passwords in a row for one username as typed, whether an account has it or not: an
    unknown name locks like a real one, so no answer tells which names exist."""

    __tablename__ = "login_throttle"

    username: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    failures: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False))
    locked_until: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))


class UserSession(SQLModel, table=True):
    """One login: the cookie carries a random token whose hash is kept here, so the server can end
    the session (logout, account disabled, password changed) and expire it (idle, absolute)."""

    __tablename__ = "user_session"

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    created_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    last_seen_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    ended_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
    end_reason: str = Field(default="", sa_column=sa.Column(sa.String(20), nullable=False))
