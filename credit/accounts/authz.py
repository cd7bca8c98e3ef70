"""The one place that knows roles: who may do what, to which object.

Each permission is named once below (``SUBJECT_EDIT``, ``RECORD_DECIDE``...) with the roles that
hold it. One question answers everything, as Indico's ``can_edit_note`` does for notes:
``can(user, permission, obj=None)``. Views ask it through ``@requires(permission)`` (the route)
and ``require(permission, obj)`` (the object); templates ask it as ``can("subject.edit", subject)``.

Routes: every view carries exactly one access rule, set by ``@public`` or ``@requires(...)`` and
stored on the view function (``ACCESS_ATTR``, the roles) so that the authorisation matrix test can
read it. A view without a rule is refused at run time (``deny_unclassified``), so forgetting the
decorator closes a page rather than opening it.

API: a department's system calls the token routes under /api/v1 with a token, not a login. A
token holds scopes (``API_SCOPES``) instead of a role; such a route is marked ``@requires_scope``
(its rule is a ``Scope``) and ``token_refusal`` answers whether a token may use it: 401 for a
missing, unknown, expired or revoked token, 403 for one without the scope.

Objects: an account of a role in ``SUBJECT_BOUND`` (a firm user) is bound to one subject and sees
nothing of any other; for such an object ``require`` answers 404, exactly as for an id that does
not exist, so a firm cannot even learn that another subject's record or notice exists.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from credit.accounts.models import ADMIN, FIRM, INSPECTOR, PUBLISHER, REVIEWER, ROLES, User
from credit.clock import to_local
from credit.context import db
from credit.subjects.models import Subject
from credit.records.models import Evidence, Record
from credit.accounts.web import load_user

PUBLIC = "public"
ACCESS_ATTR = "access_rule"
EVERYONE = frozenset(ROLES)
# Accounts of these roles are bound to one subject (User.subject_id) and see only its data.
SUBJECT_BOUND = frozenset({FIRM})
STAFF = EVERYONE - SUBJECT_BOUND
ROLE_LABELS = {
    INSPECTOR: _l("Inspector"),
    REVIEWER: _l("Reviewer"),
    PUBLISHER: _l("Publisher"),
    ADMIN: _l("Administrator"),
    FIRM: _l("Firm or agency user"),
}

T = TypeVar("T")


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    # A further condition on the object, beyond the subject scope every object rule applies.
    check: Callable[[Any, Any], bool] | None = None


def _assigned_to_check(user, check) -> bool:
    # A check's result is entered by one of the two inspectors the draw sent.
    return user.id in check.inspector_ids


def _not_own_draft(user, record: Record) -> bool:
    # Four eyes (DESIGN section 4): a draft is confirmed by a reviewer who did not record it.
    return not (record.status == "draft" and record.recorded_by_id == user.id)


def _not_own_proposal(user, procedure) -> bool:
    # Order 44: the listing is decided by an officer other than the one who proposed it.
    return procedure.proposed_by_id != user.id


SIGNED_IN = "signed_in"
AUDIT_VIEW = "audit.view"
JOBS_VIEW = "jobs.view"
SUBJECT_SEARCH = "subject.search"
SUBJECT_VIEW = "subject.view"
SUBJECT_EDIT = "subject.edit"
CREDIT_REPORT = "subject.credit_report"
RECORD_VIEW = "record.view"
RECORD_WRITE = "record.write"
RECORD_DECIDE = "record.decide"
RECORD_CONFIRM = "record.confirm"
EVIDENCE_VIEW = "evidence.view"
NOTICE_VIEW = "notice.view"
USER_ADMIN = "user.admin"
INSPECTION_VIEW = "inspection.view"
INSPECTION_DRAFT = "inspection.draft"
INSPECTION_PUBLISH = "inspection.publish"
INSPECTION_RESULT = "inspection.result"
INSPECTION_CONFLICT = "inspection.conflict"
FIRM_PORTAL = "firm.portal"
APPLICATION_SUBMIT = "application.submit"
APPLICATION_VIEW = "application.view"
APPLICATION_DECIDE = "application.decide"
ACTIVATION_ISSUE = "activation.issue"
LIST_WORK = "list.work"
LIST_PROPOSE = "list.propose"
LIST_SERVE = "list.serve"
LIST_CONSENT = "list.consent"
LIST_DECIDE = "list.decide"
LIST_PUBLISH = "list.publish"
LIST_ENTRY_ADD = "list.entry_add"
LIST_REMOVAL_APPLY = "list.removal_apply"
CASE_VIEW = "case.view"
CASE_WORK = "case.work"
CASE_DECIDE = "case.decide"
CASE_STEP = "case.step"
API_TOKEN_ADMIN = "api.tokens"

# What a department's API token may do (each token route under /api/v1 needs one of them).
SUBJECTS_READ, SUBJECTS_WRITE = "subjects:read", "subjects:write"
RECORDS_READ, RECORDS_WRITE = "records:read", "records:write"
LIST_READ, LIST_WRITE = "list:read", "list:write"
ASSESSMENTS_READ = "assessments:read"
SCOPE_LABELS = {
    SUBJECTS_READ: _l("Export subjects"),
    SUBJECTS_WRITE: _l("Import subjects"),
    RECORDS_READ: _l("Export records"),
    RECORDS_WRITE: _l("Import records"),
    LIST_READ: _l("Export list entries"),
    LIST_WRITE: _l("Import list entries decided elsewhere"),
    ASSESSMENTS_READ: _l("Export assessments"),
}
API_SCOPES = tuple(SCOPE_LABELS)

RULES: dict[str, Rule] = {
    SIGNED_IN: Rule(EVERYONE),
    AUDIT_VIEW: Rule(frozenset({ADMIN})),
    JOBS_VIEW: Rule(frozenset({ADMIN})),
    # The registry as a whole (search, export, figures) is for staff; a firm sees its own subject.
    SUBJECT_SEARCH: Rule(STAFF),
    SUBJECT_VIEW: Rule(EVERYONE),
    SUBJECT_EDIT: Rule(frozenset({INSPECTOR, ADMIN})),
    CREDIT_REPORT: Rule(EVERYONE),
    RECORD_VIEW: Rule(EVERYONE),
    # Record a violation, and add evidence to it while it awaits review.
    RECORD_WRITE: Rule(frozenset({INSPECTOR, ADMIN})),
    # Deciding on records is the reviewer's job alone (DESIGN section 2), so the four eyes are two roles.
    RECORD_DECIDE: Rule(frozenset({REVIEWER})),
    RECORD_CONFIRM: Rule(frozenset({REVIEWER}), _not_own_draft),
    EVIDENCE_VIEW: Rule(EVERYONE),
    NOTICE_VIEW: Rule(EVERYONE),
    # Accounts: unlock, and the user administration pages.
    USER_ADMIN: Rule(frozenset({ADMIN})),
    # Random inspection plans (双随机、一公开): staff see the plans with their internal fields, the
    # public the published ones (/inspections); a publisher approves and publishes (DESIGN section 2).
    INSPECTION_VIEW: Rule(STAFF),
    INSPECTION_DRAFT: Rule(frozenset({INSPECTOR, PUBLISHER, ADMIN})),
    INSPECTION_PUBLISH: Rule(frozenset({PUBLISHER})),
    INSPECTION_RESULT: Rule(frozenset({INSPECTOR}), _assigned_to_check),
    INSPECTION_CONFLICT: Rule(frozenset({INSPECTOR})),
    # The firm's own credit page, and what it applies for (DESIGN 6 and 7): objections to its records
    # and list entries, repairs, early removal from the list.
    FIRM_PORTAL: Rule(SUBJECT_BOUND),
    APPLICATION_SUBMIT: Rule(SUBJECT_BOUND),
    APPLICATION_VIEW: Rule(EVERYONE),
    APPLICATION_DECIDE: Rule(frozenset({REVIEWER})),
    # Activation codes let a firm open its account; staff who register subjects hand them out.
    ACTIVATION_ISSUE: Rule(frozenset({INSPECTOR, ADMIN})),
    # The serious-dishonesty list: candidates, work queue, procedures and entries for the staff who
    # work them; each step of the procedure for one role (DESIGN sections 2 and 6).
    LIST_WORK: Rule(frozenset({INSPECTOR, REVIEWER, PUBLISHER})),
    LIST_PROPOSE: Rule(frozenset({INSPECTOR})),
    LIST_SERVE: Rule(frozenset({INSPECTOR})),  # the prior notice served, the party heard
    LIST_CONSENT: Rule(frozenset({REVIEWER})),
    LIST_DECIDE: Rule(frozenset({REVIEWER}), _not_own_proposal),
    LIST_PUBLISH: Rule(frozenset({PUBLISHER})),
    LIST_ENTRY_ADD: Rule(frozenset({REVIEWER})),  # entries decided by another authority
    # An early-removal application received on paper; it is decided like the firm's online ones
    # (APPLICATION_DECIDE).
    LIST_REMOVAL_APPLY: Rule(frozenset({INSPECTOR})),
    # Blue Sky cases: the case log is the bureau's own; inspectors handle the cases, and opening
    # one, the decision and a longer time limit are approved by a reviewer (not the handler).
    CASE_VIEW: Rule(STAFF),
    CASE_WORK: Rule(frozenset({INSPECTOR})),
    CASE_DECIDE: Rule(frozenset({REVIEWER})),
    # Taking a case a step further: each step names which of the two it needs (credit/cases/services.py).
    CASE_STEP: Rule(frozenset({INSPECTOR, REVIEWER})),
    # Tokens for department integrations of the API are created and revoked by an admin.
    API_TOKEN_ADMIN: Rule(frozenset({ADMIN})),
}

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
LOGIN_MESSAGE = _l("Please log in to open this page.")
_ANY = object()  # no particular object: the question is about the route


def _rule(permission: str) -> Rule:
    try:
        return RULES[permission]
    except KeyError:
        raise ValueError(f"unknown permission {permission!r}") from None


def _subject_of(obj) -> int | None:
    """The subject an object belongs to (None for a notice that concerns no subject)."""
    if isinstance(obj, Subject):
        return obj.id
    if isinstance(obj, Evidence):
        return db().get(Record, obj.record_id).subject_id
    return obj.subject_id  # a record, a notice, an application, a list entry


def _in_scope(user, obj) -> bool:
    if user.role not in SUBJECT_BOUND:
        return True
    return user.subject_id is not None and _subject_of(obj) == user.subject_id


def _refusal(user, permission: str, obj: Any) -> int | None:
    """None if allowed, else the status that refuses: 403 when the role lacks the permission or a
    further object rule says no, 404 when the object does not exist or is not the user's to know of."""
    rule = _rule(permission)
    if not getattr(user, "is_authenticated", False) or user.role not in rule.roles:
        return 403
    if obj is _ANY:
        return None
    if obj is None or not _in_scope(user, obj):
        return 404
    if rule.check is not None and not rule.check(user, obj):
        return 403
    return None


