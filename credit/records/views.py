"""Recording violations with evidence, and the four-eyes review: confirm, reject, revoke."""
from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from credit.accounts.authz import (EVIDENCE_VIEW, RECORD_DECIDE, RECORD_VIEW, RECORD_WRITE, require,
                                   requires)
from credit.audit.actor import Actor
from credit.context import current, db
from credit.subjects.models import Subject
from credit.records.forms import EVIDENCE_HELP, DecisionForm, EvidenceForm, RecordForm, rule_choices
from credit.records.models import CATEGORIES, PENALTY_KINDS, Evidence
from credit.records.queries import RecordDetail, record_detail, review_queue
from credit.records.services import (
    STATUS_LABELS, TRANSITIONS, RecordInput, record_violation, require_evidence, transition,
)
from credit.records.storage import attach_evidence
from credit.signals import record_page_sections
from credit.web.forms import submit
from credit.web.sections import collect

bp = Blueprint("records", __name__)
DECISIONS = {"confirm": "confirmed", "reject": "rejected", "revoke": "revoked"}


@bp.app_template_filter("record_status")
def record_status(status: str) -> str:
    return str(STATUS_LABELS[status])


@bp.app_template_filter("penalty")
def penalty(kind: str | None, amount=None) -> str:
    """警告, 罚款（50,000.00 元）, or — when the record states none."""
    if not kind:
        return "—"
    label = str(PENALTY_KINDS.get(kind, kind))
    return f"{label}（{amount:,.2f} 元）" if amount is not None else label


@bp.app_context_processor
def _labels():
    return {"CATEGORIES": CATEGORIES}


def _max_bytes() -> int:
    return current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def _evidence_help() -> str:
    return EVIDENCE_HELP % {"mb": current_app.config["MAX_UPLOAD_MB"]}


def _detail(record_id: int, permission: str) -> RecordDetail:
    """The record in full if the current user may ``permission`` it (else 404 or 403)."""
    detail = record_detail(db(), record_id)
    require(permission, detail.record if detail else None)
    return detail


def _render_record(detail: RecordDetail, status: int = 200, decisions: dict | None = None,
                   evidence_form: EvidenceForm | None = None):
    """The record page with the forms its status allows; a form that failed keeps its errors
    (unless someone else has since moved the record, so that form no longer applies)."""
    record = detail.record
    allowed = [action for action, to in DECISIONS.items() if to in TRANSITIONS[record.status]]
    forms = {action: DecisionForm(prefix=action, seen=record.status) for action in allowed}
    for action, form in (decisions or {}).items():
        if action in allowed:
            forms[action] = form
    problems = [error for action, form in (decisions or {}).items() if action not in allowed
                for error in form.form_errors]
    evidence_form = evidence_form or EvidenceForm()
    evidence_form.evidence.description = _evidence_help()
    rule = current().catalog.any_rule(record.rule_code)
    sections = collect(record_page_sections, record, session=db())
    return render_template("records/show.html", detail=detail, record=record, rule=rule, decisions=forms,
                           evidence_form=evidence_form, problems=problems, sections=sections), status


@bp.route("/subjects/<int:subject_id>/records/new", methods=["GET", "POST"])
@requires(RECORD_WRITE)
def new(subject_id: int):
    subject = require(RECORD_WRITE, db().get(Subject, subject_id))
    ctx = current()
    today = ctx.clock.today()
    form = RecordForm()
    form.rule_code.choices = rule_choices(ctx.catalog.in_force(today), subject.kind)
    form.evidence.description = _evidence_help()
    if not form.is_submitted():
        form.authority.data = current_app.config["AUTHORITY_NAME"]

    def save():
        actor, now = Actor.of(current_user), ctx.clock.now()
        data = RecordInput(form.rule_code.data, form.decision_date.data, form.document_no.data or "",
                           form.authority.data, form.facts.data, form.category.data or None,
                           form.penalty_kind.data or None, form.penalty_amount.data)
        record = record_violation(db(), ctx.catalog, subject, data, actor, now, today)
        attach_evidence(db(), ctx.files, record, form.evidence.data or [], actor, now, _max_bytes())
        require_evidence(db(), ctx.catalog, record)
        return record

    record, status = submit(form, save)
    if record:
        flash(_("The record was saved and awaits review by a reviewer."), "success")
        return redirect(url_for("records.show", record_id=record.id))
    return render_template("records/new.html", form=form, subject=subject), status


@bp.route("/records/<int:record_id>")
@requires(RECORD_VIEW)
def show(record_id: int):
    return _render_record(_detail(record_id, RECORD_VIEW))


@bp.route("/records/<int:record_id>/evidence", methods=["POST"])
@requires(RECORD_WRITE)
def add_evidence(record_id: int):
    detail = _detail(record_id, RECORD_WRITE)
    form, ctx = EvidenceForm(), current()
    added, status = submit(form, lambda: attach_evidence(db(), ctx.files, detail.record, form.evidence.data,
                                                         Actor.of(current_user), ctx.clock.now(), _max_bytes()))
    if added:
        flash(_("The evidence was added."), "success")
        return redirect(url_for("records.show", record_id=record_id))
    return _render_record(_detail(record_id, RECORD_WRITE), status, evidence_form=form)


@bp.route("/records/<int:record_id>/<any(confirm, reject, revoke):action>", methods=["POST"])
@requires(RECORD_DECIDE)
def decide(record_id: int, action: str):
    detail = _detail(record_id, RECORD_DECIDE)
    form, ctx = DecisionForm(prefix=action), current()
    decided, status = submit(form, lambda: transition(
        db(), ctx.catalog, detail.record, DECISIONS[action], Actor.of(current_user), ctx.clock.now(),
        ctx.clock.today(), reason=form.reason.data or "", seen=form.seen.data or None))
    if decided:
        flash(_("The record is now “%(status)s”; the credit assessment was recomputed.",
                status=record_status(DECISIONS[action])), "success")
        return redirect(url_for("subjects.show", subject_id=detail.subject.id))
    return _render_record(_detail(record_id, RECORD_DECIDE), status, decisions={action: form})


@bp.route("/records/review")
@requires(RECORD_DECIDE)
def review():
    return render_template("records/review.html", rows=review_queue(db()))


@bp.route("/evidence/<int:evidence_id>")
@requires(EVIDENCE_VIEW)
def download(evidence_id: int):
    evidence = require(EVIDENCE_VIEW, db().get(Evidence, evidence_id))
    return send_stored(evidence.sha256, evidence.content_type, evidence.filename, f"evidence-{evidence.id}")


def send_stored(sha256: str, content_type: str, filename: str, fallback_stem: str):
    """A file of the store as a download (evidence, an application's attachment)."""
    path = current().files.path(sha256)
    if not path.is_file():
        current_app.logger.error("%s: file %s is missing", fallback_stem, path)
        abort(404)
    response = send_file(path, mimetype=content_type, max_age=0)
    # Always an attachment, never shown inline; the name is percent-encoded (RFC 6266) with a plain
    # ASCII fallback, so no client-supplied character reaches the header unescaped.
    fallback = f"{fallback_stem}{PurePosixPath(filename).suffix}"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
