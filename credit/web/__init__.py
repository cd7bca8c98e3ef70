"""Web layer wiring: blueprints, i18n, login, error pages and security headers are registered here."""
from __future__ import annotations

from flask import Flask, abort, current_app, g, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

from credit.accounts.authz import ROLE_LABELS, init_authz
from credit.accounts.web import resume_first
from credit.web.errors import init_errors
from credit.web.i18n import init_i18n
from credit.web.limits import init_limits
from credit.web.nav import SHORTCUTS, nav_items

csrf = CSRFProtect()
# Ids are INTEGER columns (32-bit on PostgreSQL): a larger number in a URL names nothing.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` that does not match above MAX_ID, so such a URL is a 404 rather than a database
    overflow (a 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _blueprints() -> list:
    # Each concept package contributes its blueprint; this is the one place that lists them.
    from credit.accounts.views import bp as auth_bp
    from credit.audit.views import bp as audit_bp
    from credit.inspection.views import bp as inspection_bp
    from credit.listing.views import bp as listing_bp
    from credit.cases.views import bp as cases_bp
    from credit.notices.views import bp as notices_bp
    from credit.notices.views import verify_bp
    from credit.scheduler.views import bp as jobs_bp
    from credit.subjects.views import bp as subjects_bp
    from credit.records.views import bp as records_bp
    from credit.web.views import bp as web_bp
    from credit.applications.views import bp as applications_bp
    from credit.portal.views import bp as portal_bp
    from credit.activation.views import bp as activation_bp
    from credit.users.views import bp as users_bp
    from credit.query.views import bp as query_bp
    from credit.api.views import BLUEPRINTS as api_blueprints

    return [*api_blueprints, web_bp, auth_bp, audit_bp, subjects_bp, records_bp, notices_bp, verify_bp, jobs_bp, applications_bp,
            portal_bp, activation_bp, users_bp, query_bp, inspection_bp, listing_bp, cases_bp]


def _forget_request_caches() -> None:
    # Flask-Login and Flask-WTF cache the user and the CSRF token on g, which lives as long as
    # the app context. When one is already pushed (the tests' session fixture) it spans several
    # requests, perhaps of different clients: each request must start from its own cookie.
    # Flask-Babel keeps the chosen language there too.
    g.pop("_login_user", None)
    g.pop("_flask_babel", None)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def _refuse_nul() -> None:
    # PostgreSQL cannot store or compare text with a NUL character (the driver raises, a 500): no
    # path, form or filter of this system takes one, so such a request is a bad request wherever it goes.
    if "\x00" in request.path or any(
            "\x00" in value for values in (request.args, request.form) for _, value in values.items(multi=True)):
        abort(400)


# Pages use no inline script or style and nothing from another site; no site may frame them (the
# confirm and reject buttons could otherwise be clicked through a decoy page).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"


def _security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if current_app.config["BEHIND_TLS"]:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_web(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.before_request(_forget_request_caches)
    app.before_request(_refuse_nul)
    init_i18n(app)
    init_authz(app)
    app.before_request(resume_first)
    app.after_request(_security_headers)
    csrf.init_app(app)
    init_errors(app)
    init_limits(app)
    app.jinja_env.globals.update(nav_items=nav_items, SHORTCUTS=SHORTCUTS, ROLE_LABELS=ROLE_LABELS)
    for blueprint in _blueprints():
        app.register_blueprint(blueprint)
    from credit.api.views import APIS

    for api in APIS:  # their routes go into the OpenAPI document too
        app.register_api(api)
        csrf.exempt(api)  # no cookie opens them: a token in a header, or nothing
