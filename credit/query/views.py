"""/query: the public credit query page (no login), rate limited per client."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from credit.accounts.authz import public
from credit.context import current, db
from credit.errors import InvalidInput
from credit.query.services import query_subjects
from credit.web.i18n import domain_message
from credit.web.limits import limiter, public_query_limit

bp = Blueprint("query", __name__)
PER_PAGE = 20


@bp.route("/query")
@public
@limiter.limit(public_query_limit)
def search():
    text = request.args.get("q", "").strip()
    if not text:
        return render_template("query/search.html", q="", page=None, error=None)
    try:
        page = query_subjects(db(), text, current().clock.today(), request.args.get("page", 1, type=int), PER_PAGE)
    except InvalidInput as err:
        return render_template("query/search.html", q=text, page=None, error=domain_message(err)), 400
    return render_template("query/search.html", q=text, page=page, error=None)
