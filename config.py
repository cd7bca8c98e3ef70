"""Configuration: the embedded default is a SQLite file under instance/; DATABASE_URL overrides.

Read once by ``credit.create_app``. Values come from the environment so that no secret lives in
the repository; SECRET_KEY is generated once into instance/ when the environment has none.
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
TIMEZONE = "Asia/Shanghai"


def instance_dir() -> Path:
    path = Path(os.environ.get("CREDIT_INSTANCE", PROJECT_ROOT / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(folder: Path) -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = folder / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    """Settings for one app instance; ``overrides`` wins over the environment (tests use it)."""

    def __init__(self, **overrides):
        folder = instance_dir()
        self.INSTANCE_DIR = folder
        self.DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'credit.db'}"
        self.SECRET_KEY = _secret_key(folder)
        self.TIMEZONE = TIMEZONE
        self.RULES_DIR = Path(os.environ.get("CREDIT_RULES_DIR", PROJECT_ROOT / "rules"))
        self.STORAGE_DIR = Path(os.environ.get("CREDIT_STORAGE_DIR", folder / "files"))
        self.MAX_UPLOAD_MB = int(os.environ.get("CREDIT_MAX_UPLOAD_MB", "20"))
        self.MAX_CONTENT_LENGTH = (self.MAX_UPLOAD_MB + 1) * 1024 * 1024
        self.AUTHORITY_NAME = os.environ.get("CREDIT_AUTHORITY", "淮南市市场监督管理局（知识产权局）")
        # Where the public reaches /verify/<code>: printed in every notice's QR code and link.
        # `credit serve` and `credit scheduler` warn when it is left at this machine on PostgreSQL.
        self.PUBLIC_BASE_URL = os.environ.get("CREDIT_PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
        # The office printed in each notice's 版记 as the one that issues it (印发机关).
        self.ISSUING_OFFICE = os.environ.get("CREDIT_ISSUING_OFFICE", "淮南市市场监督管理局办公室")
        # The bureau's licensed TrueType files of 方正小标宋 (titles) and 仿宋_GB2312 (body text);
        # unset, free substitutes stand in. A missing or non-TrueType file is refused at start.
        self.FONT_TITLE = os.environ.get("CREDIT_FONT_TITLE") or None
        self.FONT_BODY = os.environ.get("CREDIT_FONT_BODY") or None
        # Terms that notices state: a firm's objection window [baseline] and the list period
        # (three years from the listing decision, SAMR Order 44).
        self.OBJECTION_WORKING_DAYS = int(os.environ.get("CREDIT_OBJECTION_WORKING_DAYS", "15"))
        self.LISTING_YEARS = int(os.environ.get("CREDIT_LISTING_YEARS", "3"))
        # Training and test environments only: an instant (ISO 8601, e.g. 2026-12-01T08:00+08:00)
        # the whole system takes as "now", so a class or a test sees the same day every time.
        # `credit serve` and `credit scheduler` warn loudly when it is set.
        self.CLOCK_AT = os.environ.get("CREDIT_CLOCK_AT") or None
        # A listing decision needs the upper level's consent recorded first (SAMR Order 44).
        self.LISTING_UPPER_CONSENT = os.environ.get("CREDIT_LISTING_UPPER_CONSENT", "1") != "0"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # Served behind the reverse proxy's TLS: the cookie is sent over HTTPS only, and browsers
        # are told (HSTS) never to use plain HTTP for this site again.
        self.BEHIND_TLS = os.environ.get("CREDIT_BEHIND_TLS", "0") == "1"
        self.SESSION_COOKIE_SECURE = self.BEHIND_TLS
        # A login ends after this long without a request, and after this long in any case.
        self.SESSION_IDLE_MINUTES = int(os.environ.get("CREDIT_SESSION_IDLE_MINUTES", "30"))
        self.SESSION_MAX_HOURS = int(os.environ.get("CREDIT_SESSION_MAX_HOURS", "12"))
        # Flask refuses a signed cookie older than this (its default is 31 days).
        self.PERMANENT_SESSION_LIFETIME = dt.timedelta(hours=self.SESSION_MAX_HOURS)
        self.WTF_CSRF_ENABLED = True
        self.BABEL_DEFAULT_LOCALE = "zh_CN"
        self.BABEL_DEFAULT_TIMEZONE = TIMEZONE
        self.BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "credit" / "translations")
        # The public query's limit per client address (Flask-Limiter syntax); RATELIMIT_ENABLED off disables.
        self.RATELIMIT_PUBLIC_QUERY = os.environ.get("CREDIT_QUERY_RATE_LIMIT", "30 per minute")
        self.RATELIMIT_ENABLED = os.environ.get("CREDIT_RATE_LIMITS", "1") == "1"
        self.TESTING = False
        for key, value in overrides.items():
            setattr(self, key, value)

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}
