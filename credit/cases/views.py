"""The Blue Sky case pages: the list with its filters and ledger export, a lead's registration, the
case page with its steps, and the campaign statistics."""
from __future__ import annotations

import io
from pathlib import PurePosixPath
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from credit.accounts.authz import CASE_DECIDE, CASE_STEP, CASE_VIEW, CASE_WORK, require, requires
from credit.audit.actor import Actor
from credit.env import current_env
from credit.cases.forms import AttachmentForm, DispositionForm, ExtendForm, LeadForm, LinkForm, StepForm
from credit.cases.ledger import ledger, write_workbook
from credit.cases.models import Case, CaseAttachment
from credit.cases.queries import SORTS, CaseFilter, case_detail, search, years
from credit.cases.services import (DISPOSITIONS, EVENT_LABELS, MISCONDUCT, SOURCES, STAGES, DispositionInput, LeadInput, StepInput,
                                   add_attachment, advance, allowed_steps, due_of, extend_decision, link_subject,
                                   propose_disposition, register_lead, registered_subject)
from credit.cases.statistics import bar_chart, period_statistics
from credit.context import current, db
from credit.dates import Period
from credit.errors import InvalidInput
from credit.signals import case_page_sections
from credit.subjects.models import DISTRICTS
from credit.web.forms import submit
from credit.web.sections import collect

bp = Blueprint("cases", __name__, url_prefix="/cases")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTERS = ("year", "stage", "misconduct", "district", "source", "overdue", "sort")


@bp.app_context_processor
def _labels():
    return {"CASE_STAGES": STAGES, "CASE_SOURCES": SOURCES, "CASE_MISCONDUCT": MISCONDUCT,
            "CASE_DISPOSITIONS": DISPOSITIONS, "CASE_EVENT_LABELS": EVENT_LABELS, "CASE_DISTRICTS": DISTRICTS}


def _max_bytes() -> int:
    return current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) <= 4 else None


@bp.route("/")
@requires(CASE_VIEW)
def index():
    args = request.args
    criteria = CaseFilter(year=_int(args.get("year")), stage=args.get("stage") or None,
                          misconduct=args.get("misconduct") or None, district=args.get("district") or None,
                          source=args.get("source") or None, overdue=args.get("overdue") == "1",
                          sort=args.get("sort") if args.get("sort") in SORTS else "number")
    today = current().clock.today()
    page = search(db(), criteria, today, _int(args.get("page")) or 1)
    filters = {k: v for k, v in args.items() if k in FILTERS and v}
    return render_template("cases/index.html", page=page, rows=[(c, due_of(c, today)) for c in page.items],
                           filters=filters, years=years(db()) or [today.year],
                           export_year=criteria.year or today.year)


