"""The plans (双随机、一公开): the public page of published plans and results, the staff pages to
draw, approve, publish and enter results, the statistics, and declaring a conflict."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from credit.accounts.authz import (INSPECTION_CONFLICT, INSPECTION_DRAFT, INSPECTION_PUBLISH, INSPECTION_RESULT,
                                   INSPECTION_VIEW, public, require, requires)
from credit.audit.actor import Actor
from credit.env import current_env
from credit.cases.queries import cases_of_subject
from credit.cases.services import STAGES as CASE_STAGES
from credit.context import current, db
from credit.inspection.forms import ActionForm, ConflictForm, DraftForm, ResultForm
from credit.inspection.items import load_items
from credit.inspection.models import PLAN_STATUSES, RESULTS, InspectionCheck, InspectionPlan
from credit.inspection.queries import bar_chart, plan_rows, plans, statistics
from credit.inspection.services import MAX_SEED, ResultInput, declare_conflict, draft_plan, enter_result, move_plan
from credit.subjects.models import DISTRICTS, Subject
from credit.web.forms import submit

bp = Blueprint("inspection", __name__)


@bp.app_context_processor
def _labels():
    return {"PLAN_STATUSES": PLAN_STATUSES, "RESULTS": RESULTS}


@bp.route("/inspections")
@public
def public_index():
    return render_template("inspection/public_index.html", plans=plans(db(), ("published",)))


@bp.route("/inspections/<int:plan_id>")
@public
def public_plan(plan_id: int):
    plan = db().get(InspectionPlan, plan_id)
    if plan is None or plan.status != "published":
        abort(404)
    return render_template("inspection/public_plan.html", plan=plan, rows=plan_rows(db(), plan.id))


@bp.route("/inspections/plans")
@requires(INSPECTION_VIEW)
def index():
    return render_template("inspection/index.html", plans=plans(db()), form=DraftForm())


@bp.route("/inspections/plans/new", methods=["POST"])
@requires(INSPECTION_DRAFT)
def new():
    form, ctx = DraftForm(), current()

    def save():
        seed = form.seed.data if form.seed.data is not None else secrets.randbelow(MAX_SEED)
        return draft_plan(db(), ctx.catalog, load_items(ctx.rules_dir), form.period.data, seed, ctx.clock.today(),
                          Actor.of(current_user), ctx.clock.now())

    plan, status = submit(form, save)
    if plan:
        flash(_("The plan for %(period)s was drawn with seed %(seed)s and awaits approval.", period=plan.period,
                seed=plan.seed), "success")
        return redirect(url_for("inspection.show", plan_id=plan.id))
    return render_template("inspection/index.html", plans=plans(db()), form=form), status


def _render_plan(plan: InspectionPlan, status: int = 200):
    version = current().catalog.version(plan.catalog_version)
    tiers = {t.tier: t.label for t in version.tiers} if version else {}
    return render_template("inspection/show.html", plan=plan, rows=plan_rows(db(), plan.id), form=ActionForm(),
                           tiers=tiers), status


@bp.route("/inspections/plans/<int:plan_id>")
@requires(INSPECTION_VIEW)
def show(plan_id: int):
    plan = db().get(InspectionPlan, plan_id) or abort(404)
    return _render_plan(plan)


def _move(plan_id: int, action: str):
    plan = db().get(InspectionPlan, plan_id) or abort(404)
    form, ctx = ActionForm(), current()
    moved, status = submit(form, lambda: move_plan(db(), plan.id, action, Actor.of(current_user), ctx.clock.now()))
    if moved:
        flash(_("The plan is now “%(status)s”.", status=PLAN_STATUSES[moved.status]), "success")
        return redirect(url_for("inspection.show", plan_id=plan.id))
    for error in form.form_errors:
        flash(error, "error")
    return _render_plan(plan, status)


@bp.route("/inspections/plans/<int:plan_id>/<any(approve, publish):action>", methods=["POST"])
@requires(INSPECTION_PUBLISH)
def decide(plan_id: int, action: str):
    return _move(plan_id, action)


@bp.route("/inspections/plans/<int:plan_id>/withdraw", methods=["POST"])
@requires(INSPECTION_DRAFT)
def withdraw(plan_id: int):
    return _move(plan_id, "withdraw")


@bp.route("/inspections/plans/<int:plan_id>/checks/<int:check_id>/result", methods=["GET", "POST"])
@requires(INSPECTION_RESULT)
def result(plan_id: int, check_id: int):
    plan = db().get(InspectionPlan, plan_id) or abort(404)
    check = require(INSPECTION_RESULT, db().get(InspectionCheck, check_id))
    form, ctx = ResultForm(), current()
    form.case_id.choices = [SelectChoice("", _("No linked case"))] + [
        SelectChoice(str(c.id), f"{c.number}（{CASE_STAGES[c.stage]}）") for c in cases_of_subject(db(), check.subject_id)]
    entered, status = submit(form, lambda: enter_result(
        db(), plan.id, check.id, ResultInput(form.result.data, form.record_id.data, form.note.data or "",
                                             case_id=int(form.case_id.data) if form.case_id.data else None,
                                             lead_misconduct=form.lead_misconduct.data or None),
        Actor.of(current_user), ctx.clock.now(), env=current_env()))
    if entered:
        flash(_("The result was entered; it is published with the plan."), "success")
        return redirect(url_for("inspection.show", plan_id=plan.id))
    return render_template("inspection/result.html", plan=plan, check=check, subject=db().get(Subject, check.subject_id),
                           form=form), status


@bp.route("/inspections/statistics")
@requires(INSPECTION_VIEW)
def stats():
    ctx = current()
    today = ctx.clock.today()
    year = request.args.get("year", type=int) or today.year
    version = ctx.catalog.in_force(today)
    labels = {t.tier: t.label for t in version.tiers}
    figures = statistics(db(), year, [t.tier for t in version.tiers])

    charts = [
        bar_chart(_("Completion by tier"),
                  [(labels.get(f.key, f.key), f.completion, f"{f.done}/{f.checks}") for f in figures.by_tier]),
        bar_chart(_("Findings rate by tier"),
                  [(labels.get(f.key, f.key), f.findings_rate, f"{f.findings}/{f.done}") for f in figures.by_tier]),
        bar_chart(_("Completion by district"), [(str(DISTRICTS.get(f.key, f.key)), f.completion, f"{f.done}/{f.checks}")
                                                for f in figures.by_district]),
    ]
    return render_template("inspection/stats.html", year=year, figures=figures, labels=labels, charts=charts)


@bp.route("/subjects/<int:subject_id>/conflict", methods=["POST"])
@requires(INSPECTION_CONFLICT)
def conflict(subject_id: int):
    subject = require(INSPECTION_CONFLICT, db().get(Subject, subject_id))
    form, ctx = ConflictForm(), current()
    declared, _status = submit(form, lambda: declare_conflict(db(), subject, Actor.of(current_user), form.reason.data,
                                                              ctx.clock.now()))
    if declared:
        flash(_("Your conflict of interest was recorded: no draw will send you to inspect this subject."), "success")
    else:
        for error in [*form.form_errors, *form.reason.errors]:
            flash(error, "error")
    return redirect(url_for("subjects.show", subject_id=subject.id))
