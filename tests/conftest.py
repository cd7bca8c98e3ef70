"""Fixtures shared by every test: a migrated database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), a fixed clock, the app, a session, and factories.

Each xdist worker gets its own database, migrated once with Alembic (so every run also tests the
migrations); every test starts from empty tables.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from config import Config
from credit import create_app
from credit.accounts.authz import API_SCOPES
from credit.api.services import create_token
from credit.audit.actor import Actor
from credit.clock import FixedClock
from credit.context import db
from credit.db import import_models, make_engine
from credit.migrate import upgrade

pytest_plugins = ["tests.factories", "tests.actions"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
# Keep generated state (secret key, files) out of the working tree.
os.environ.setdefault("CREDIT_INSTANCE", tempfile.mkdtemp(prefix="credit-test-"))


def _fresh_postgres(base_url: str, name: str) -> str:
    url = sa.engine.make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin_url = url.set(database="postgres").render_as_string(hide_password=False)
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    if TEST_DATABASE_URL.startswith("postgresql"):
        base = sa.engine.make_url(TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)).database
        url = _fresh_postgres(TEST_DATABASE_URL, f"{base}_{worker_id}")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 11, 26, 10, 0))


def _empty_tables(engine: sa.Engine) -> None:
    tables = list(reversed(import_models().sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def app_config(database_url, tmp_path) -> Config:
    return Config(
        DATABASE_URL=database_url,
        TESTING=True,
        STORAGE_DIR=tmp_path / "files",
        SECRET_KEY="test-secret",
        RATELIMIT_ENABLED=False,  # tests/query/test_rate_limit.py turns the limit on
    )


@pytest.fixture
def app(app_config, clock):
    app = create_app(app_config, clock)
    yield app
    engine = app.extensions["credit"].engine
    _empty_tables(engine)
    engine.dispose()


@pytest.fixture
def ctx(app):
    return app.extensions["credit"]


@pytest.fixture
def stored_files(app):
    """Every file under STORAGE_DIR: the file store's, and anything left beside them."""
    return lambda: sorted(p for p in app.config["STORAGE_DIR"].rglob("*") if p.is_file())


@pytest.fixture
def session(app):
    with app.app_context():
        yield db()


@pytest.fixture
def make_token(session, clock):
    """API tokens as an admin creates them: the secret of a new token of ``department`` with ``scopes`` (default: every scope)."""

    def make(scopes=API_SCOPES, days: int = 365, department: str = "省知识产权局数据中心") -> str:
        issued = create_token(session, department, scopes, days, Actor(None, "test-admin"), clock.now())
        session.commit()
        return issued.secret

    return make


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


assert SQLModel  # the metadata all tables register on
