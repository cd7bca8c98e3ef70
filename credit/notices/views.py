"""The notice archive (staff; a firm sees its own), the credit report on demand, and the public
verification page that confirms a notice by its code and shows nothing else."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from credit.accounts.authz import CREDIT_REPORT, NOTICE_VIEW, public, require, requires, subject_scope
from credit.audit.actor import Actor
from credit.context import current, db
from credit.notices.kinds import KINDS
from credit.notices.models import Notice
from credit.notices.services import NoticeFilter, current_settings, find_by_code, normalise_code, search
from credit.notices.triggers import issue_credit_report
from credit.paging import Page
from credit.search import search_text
from credit.subjects.models import Subject

bp = Blueprint("notices", __name__, url_prefix="/notices")
verify_bp = Blueprint("verify", __name__, url_prefix="/verify")
PER_PAGE = 50
FILTERS = ("kind", "q", "from", "to")


@bp.app_context_processor
def _labels():
    return {"NOTICE_KINDS": {code: kind.title for code, kind in KINDS.items()}}


def _date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/")
@requires(NOTICE_VIEW)
def index():
    scope = subject_scope(current_user)
    if scope.empty:
        return render_template("notices/index.html", page=Page([], 1, PER_PAGE, 0), filters={})
    criteria = NoticeFilter(kind=request.args.get("kind") if request.args.get("kind") in KINDS else None,
                            subject_id=scope.subject_id, text=request.args.get("q", "").strip() or None,
                            issued_from=_date("from"), issued_to=_date("to"))
    page = search(db(), criteria, request.args.get("page", 1, type=int), PER_PAGE)
    # Only the filter fields: any other name (endpoint, _external...) would reach url_for as an argument.
    filters = {k: v for k, v in request.args.items() if k in FILTERS and v}
    return render_template("notices/index.html", page=page, filters=filters)


@bp.route("/<int:notice_id>.pdf")
@requires(NOTICE_VIEW)
def download(notice_id: int):
    notice = require(NOTICE_VIEW, db().get(Notice, notice_id))
    path = current().files.path(notice.sha256)
    if not path.is_file():
        current_app.logger.error("notice %s: file %s is missing", notice.id, path)
        abort(404)
    return send_file(path, mimetype="application/pdf",
                     as_attachment=request.args.get("inline") is None,
                     download_name=f"{KINDS[notice.kind].title}-{notice.document_no}.pdf")


@bp.route("/credit-report/<int:subject_id>", methods=["POST"])
@requires(CREDIT_REPORT)
def credit_report(subject_id: int):
    subject = require(CREDIT_REPORT, db().get(Subject, subject_id))
    ctx = current()
    notice = issue_credit_report(db(), current_settings(), ctx.catalog, subject, Actor.of(current_user),
                                 ctx.clock.now())
    db().commit()
    return redirect(url_for("notices.download", notice_id=notice.id))


@verify_bp.route("")
@public
def lookup():
    """The form's target: /verify?code=... -> /verify/<code>."""
    code = search_text(request.args.get("code"), "code")
    if not code:
        return render_template("notices/verify.html", notice=None, code="", asked=False)
    return redirect(url_for("verify.show", code=normalise_code(code) or code))


@verify_bp.route("/<code>")
@public
def show(code: str):
    notice = find_by_code(db(), code)
    status = 200 if notice else 404
    return render_template("notices/verify.html", notice=notice, code=code, asked=True), status
