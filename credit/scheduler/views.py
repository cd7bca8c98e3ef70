"""The admin page of scheduled job runs, failures with their traceback."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from credit.accounts.authz import JOBS_VIEW, requires
from credit.context import current, db
from credit.scheduler.jobs import JOBS
from credit.scheduler.runner import history

bp = Blueprint("scheduler", __name__, url_prefix="/admin/scheduler")


@bp.route("/")
@requires(JOBS_VIEW)
def index():
    job = request.args.get("job") if request.args.get("job") in JOBS else None
    now = current().clock.now()
    upcoming = {name: j.trigger().get_next_fire_time(None, now) for name, j in JOBS.items()}
    return render_template("scheduler/index.html", runs=history(db(), job, 200), jobs=JOBS, upcoming=upcoming,
                           selected=job)