@bp.route("/new", methods=["GET", "POST"])
@requires(CASE_WORK)
def new():
    form, ctx = LeadForm(), current()

    def save():
        session, actor, now = db(), Actor.of(current_user), ctx.clock.now()
        subject = registered_subject(session, form.uscc.data, "uscc") if form.uscc.data else None
        case = register_lead(session, current_env(), LeadInput(
            form.source.data, form.misconduct.data, form.summary.data, subject_id=subject.id if subject else None,
            party_name=form.party_name.data or "", party_id_number=form.party_id_number.data or "",
            party_phone=form.party_phone.data or "", party_address=form.party_address.data or "",
            district=form.district.data or ""), actor=actor, now=now)
        for upload in form.attachments.data or []:
            if upload and upload.filename:
                add_attachment(session, ctx.files, case, upload, actor=actor, now=now, max_bytes=_max_bytes())
        return case

    case, status = submit(form, save)
    if case:
        flash(_("Lead %(number)s registered.", number=case.number), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/new.html", form=form), status


def _case(case_id: int, permission: str) -> Case:
    return require(permission, db().get(Case, case_id))


def _render(case_id: int, status: int = 200, **forms):
    detail = case_detail(db(), case_id)
    require(CASE_VIEW, detail.case if detail else None)
    case, today = detail.case, current().clock.today()
    steps = allowed_steps(case, current_user)
    step_forms = {to: forms.get(f"step_{to}") or StepForm(prefix=to) for to in steps}
    return render_template(
        "cases/show.html", detail=detail, case=case, due=due_of(case, today), steps=step_forms,
        sections=collect(case_page_sections, case, session=db()),
        disposition_form=forms.get("disposition") or DispositionForm(prefix="disposition"),
        extend_form=forms.get("extend") or ExtendForm(prefix="extend"),
        link_form=forms.get("link") or LinkForm(prefix="link"),
        attachment_form=forms.get("attachment") or AttachmentForm(prefix="attachment"),
    ), status


@bp.route("/<int:case_id>")
@requires(CASE_VIEW)
def show(case_id: int):
    return _render(case_id)


@bp.route("/<int:case_id>/step/<to>", methods=["POST"])
@requires(CASE_STEP)
def step(case_id: int, to: str):
    case = _case(case_id, CASE_STEP)
    if to not in STAGES:
        abort(404)
    form, ctx = StepForm(prefix=to), current()
    done, status = submit(form, lambda: advance(db(), current_env(), case, to, StepInput(
        reason=form.reason.data or "", rectification_due=form.rectification_due.data,
        interview_at=form.interview_at.data, interview_place=form.interview_place.data or "",
        requirements=form.requirements.data or "", findings=form.findings.data or "",
        legal_basis=form.legal_basis.data or ""), user=current_user, actor=Actor.of(current_user),
        now=ctx.clock.now()))
    if done:
        flash(_("The case is now at “%(stage)s”.", stage=STAGES[to]), "success")
        return redirect(url_for("cases.show", case_id=case_id))
    if to not in allowed_steps(db().get(Case, case_id), current_user):  # no form on the page to show it beside
        for error in form.form_errors:
            flash(error, "error")
    return _render(case_id, status, **{f"step_{to}": form})


@bp.route("/<int:case_id>/dispositions", methods=["POST"])
@requires(CASE_WORK)
def propose(case_id: int):
    case = _case(case_id, CASE_WORK)
    form, ctx = DispositionForm(prefix="disposition"), current()
    done, status = submit(form, lambda: propose_disposition(
        db(), case, DispositionInput(form.kind.data, form.amount.data, form.months.data),
        actor=Actor.of(current_user), now=ctx.clock.now()))
    if done:
        flash(_("The disposition was proposed."), "success")
        return redirect(url_for("cases.show", case_id=case_id))
    return _render(case_id, status, disposition=form)


@bp.route("/<int:case_id>/extend", methods=["POST"])
@requires(CASE_DECIDE)
def extend(case_id: int):
    case = _case(case_id, CASE_DECIDE)
    form, ctx = ExtendForm(prefix="extend"), current()
    done, status = submit(form, lambda: extend_decision(db(), case, form.days.data, form.reason.data or "",
                                                        user=current_user, actor=Actor.of(current_user),
                                                        now=ctx.clock.now()))
    if done:
        flash(_("The time limit was extended."), "success")
        return redirect(url_for("cases.show", case_id=case_id))
    return _render(case_id, status, extend=form)


@bp.route("/<int:case_id>/link", methods=["POST"])
@requires(CASE_WORK)
def link(case_id: int):
    case = _case(case_id, CASE_WORK)
    form, ctx = LinkForm(prefix="link"), current()
    done, status = submit(form, lambda: link_subject(db(), case, registered_subject(db(), form.uscc.data, "uscc"),
                                                     actor=Actor.of(current_user), now=ctx.clock.now()))
    if done:
        flash(_("The party is now linked to the registered subject."), "success")
        return redirect(url_for("cases.show", case_id=case_id))
    return _render(case_id, status, link=form)


@bp.route("/<int:case_id>/attachments", methods=["POST"])
@requires(CASE_WORK)
def attach(case_id: int):
    case = _case(case_id, CASE_WORK)
    form, ctx = AttachmentForm(prefix="attachment"), current()
    done, status = submit(form, lambda: [
        add_attachment(db(), ctx.files, case, upload, actor=Actor.of(current_user), now=ctx.clock.now(),
                       max_bytes=_max_bytes()) for upload in form.attachment.data if upload and upload.filename])
    if done:
        flash(_("The attachment was added."), "success")
        return redirect(url_for("cases.show", case_id=case_id))
    return _render(case_id, status, attachment=form)


@bp.route("/attachments/<int:attachment_id>")
@requires(CASE_VIEW)
def download(attachment_id: int):
    attachment = db().get(CaseAttachment, attachment_id)
    if attachment is None:
        abort(404)
    path = current().files.path(attachment.sha256)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, max_age=0)
    fallback = f"attachment-{attachment.id}{PurePosixPath(attachment.filename).suffix}"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(attachment.filename, safe='')}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _period(text: str | None, default: str) -> Period:
    try:
        return Period.parse(text or default)
    except ValueError:
        raise InvalidInput("期间格式应如 2026、2026Q4 或 2026-11", "a period looks like 2026, 2026Q4 or 2026-11",
                           "period") from None


@bp.route("/export.xlsx")
@requires(CASE_VIEW)
def export():
    today = current().clock.today()
    period = _period(request.args.get("year"), str(today.year))
    rows = ledger(db(), period.first, period.last, today)
    out = io.BytesIO()
    write_workbook(rows, f"{period}年案件台账", out)
    return Response(out.getvalue(), mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="bluesky-cases-{period}.xlsx"'})


@bp.route("/statistics")
@requires(CASE_VIEW)
def statistics():
    today = current().clock.today()
    period = _period(request.args.get("period"), str(today.year))
    stats, _rows = period_statistics(db(), period.first, period.last, today)
    charts = {b.key: bar_chart(b) for b in stats.breakdowns}
    return render_template("cases/statistics.html", stats=stats, charts=charts, period=period)
