"""Error pages: a short explanation in the page's language, the status code, never a traceback.

Under /api the same errors are JSON, made here alone (``api_error``): ``{"code", "message_zh",
"message_en", "details"}`` with the status, for every HTTP error, a DomainError, a request the
API's pydantic models refuse (422) and a rate limit (429). A DomainError raised by a service in a
view shows its own message with its own status; a missing or tampered CSRF token is a 400 that says so.
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

from credit.context import db
from credit.db import import_models, unique_clash
from credit.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from credit.i18n import both
from credit.web.i18n import domain_message

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    401: (_l("Login required"), _l("Please log in to open this page.")),
    403: (_l("Access denied"), _l("Your account is not allowed to open this page or perform this action.")),
    404: (_l("Page not found"), _l("The page or record you asked for does not exist. Check the address or go back to the home page.")),
    405: (_l("Method not allowed"), _l("This page cannot be used this way. Please use the buttons and links of the system.")),
    409: (_l("Conflict"), _l("The request conflicts with data already in the system.")),
    413: (_l("Upload too large"), _l("The data sent is larger than the system accepts. Please send a smaller file.")),
    500: (_l("Server error"), _l("Something went wrong on our side. The error has been logged; please try again later.")),
}
DUPLICATE_MESSAGE = _l("Someone else saved the same thing a moment before you (it must be unique), so nothing "
                       "of yours was saved. Open the existing one, or go back and check.")
# The page of a stored object a 409 links to, by object type (the table name): endpoint, argument.
OBJECT_PAGES = {
    "subject": ("subjects.show", "subject_id"),
    "record": ("records.show", "record_id"),
    "notice": ("notices.download", "notice_id"),
}
CSRF_MESSAGE = _l("The form has expired or did not come from this system (missing or invalid security token). "
                  "Please reload the page and submit it again.")


API_PREFIX = "/api/"
# The API's own words for each status (a page's words speak of pages and buttons), and its codes.
API_MESSAGES = {
    400: ("bad_request", _l("The request could not be understood.")),
    401: ("unauthorized", _l("A valid API token is required (Authorization: Bearer <token>): it is missing, "
                             "unknown, expired or revoked.")),
    403: ("forbidden", _l("The API token does not hold the scope this needs.")),
    404: ("not_found", _l("Nothing exists at this address.")),
    405: ("method_not_allowed", _l("This address does not take this method.")),
    409: ("conflict", MESSAGES[409][1]),
    413: ("too_large", MESSAGES[413][1]),
    415: ("unsupported_media_type", _l("Send JSON (application/json) or JSON Lines (application/x-ndjson).")),
    422: ("validation_error", _l("The request does not match the API document.")),
    429: ("too_many_requests", _l("Too many requests.")),
    500: ("server_error", MESSAGES[500][1]),
}
# A DomainError's code under /api, by its class (the most specific first).
DOMAIN_CODES = ((NotFound, "not_found"), (Conflict, "conflict"), (NotAllowed, "forbidden"), (InvalidInput, "invalid_input"))


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int, message=None, details=None, code: str | None = None, headers: dict | None = None) -> Response:
    """The JSON error of /api. ``message``: a (lazy) label, or (Chinese, English); by default the status's."""
    default_code, default_message = API_MESSAGES.get(status, API_MESSAGES[500 if status >= 500 else 400])
    message = message if message is not None else default_message
    zh, en = message if isinstance(message, tuple) else both(message)
    response = jsonify(code=code or default_code, message_zh=zh, message_en=en, details=details)
    response.status_code = status
    response.headers.update(headers or {})
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    return response


def validation_error(err: ValidationError) -> Response:
    """A request the API's models refuse (flask-openapi3's callback): 422 with pydantic's errors, without
    the values sent (a whole body could come back)."""
    return api_error(422, details=json.loads(err.json(include_url=False, include_input=False)))


def object_url(existing: tuple[str, int] | None) -> str | None:
    """The page of a stored object (object type, id), if it has one."""
    page = OBJECT_PAGES.get(existing[0]) if existing else None
    return url_for(page[0], **{page[1]: existing[1]}) if page else None


def render_error(status: int, detail=None, link: str | None = None, headers: dict | None = None):
    """The error page (JSON under /api); ``detail``, a (lazy) message, replaces the status's own."""
    if is_api_request():
        return api_error(status, detail, {"existing": link} if link else None, headers=headers)
    title, message = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    return render_template("errors/error.html", status=status, title=title, message=detail or message,
                           link=link), status, headers or {}


def _rollback() -> None:
    # Nothing a failed request started may be committed by a later one on the same session.
    db().rollback()


def _http_error(err: HTTPException):
    allowed = getattr(err, "valid_methods", None)  # a 405 says which methods the address takes
    return render_error(err.code or 500, headers={"Allow": ", ".join(allowed)} if allowed else None)


def _csrf_error(err: CSRFError):
    return render_error(400, CSRF_MESSAGE)


def _domain_error(err: DomainError):
    _rollback()
    link = object_url(err.existing) if isinstance(err, Conflict) else None
    if is_api_request():
        code = next((code for kind, code in DOMAIN_CODES if isinstance(err, kind)), "invalid_input")
        details = {key: value for key, value in (("field", err.field), ("existing", link)) if value}
        return api_error(err.status, (err.zh, err.en), details or None, code)
    return render_error(err.status, domain_message(err), link)


def _integrity_error(err: IntegrityError):
    """A unique violation the services' checks did not prevent: a 409 that links the stored one."""
    _rollback()
    current_app.logger.warning("integrity error answered 409: %s", err.orig)
    clash = unique_clash(err)
    table = import_models().tables.get(clash[0]) if clash else None
    for values in clash[1] if table is not None and "id" in table.c else []:
        existing = db().execute(sa.select(table.c.id).filter_by(**values).limit(1)).scalar()
        if existing is not None:
            return render_error(409, DUPLICATE_MESSAGE, object_url((table.name, existing)))
    return render_error(409, DUPLICATE_MESSAGE)


def _server_error(err: InternalServerError):
    _rollback()
    return render_error(500)


def init_errors(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(IntegrityError, _integrity_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(HTTPException, _http_error)