def can(user, permission: str, obj: Any = _ANY) -> bool:
    """Whether ``user`` may ``permission`` at all, or, given ``obj``, to that object (a subject,
    record, evidence file or notice; None, an object that does not exist, is never allowed)."""
    return _refusal(user, permission, obj) is None


def require(permission: str, obj: T | None) -> T:
    """``obj`` if the current user may ``permission`` it; else abort with 404 (it does not exist, or
    lies outside the user's subject: the same answer, so nothing leaks) or 403."""
    status = _refusal(current_user, permission, obj)
    if status is not None:
        abort(status)
    return obj


@dataclass(frozen=True)
class SubjectScope:
    """Whose rows a list may show: every subject's, or only ``subject_id``'s (none if that is None)."""

    every: bool
    subject_id: int | None = None

    @property
    def empty(self) -> bool:
        return not self.every and self.subject_id is None


def subject_scope(user) -> SubjectScope:
    if user.role in SUBJECT_BOUND:
        return SubjectScope(False, user.subject_id)
    return SubjectScope(True)


def users_holding(session, permission: str) -> list[User]:
    """The enabled users whose role holds ``permission``, by id (e.g. the inspectors a draw may send)."""
    from sqlmodel import select

    return list(session.exec(select(User).where(User.role.in_(_rule(permission).roles), User.is_active)
                             .order_by(User.id)))
