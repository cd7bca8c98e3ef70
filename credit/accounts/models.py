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
    failed_logins: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False))
    locked_until: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
    # Set when an admin resets the password: every page leads to the password change until done.
    must_change_password: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False,
                                                                          server_default=sa.false()))
    # Raised to end every session of the account (a cookie of an older generation is refused).
    session_generation: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
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


class ActivationCode(SQLModel, table=True):
    """A one-time code with which a firm opens its account (issued by staff, printed on grade notices).

    Only the SHA-256 of the code is kept: the codes are random (about 2**59), so a fast hash is as
    safe as a slow one, and the plain code exists only on the page or notice that shows it once.
    """

    __tablename__ = "activation_code"

    id: Optional[int] = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", nullable=False, index=True)
    code_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    issued_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    issued_by: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    expires_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    used_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
    used_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")


class ActivationThrottle(SQLModel, table=True):
    """Wrong activation codes in a row for one USCC, and the lock they led to."""

    __tablename__ = "activation_throttle"

    uscc: str = Field(sa_column=sa.Column(sa.String(18), primary_key=True))
    failures: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False))
    locked_until: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
