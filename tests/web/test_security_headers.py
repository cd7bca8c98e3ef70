"""Security headers on every answer, a Content-Security-Policy without inline scripts on pages,
and Secure cookies with HSTS when served behind TLS (CREDIT_BEHIND_TLS=1)."""
from __future__ import annotations

import datetime as dt
import re

from config import PROJECT_ROOT, Config
from tests.actions import csrf_token

INLINE = re.compile(r"<script(?![^>]*\ssrc=)|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def _directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


def test_pages_carry_the_security_headers(client, login_as, make_subject, make_record):
    login_as("reviewer")
    record = make_record(make_subject(), "PA-PENALTY", dt.date(2026, 10, 1), status="draft")
    for url in ("/", f"/records/{record.id}"):  # the record page holds the confirm and reject buttons
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        policy = _directives(response)
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
        assert "unsafe" not in response.headers["Content-Security-Policy"]
        assert "Strict-Transport-Security" not in response.headers


def test_other_answers_are_not_sniffed_or_framed_either(client):
    response = client.get("/assets/style.css")
    assert response.headers["X-Content-Type-Options"] == "nosniff" and response.headers["X-Frame-Options"] == "DENY"


def test_no_template_has_an_inline_script_style_or_handler():
    # The policy would block them in the browser: a page relying on one would silently break.
    offenders = [f"{path.relative_to(PROJECT_ROOT)}:{number}"
                 for path in sorted((PROJECT_ROOT / "templates").rglob("*.html"))
                 for number, line in enumerate(path.read_text().splitlines(), 1) if INLINE.search(line)]
    assert offenders == []


def test_behind_tls_cookies_are_secure_and_hsts_is_sent(app, client, monkeypatch, make_user):
    monkeypatch.setenv("CREDIT_BEHIND_TLS", "1")
    config = Config()
    assert config.BEHIND_TLS and config.SESSION_COOKIE_SECURE
    app.config.update(BEHIND_TLS=True, SESSION_COOKIE_SECURE=True)
    user = make_user("inspector")
    response = client.post("/login", data={"username": user.username, "password": "demo-password",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert "; Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