def staff_role_choices() -> list[tuple[str, str]]:
    """(role, label) of the roles an admin gives staff accounts, in the order of ROLES."""
    return [(role, ROLE_LABELS[role]) for role in ROLES if role in STAFF]


def is_bound_to_subject(role: str) -> bool:
    """Whether accounts of ``role`` belong to one subject (and must name it)."""
    return role in SUBJECT_BOUND


def public(view: Callable) -> Callable:
    """Open to everyone, logged in or not (a deliberate choice, visible in the matrix test)."""
    setattr(view, ACCESS_ATTR, PUBLIC)
    return view


def requires(permission: str) -> Callable[[Callable], Callable]:
    """Only logged-in users whose role holds ``permission``: anonymous -> login (401 under /api), else 403
    (404 to a firm user on a route that names an object)."""
    roles = _rule(permission).roles

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, permission):
                # A firm asking for a staff object by its id learns nothing of it: the same 404 as
                # for another subject's object or an id that names nothing.
                names_object = any(isinstance(value, int) for value in kwargs.values())
                abort(404 if names_object and is_bound_to_subject(current_user.role) else 403)
            return view(*args, **kwargs)

        setattr(guarded, ACCESS_ATTR, roles)
        return guarded

    return decorate


@dataclass(frozen=True)
class Scope:
    """The access rule of an API route for department integrations: a token holding ``name``."""

    name: str


