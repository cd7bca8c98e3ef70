"""The notice archive (staff; a firm sees its own), the credit report on demand, and the public
verification page that confirms a notice by its code and shows nothing else."""
from __future__ import annotations

import datetime as dt
import math

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from credit.accounts.authz import STAFF, public, roles_required
from credit.audit.actor import Actor
from credit.context import current, db
from credit.notices.kinds import KINDS
from credit.notices.models import Notice
from credit.notices.services import NoticeFilter, current_settings, find_by_code, normalise_code, notice_path, search
from credit.notices.triggers import issue_credit_report
from credit.paging import Page
from credit.search import search_text
from credit.subjects.models import Subject
from credit.subjects.views import SUBJECT_PAGE_SECTIONS, SubjectSection

bp = Blueprint("notices", __name__, url_prefix="/notices")
verify_bp = Blueprint("verify", __name__, url_prefix="/verify")
READERS = (*STAFF, "firm")
PER_PAGE = 50
MAX_PAGE = 2**31 // PER_PAGE
FILTERS = ("kind", "q", "from", "to")


@bp.app_context_processor
def _labels():
    return {"NOTICE_KINDS": {code: kind.title for code, kind in KINDS.items()}}


def _own_subject() -> int | None:
    """A firm user is limited to its own subject; staff see every notice."""
    return current_user.subject_id if current_user.role == "firm" else None


def _date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/")
@roles_required(*READERS)
def index():
    criteria = NoticeFilter(kind=request.args.get("kind") if request.args.get("kind") in KINDS else None,
                            subject_id=_own_subject(), text=request.args.get("q", "").strip() or None,
                            issued_from=_date("from"), issued_to=_date("to"))
    if current_user.role == "firm" and criteria.subject_id is None:
        return render_template("notices/index.html", page=Page([], 1, PER_PAGE, 0), filters={})
    # Like every paged list: a page past the end shows the last one (and no offset overflows the database).
    number = min(max(1, request.args.get("page", 1, type=int)), MAX_PAGE)
    rows, total = search(db(), criteria, number, PER_PAGE)
    if number > 1 and number > math.ceil(total / PER_PAGE):
        number = max(1, math.ceil(total / PER_PAGE))
        rows, total = search(db(), criteria, number, PER_PAGE)
    # Only the filter fields: any other name (endpoint, _external...) would reach url_for as an argument.
    filters = {k: v for k, v in request.args.items() if k in FILTERS and v}
    return render_template("notices/index.html", page=Page(rows, number, PER_PAGE, total), filters=filters)


def _readable(notice: Notice | None) -> Notice:
    # A firm account bound to no subject reads nothing (not the notices that concern no subject).
    if notice is None or (current_user.role == "firm" and (current_user.subject_id is None
                                                           or notice.subject_id != current_user.subject_id)):
        abort(404)
    return notice


@bp.route("/<int:notice_id>.pdf")
@roles_required(*READERS)
def download(notice_id: int):
    notice = _readable(db().get(Notice, notice_id))
    path = notice_path(current_settings().storage_dir, notice.sha256)
    if not path.is_file():
        current_app.logger.error("notice %s: file %s is missing", notice.id, path)
        abort(404)
    return send_file(path, mimetype="application/pdf",
                     as_attachment=request.args.get("inline") is None,
                     download_name=f"{KINDS[notice.kind].title}-{notice.document_no}.pdf")


@bp.route("/credit-report/<int:subject_id>", methods=["POST"])
@roles_required(*READERS)
def credit_report(subject_id: int):
    subject = db().get(Subject, subject_id)
    if subject is None or (current_user.role == "firm" and current_user.subject_id != subject_id):
        abort(404)
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


def _subject_notices(session, subject: Subject) -> dict:
    rows, total = search(session, NoticeFilter(subject_id=subject.id), 1, 10)
    return {"notices": rows, "total": total, "subject": subject}


SUBJECT_PAGE_SECTIONS.append(SubjectSection("notices/_subject_section.html", _subject_notices))
