"""API tokens (created, listed, revoked, found by their secret), the audit of every use, and the
import and export of the exchange rows (DESIGN section 11) a page at a time.

The imports and exports are the exchange's own (credit/exchange, credit/listing/imports.py); this
module only runs them for one request: rows from a request body, rejections collected for the
answer, a page of an export and the key the next page starts after.
"""
from __future__ import annotations

import datetime as dt
import io
import itertools
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.accounts.authz import API_SCOPES, token_usable
from credit.accounts.sessions import token_digest
from credit.api.models import ApiToken
from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.catalog.loader import Catalog
from credit.errors import InvalidInput, NotFound
from credit.exchange.formats import SourceRow, read_jsonl
from credit.exchange.services import ImportJob, ImportSummary, Key, Rejection

DEFAULT_DAYS = 365
MAX_DAYS = 5 * 366
# A prefix that says what the secret is (and lets secret scanners find one pasted somewhere).
TOKEN_PREFIX = "hnc_"
SHOWN_PREFIX = 12  # characters of a token kept to tell tokens apart in the list


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _scopes(scopes: Iterable[str]) -> str:
    chosen = set(scopes)
    unknown = sorted(chosen - set(API_SCOPES))
    if unknown:
        raise InvalidInput(f"未知的权限范围：{', '.join(unknown)}", f"unknown scopes: {', '.join(unknown)}", "scopes")
    if not chosen:
        raise InvalidInput("请至少选择一项权限范围", "choose at least one scope", "scopes")
    return " ".join(scope for scope in API_SCOPES if scope in chosen)


def create_token(session: Session, department: str, scopes: Iterable[str], days: int, actor: Actor,
                 now: dt.datetime) -> IssuedToken:
    """A new token for ``department`` with ``scopes``, valid for ``days`` days from ``now``."""
    department = (department or "").strip()
    if not department:
        raise InvalidInput("请填写使用令牌的部门", "enter the department that uses the token", "department")
    limit = ApiToken.__table__.c.department.type.length
    if len(department) > limit:
        raise InvalidInput(f"部门名称不能超过 {limit} 个字", f"the department must be at most {limit} characters",
                           "department")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"有效期须为 1 至 {MAX_DAYS} 天", f"the token must be valid for 1 to {MAX_DAYS} days", "days")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(department=department, scopes=_scopes(scopes), token_hash=token_digest(secret),
                     prefix=secret[:SHOWN_PREFIX], created_at=now, created_by=actor.name,
                     expires_at=now + dt.timedelta(days=days))
    session.add(token)
    session.flush()
    record_event(session, actor=actor.name, action="api_token.create", object_type="api_token", object_id=token.id,
                 data={"department": department, "scopes": token.scope_list, "expires_at": token.expires_at}, now=now)
    return IssuedToken(token, secret)


def tokens(session: Session) -> list[ApiToken]:
    """Every token, the newest first."""
    return list(session.exec(select(ApiToken).order_by(ApiToken.id.desc())))


def token_status(token: ApiToken, now: dt.datetime) -> str:
    """active, expired or revoked."""
    if token.revoked_at is not None:
        return "revoked"
    return "active" if token_usable(token, now) else "expired"


def revoke_token(session: Session, token_id: int, actor: Actor, now: dt.datetime) -> ApiToken:
    """Revoke a token at once (a status: the row and its audit trail stay)."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"令牌 {token_id} 不存在", f"no token {token_id}", "token")
    # Conditional, so that two admins revoking at once make one revocation and one audit event.
    table = ApiToken.__table__
    revoked = session.execute(sa.update(table).where(table.c.id == token.id, table.c.revoked_at.is_(None))
                              .values(revoked_at=now, revoked_by=actor.name)).rowcount
    if revoked:
        record_event(session, actor=actor.name, action="api_token.revoke", object_type="api_token",
                     object_id=token.id, data={"department": token.department}, now=now)
    session.refresh(token)
    return token


def find_token(session: Session, secret: str | None) -> ApiToken | None:
    """The token whose secret this is (usable or not), or None."""
    if not secret:
        return None
    return session.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(secret))).first()


def token_actor(token: ApiToken) -> Actor:
    """Who a token's requests act as, in the audit log and in the imported rows' history."""
    return Actor(None, f"api:{token.id}:{token.department}"[:64])


def record_use(session: Session, token: ApiToken, endpoint: str, method: str, path: str, status: int,
               now: dt.datetime) -> None:
    """One audit event per request made with a known token (refused ones too)."""
    token.last_used_at = now
    session.add(token)
    record_event(session, actor=token_actor(token).name, action="api.request", object_type="api_token",
                 object_id=token.id, data={"token_id": token.id, "department": token.department,
                                           "endpoint": endpoint, "method": method, "path": path[:200],
                                           "status": status}, now=now)


# ---------------------------------------------------------------------------------------------
# Import and export


@dataclass
class ApiImport:
    """What one import request did: the pipeline's counts and each rejected row."""

    summary: ImportSummary
    rejects: list[Rejection] = field(default_factory=list)


def array_rows(rows: list[dict]) -> Iterator[SourceRow]:
    """The rows of a JSON array body, numbered from 1 as lines are."""
    return (SourceRow(line, row) for line, row in enumerate(rows, 1))


def jsonl_rows(body: bytes) -> Iterator[SourceRow]:
    return read_jsonl(io.BytesIO(body))


def run_import(session: Session, rows: Iterable[SourceRow], importer: Callable, token: ApiToken, catalog: Catalog,
               now: dt.datetime, today: dt.date) -> ApiImport:
    """Rows through an import of the exchange (``importer(session, rows, job)``); the caller commits."""
    rejects: list[Rejection] = []
    job = ImportJob(source=f"api:{token.department}", actor=token_actor(token), now=now, today=today, catalog=catalog,
                    on_reject=rejects.append)
    return ApiImport(importer(session, rows, job), rejects)


def export_page(items: Iterator[tuple[Key, dict]], limit: int) -> tuple[list[dict], Key | None]:
    """One page from an export's (key, row) items asked for ``limit`` + 1 rows: the rows, and the key
    the next page starts after (None on the last page)."""
    page = list(itertools.islice(items, limit + 1))
    more = len(page) > limit
    page = page[:limit]
    return [row for _key, row in page], (page[-1][0] if more else None)
