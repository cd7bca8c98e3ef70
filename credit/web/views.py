"""The home page after login and the language switch."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from credit.accounts.authz import SIGNED_IN, public, requires, subject_scope
from credit.accounts.views import safe_next
from credit.context import db
from credit.signals import home_sections
from credit.web.dashboard import dashboard
from credit.web.i18n import LANGUAGES
from credit.web.sections import collect

bp = Blueprint("web", __name__, static_folder="static", static_url_path="/assets")


@bp.route("/")
@requires(SIGNED_IN)
def home():
    if not subject_scope(current_user).every:
        return redirect(url_for("portal.credit"))  # a firm's home is its credit page
    return render_template("home.html", board=dashboard(db(), current_user),
                           sections=collect(home_sections, current_user._get_current_object(), session=db()))


@bp.route("/language/<code>")
@public
def set_language(code: str):
    # A plain link (works without JavaScript); only a known language is stored.
    if code in LANGUAGES:
        session["language"] = code
    return redirect(safe_next(request.args.get("next"), url_for("web.home")))


@bp.route("/favicon.ico")
@public
def favicon():
    # Pages name the SVG icon; browsers, PDF viewers and bookmarks still ask for /favicon.ico.
    return bp.send_static_file("favicon.ico")