def requires_scope(scope: str) -> Callable[[Callable], Callable]:
    """Only requests with an API token that holds ``scope`` (checked before the view by the API's
    blueprint, which asks ``token_refusal``); a login opens nothing here."""
    if scope not in API_SCOPES:
        raise ValueError(f"unknown API scope {scope!r}")

    def decorate(view: Callable) -> Callable:
        setattr(view, ACCESS_ATTR, Scope(scope))
        return view

    return decorate


def token_usable(token, now: dt.datetime) -> bool:
    """Whether an API token (an ``ApiToken``) is neither revoked nor expired at ``now``."""
    return token.revoked_at is None and to_local(token.expires_at) > now


def token_refusal(token, scope: str, now: dt.datetime) -> int | None:
    """None if ``token`` may use a route that needs ``scope`` at ``now``; 401 when it is missing
    (None: no token, or one nobody issued), expired or revoked; 403 when it lacks the scope."""
    if token is None or not token_usable(token, now):
        return 401
    if scope not in token.scope_list:
        return 403
    return None


def access_rule(view: Callable) -> str | frozenset[str] | Scope | None:
    """``PUBLIC``, the set of allowed roles, a ``Scope`` (API tokens), or None for a view nobody classified."""
    return getattr(view, ACCESS_ATTR, None)


def is_static_endpoint(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")


def may_open(user, endpoint: str) -> bool:
    """Whether ``user`` passes the access rule of ``endpoint`` (used to build the navigation)."""
    view = current_app.view_functions.get(endpoint)
    rule = access_rule(view) if view else None
    if rule == PUBLIC:
        return True
    if isinstance(rule, Scope):  # a token's route: no page for a person
        return False
    return bool(rule) and user.is_authenticated and user.role in rule


def _can_current_user(permission: str, obj: Any = _ANY) -> bool:
    """``can`` for templates, about the user of the request."""
    return can(current_user, permission, obj)


# Read on every request, so a logout, an expired session, a disabled account or a changed role
# takes effect at once.
login_manager.user_loader(load_user)


@login_manager.unauthorized_handler
def _unauthorized():
    if request.path.startswith("/api/"):
        abort(401)  # the API's JSON error (credit/web/errors.py)
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
        current_app.logger.error("view %s has no access rule (@public or @requires)", endpoint)
        abort(403)


def init_authz(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(deny_unclassified)
    app.jinja_env.globals["can"] = _can_current_user
