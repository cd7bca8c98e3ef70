"""The one place that knows roles: who may open which view, and which subject a firm user may see.

Every view carries exactly one access rule, set by ``@public`` or ``@roles_required(...)`` and
stored on the view function (``ACCESS_ATTR``) so that the authorisation matrix test can read it.
A view without a rule is refused at run time (``deny_unclassified``), so forgetting the
decorator closes a page rather than opening it.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from credit.accounts.models import ROLES
from credit.accounts.sessions import load_user

PUBLIC = "public"
ACCESS_ATTR = "access_rule"
STAFF = ("inspector", "reviewer", "publisher", "admin")
ROLE_LABELS = {
    "inspector": _l("Inspector"),
    "reviewer": _l("Reviewer"),
    "publisher": _l("Publisher"),
    "admin": _l("Administrator"),
    "firm": _l("Firm or agency user"),
}

login_manager = LoginManager()
login_manager.login_view = "auth.login"
LOGIN_MESSAGE = _l("Please log in to open this page.")


def public(view: Callable) -> Callable:
    """Open to everyone, logged in or not (a deliberate choice, visible in the matrix test)."""
    setattr(view, ACCESS_ATTR, PUBLIC)
    return view


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """Only logged-in users holding one of ``roles``: anonymous -> login (401 under /api), else 403."""
    unknown = set(roles) - set(ROLES)
    if not roles or unknown:
        raise ValueError(f"roles_required needs known roles, got {roles!r}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        setattr(guarded, ACCESS_ATTR, frozenset(roles))
        return guarded

    return decorate


def access_rule(view: Callable) -> str | frozenset[str] | None:
    """``PUBLIC``, the set of allowed roles, or None for a view nobody classified."""
    return getattr(view, ACCESS_ATTR, None)


def is_static_endpoint(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")


def may_open(user, endpoint: str) -> bool:
    """Whether ``user`` passes the access rule of ``endpoint`` (used to build the navigation)."""
    view = current_app.view_functions.get(endpoint)
    rule = access_rule(view) if view else None
    if rule == PUBLIC:
        return True
    return bool(rule) and user.is_authenticated and user.role in rule


def can_see_subject(user, subject_id: int) -> bool:
    """Staff see every subject; a firm user only the subject its account is bound to."""
    if not user.is_authenticated:
        return False
    if user.role in STAFF:
        return True
    return user.role == "firm" and user.subject_id is not None and user.subject_id == subject_id


def require_subject_access(subject_id: int) -> None:
    """Abort with 403 unless the current user may see ``subject_id``."""
    if not can_see_subject(current_user, subject_id):
        abort(403)


# Read on every request, so a logout, an expired session, a disabled account or a changed role
# takes effect at once.
login_manager.user_loader(load_user)


@login_manager.unauthorized_handler
def _unauthorized():
    if request.path.startswith("/api/"):
        return jsonify(error="unauthorized", message=str(LOGIN_MESSAGE)), 401
    flash(LOGIN_MESSAGE, "info")
    # Only a page can be gone back to after login: a form's POST target cannot be opened by GET.
    back = request.full_path.rstrip("?") if request.method == "GET" else url_for("web.home")
    return redirect(url_for(login_manager.login_view, next=back))


def deny_unclassified() -> None:
    """before_request: a view that declares no access rule is closed, not open."""
    endpoint = request.endpoint
    if endpoint is None or is_static_endpoint(endpoint):
        return
    if access_rule(current_app.view_functions[endpoint]) is None:
        current_app.logger.error("view %s has no access rule (@public or @roles_required)", endpoint)
        abort(403)


def init_authz(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(deny_unclassified)
