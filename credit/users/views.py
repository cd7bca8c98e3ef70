"""User administration for admins (/admin/users), the password change every user can reach, and
the check on each request that it needs: a user who must change the password is led to that page
first. (Ending a user's sessions ends them on the server: ``credit.accounts.sessions``.)"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from credit.users.services import (
    UserRow, change_own_password, change_role, create_staff, reset_password, search_users, set_active,
)
from credit.accounts.authz import SIGNED_IN, USER_ADMIN, is_static_endpoint, require, requires
from credit.users.forms import ChangePasswordForm, NewUserForm, ResetPasswordForm, RoleForm, UserSearchForm
from credit.accounts.models import User
from credit.accounts.services import end_sessions, locked_until, locked_users, unlock_user
from credit.accounts.views import safe_next
from credit.audit.actor import Actor
from credit.context import current, db
from credit.web.forms import submit

bp = Blueprint("users", __name__)
# What a user who must change the password may still open.
OPEN_WHILE_CHANGING = {"users.change_password", "accounts.logout", "web.set_language"}


@bp.before_app_request
def _check_session():
    if request.endpoint is None or is_static_endpoint(request.endpoint) or not current_user.is_authenticated:
        return None
    if current_user.must_change_password and request.endpoint not in OPEN_WHILE_CHANGING:
        flash(_("Please choose a new password before you go on."), "info")
        return redirect(url_for("users.change_password"))
    return None


def _actor() -> Actor:
    return Actor.of(current_user)


@bp.app_context_processor
def _helpers():
    return {"is_locked": lambda user: locked_until(db(), user.username, current().clock.now()) is not None}


@bp.route("/admin/users/")
@requires(USER_ADMIN)
def index():
    form = UserSearchForm(request.args)
    form.validate()
    page = search_users(db(), current().clock.now(), form.q.data or "", request.args.get("page", 1, type=int))
    return render_template("users/index.html", form=form, page=page, filters={"q": form.q.data} if form.q.data else {})


@bp.route("/admin/users/locked")
@requires(USER_ADMIN)
def locked_accounts():
    return render_template("users/locked.html", locked=locked_users(db(), current().clock.now()))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@requires(USER_ADMIN)
def new():
    form = NewUserForm()
    user, status = submit(form, lambda: create_staff(db(), form.username.data, form.display_name.data,
                                                     form.data["role"], form.password.data, _actor(),
                                                     current().clock.now()))
    if user:
        flash(_("Created the account %(username)s.", username=user.username), "success")
        return redirect(url_for("users.show", user_id=user.id))
    return render_template("users/new.html", form=form), status


def _render_user(user: User, status: int = 200, **forms):
    return render_template("users/show.html", row=UserRow(user, None, locked_until(db(), user.username, current().clock.now()) is not None), user=user,
                           role_form=forms.get("role_form") or RoleForm(obj=user),
                           password_form=forms.get("password_form") or ResetPasswordForm()), status


def _user(user_id: int) -> User:
    return require(USER_ADMIN, db().get(User, user_id))


@bp.route("/admin/users/<int:user_id>")
@requires(USER_ADMIN)
def show(user_id: int):
    return _render_user(_user(user_id))


@bp.route("/admin/users/<int:user_id>/role", methods=["POST"])
@requires(USER_ADMIN)
def set_role(user_id: int):
    user = _user(user_id)
    form = RoleForm()
    done, status = submit(form, lambda: change_role(db(), user, form.data["role"], _actor(), current().clock.now()))
    if done:
        flash(_("Saved the changes."), "success")
        return redirect(url_for("users.show", user_id=user_id))
    return _render_user(_user(user_id), status, role_form=form)


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@requires(USER_ADMIN)
def password(user_id: int):
    user = _user(user_id)
    form = ResetPasswordForm()
    done, status = submit(form, lambda: reset_password(db(), user, form.password.data, _actor(), current().clock.now()))
    if done:
        flash(_("The password was reset; the user must change it at the next login."), "success")
        return redirect(url_for("users.show", user_id=user_id))
    return _render_user(_user(user_id), status, password_form=form)


def _disable(session, user: User, actor: Actor, now):
    set_active(session, user, False, actor, now)
    return _l("The account was disabled.")


def _enable(session, user: User, actor: Actor, now):
    set_active(session, user, True, actor, now)
    return _l("The account was enabled.")


def _unlock(session, user: User, actor: Actor, now):
    if unlock_user(session, user.username, actor, now):
        return _l("%(name)s is unlocked.", name=user.username)
    return _l("%(name)s was not locked.", name=user.username)


def _end_sessions(session, user: User, actor: Actor, now):
    end_sessions(session, user, actor, now)
    return _l("Every session of the account was ended.")


# Each action returns the message that says what it did.
ACTIONS = {"disable": _disable, "enable": _enable, "unlock": _unlock, "end-sessions": _end_sessions}


@bp.route("/admin/users/<int:user_id>/<any(disable, enable, unlock, 'end-sessions'):action>", methods=["POST"])
@requires(USER_ADMIN)
def act(user_id: int, action: str):
    # The CSRF token is checked for every POST (CSRFProtect); a refusal is the error page with its reason.
    message = ACTIONS[action](db(), _user(user_id), _actor(), current().clock.now())
    db().commit()
    flash(message, "success")
    # A page that lists accounts (the locked accounts) sends its own address to come back to.
    return redirect(safe_next(request.form.get("next"), url_for("users.show", user_id=user_id)))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    done, status = submit(form, lambda: change_own_password(db(), current_user, form.current.data, form.password.data,
                                                            current().clock.now()))
    if done:
        flash(_("Your password was changed."), "success")
        return redirect(url_for("web.home"))
    return render_template("users/change_password.html", form=form), status
