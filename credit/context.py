"""What every view, CLI command and scheduler job needs: the engine, the clock, the catalog, the
working calendar and the file store."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from credit.catalog.loader import Catalog, load_catalog
from credit.clock import Clock
from credit.dates import WorkingCalendar, load_calendar
from credit.db import import_models, make_engine, session_factory
from credit.files import FileStore


@dataclass
class CreditContext:
    engine: sa.Engine
    clock: Clock
    rules_dir: Path
    files: FileStore

    @classmethod
    def build(cls, config, clock: Clock) -> "CreditContext":
        import_models()
        return cls(make_engine(config.DATABASE_URL), clock, Path(config.RULES_DIR), FileStore(config.STORAGE_DIR))

    @property
    def catalog(self) -> Catalog:
        return load_catalog(self.rules_dir)

    @property
    def calendar(self) -> WorkingCalendar:
        """Working days for deadlines; a year an admin adds under rules/calendar counts at once."""
        return load_calendar(self.rules_dir / "calendar")

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """The app's session factory: requests, CLI commands and job runs all open sessions here."""
        return session_factory(self.engine)


def current() -> CreditContext:
    return current_app.extensions["credit"]


def db() -> Session:
    """The request's (or CLI command's) session, closed when the app context ends.

    The view or command commits it; services only add to it.
    """
    if "db_session" not in g:
        g.db_session = current().sessions()
    return g.db_session


def close_db(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
