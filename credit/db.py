"""Engine and session handling: one way to open a session, for views, CLI and scheduler jobs.

Sessions come only from ``session_factory`` (the app's is ``credit.context.current().sessions``).
Services take a session and never commit: the request (views), the CLI command or the job runner
that opened it decides, with ``session_scope`` or by calling ``commit()`` itself.
"""
from __future__ import annotations

import contextlib
import itertools
import operator
import re
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import sessionmaker
from sqlalchemy.sql.functions import GenericFunction
from sqlmodel import Session, SQLModel

# Set before the first revision so that constraint names are stable across databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def import_models() -> sa.MetaData:
    """Import every model module so SQLModel.metadata is complete (Alembic and create_all need it)."""
    from credit import models  # noqa: F401  (registers all tables)

    return SQLModel.metadata


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    # SQLite enforces foreign keys only when asked, per connection.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# PostgreSQL's memory for a session's temporary tables, taken only as they grow: an import's chunk
# of 100,000 staged rows (about 50 MB) and a full run's staged results. With the default 8 MB they
# went through temporary files (1M records: 11 s of staging instead of 5.4 s). It can only be set
# before a session first touches a temporary table, hence at connection.
TEMP_BUFFERS = "256MB"


def make_engine(url: str, **kwargs) -> sa.Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("postgresql"):
        kwargs["connect_args"] = {"options": f"-c temp_buffers={TEMP_BUFFERS}", **kwargs.get("connect_args", {})}
    engine = sa.create_engine(url, future=True, **kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    sa.event.listen(engine, "handle_error", _keep_parameters)
    return engine


def session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    """The one way sessions are made. Loaded objects keep their values after a commit, so a page
    or a command can still show what it just saved without reloading it."""
    return sessionmaker(engine, class_=Session, expire_on_commit=False)


@contextlib.contextmanager
def session_scope(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on error, always close."""
    session = sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# The PostgreSQL advisory lock key of write_lock (the audit chain's appends take it too).
WRITE_LOCK = 724_311


def write_lock(session: Session) -> None:
    """Take the database's write lock now, for the rest of the transaction: writers go one at a time.

    For a check followed by the write it allows (is this event's notice issued yet, which serial
    is next, is this USCC registered): without it two requests both pass the check and the second
    write is a duplicate or a unique violation. Taking it before the check makes the second
    request wait and then see the first one's row.

    SQLite has one writer at a time, but pysqlite begins a transaction only at the first write,
    so a check before it reads outside any transaction: a write that changes nothing takes the
    lock now (waiting its turn, up to busy_timeout). PostgreSQL takes the advisory lock that
    appending to the audit chain takes anyway (every change writes an audit event, so this only
    takes it earlier) - one lock in one order, so no two writers wait for each other.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
    elif dialect == "sqlite":
        session.execute(sa.text("UPDATE audit_event SET id = id WHERE 0"))


def _keep_parameters(context) -> None:
    # An IntegrityError carries the driver's parameters (positional on SQLite); keep the named ones
    # too, so that unique_clash can say which values clashed on any database.
    if context.execution_context is not None and context.sqlalchemy_exception is not None:
        context.sqlalchemy_exception.named_parameters = context.execution_context.compiled_parameters


def unique_clash(err: sa.exc.IntegrityError) -> tuple[str, list[dict]] | None:
    """For a unique violation: the table and, for each row the statement wrote, its values of the
    violated constraint's columns. None for any other integrity error."""
    orig = err.orig
    if getattr(orig, "sqlstate", None) == "23505":  # PostgreSQL unique_violation: "Key (a, b)=(...) ..."
        table, detail = orig.diag.table_name, orig.diag.message_detail or ""
        columns = [c.strip().strip('"') for c in detail[detail.find("(") + 1:detail.find(")=")].split(",")]
    elif str(orig).startswith("UNIQUE constraint failed: "):  # SQLite: "... failed: subject.uscc, ..."
        pairs = [item.strip().split(".", 1) for item in str(orig).split(": ", 1)[1].split(",")]
        table, columns = pairs[0][0], [column for _table, column in pairs]
    else:
        return None
    rows = getattr(err, "named_parameters", None) or []
    return table, [{c: row[c] for c in columns} for row in rows if columns and all(c in row for c in columns)]


def bulk_insert(session: Session, table: sa.Table, rows: Iterable[dict], batch: int = 5000) -> None:
    """Append rows (dicts with the same keys) to a table in the session's transaction: COPY on
    PostgreSQL (several times faster than INSERT for thousands of rows), executemany elsewhere.
    The rows may be made as they are written: COPY sends each as it comes, so that the database
    takes in the first while the caller makes the next."""
    rows = iter(rows)
    if (first := next(rows, None)) is None:
        return
    names, rows = list(first), itertools.chain((first,), rows)
    if session.get_bind().dialect.name != "postgresql":
        while part := list(itertools.islice(rows, batch)):
            session.connection().execute(table.insert(), part)
        return
    # A row's values picked in C: a list made in Python cost a third of what COPY's own work did.
    # (itemgetter of one name gives the value itself, not a tuple of it.)
    values = operator.itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    with copy_into(session, table, names) as copy:
        for row in rows:
            copy.write_row(values(row))


def plain_rows(session: Session, statement: sa.Executable) -> list[tuple]:
    """All the rows of a statement as tuples. On PostgreSQL they come straight from the driver
    (psycopg's types: int, str, date), without a SQLAlchemy Row each: 50,000 rows in 55 ms
    instead of 130 ms. SQLite's driver gives dates as text, so there they come as Rows."""
    result = session.execute(statement)
    return result.cursor.fetchall() if session.get_bind().dialect.name == "postgresql" else result.all()


@contextlib.contextmanager
def copy_into(session: Session, table: sa.Table, names: list[str]) -> Iterator[Any]:
    """PostgreSQL: a COPY ... FROM STDIN of these columns in the session's transaction (psycopg's Copy)."""
    with session.connection().connection.driver_connection.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        yield copy


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# str.translate looks every character up (4.5 us for a 140-character value): only a value holding
# one of these goes through it, a search finds them (0.1 us).
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _copy_text(value: Any) -> str:
    text = str(value)
    return text if _COPY_SPECIAL.search(text) is None else text.translate(_COPY_ESCAPES)


def copy_line(values: Iterable[Any]) -> str:
    """A row in COPY's text format: None as \\N, booleans as t and f, anything else as its str()
    with backslash, tab, newline and carriage return escaped. Rows put together away from the
    connection (another thread) are then sent as one block: ``copy_into(...).write(text)``."""
    return "\t".join("\\N" if value is None else ("t" if value else "f") if type(value) is bool
                     else _copy_text(value) for value in values) + "\n"


BULK_SETTINGS = (
    # Sorting every counted record (an imported file's rows) in memory rather than in temporary files.
    "SET LOCAL work_mem = '256MB'",
    # JIT-compiling the scoring statement's many expressions took longer than running it (at
    # 100,000 subjects with the costs of 1,000,000: 7.2 s instead of 2.5 s).
    "SET LOCAL jit = off",
)


def bulk_settings(session: Session) -> None:
    """PostgreSQL settings for this transaction's statements over many rows (scoring everyone, an import)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for statement in BULK_SETTINGS:
        session.execute(sa.text(statement))


def refresh_statistics(session: Session, *models) -> None:
    """ANALYZE the tables of ``models`` after a bulk change, so the next plans fit the data."""
    for model in models:
        session.execute(sa.text(f'ANALYZE "{model.__tablename__}"'))


class greatest(GenericFunction):
    """GREATEST(a, b) on PostgreSQL, the two-argument max() on SQLite."""

    inherit_cache = True


class least(GenericFunction):
    inherit_cache = True


@compiles(greatest, "sqlite")
def _greatest_sqlite(element, compiler, **kw):
    return "max(%s)" % compiler.process(element.clauses, **kw)


@compiles(least, "sqlite")
def _least_sqlite(element, compiler, **kw):
    return "min(%s)" % compiler.process(element.clauses, **kw)
