"""`credit list ...` (candidates, publish, versions, export) and `credit import list-entries`."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from credit.audit.actor import Actor
from credit.context import current, db
from credit.exchange.cli import _FILE, _cell, _date, _errors_exit, _report, _run_import
from credit.i18n import bilingual, chinese
from credit.listing import publication
from credit.listing.candidates import candidates
from credit.listing.imports import import_list_entries
from credit.listing.terms import current_terms

CLI_ACTOR = Actor(None, "cli")
_KINDS = {"listable": _l("listable here"), "referral": _l("referral")}


@click.group("list")
def list_group() -> None:
    """严重失信主体名单 / the serious-dishonesty list."""


def _format_option(command):
    return click.option("--format", "fmt", type=click.Choice(("json", "table")), default="table",
                        show_default=True)(command)


@list_group.command("candidates")
@click.option("--as-of", callback=_date, help="日期（默认今天） / date (default today)")
@_format_option
@with_appcontext
def candidates_command(as_of: dt.date | None, fmt: str) -> None:
    """列入候选（可在本局列入或移送） / candidates for listing, with their reasons."""
    found = candidates(db(), current_terms(), as_of or current().clock.today())
    if fmt == "json":
        click.echo(json.dumps([c.as_row() for c in found], ensure_ascii=False, indent=2))
        return
    for c in found:
        reasons = "；".join(r.get("behaviour", "") + " " + r.get("penalty", "") + " " + r.get("authority", "")
                           if "rule" in r else chinese(_l("score %(score)d", score=r["score"])) for r in c.reasons)
        click.echo("  ".join((_cell(chinese(_KINDS[c.kind]), 10), c.subject.uscc, _cell(c.subject.name, 36), reasons)))
    click.echo(bilingual(_l("%(count)d candidates", count=len(found))), err=True)


@list_group.command("publish")
@click.option("--as-of", callback=_date, help="发布日期（默认今天） / publication date (default today)")
@with_appcontext
def publish_command(as_of: dt.date | None) -> None:
    """发布新版名单（无变化则不发布） / publish the next version (none if nothing changed)."""
    context, session = current(), db()
    version = publication.publish(session, current_terms(), CLI_ACTOR, context.clock.now(),
                                  as_of or context.clock.today())
    session.commit()
    if version is None:
        click.echo(bilingual(_l("nothing changed since the last version: nothing published")))
        return
    click.echo(bilingual(_l("list version %(number)d published: %(count)d entries", number=version.number,
                            count=version.entry_count)))


@list_group.command("versions")
@_format_option
@with_appcontext
def versions_command(fmt: str) -> None:
    """已发布的名单版本 / the published versions."""
    rows = [{"version": v.number, "as_of": v.as_of.isoformat(), "count": v.entry_count, "added": v.added,
             "removed": v.removed, "changed": v.changed, "published_by": v.published_by}
            for v in publication.versions(db())]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo("  ".join(str(row[k]).ljust(w) for k, w in (("version", 6), ("as_of", 11), ("count", 6),
                                                               ("added", 5), ("removed", 5), ("changed", 5))))


@list_group.command("export")
@click.option("--version", "number", type=int, required=True)
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), required=True)
@with_appcontext
def export_command(number: int, folder: Path) -> None:
    """把某一版的文件写入目录 / write a version's files into a folder."""
    terms = current_terms()
    version = publication.get_version(db(), number)
    with _errors_exit():
        folder.mkdir(parents=True, exist_ok=True)
        for item in publication.version_files(version):
            (folder / item["name"]).write_bytes(publication.read_file(terms, version, item["name"]))
    click.echo(bilingual(_l("version %(number)d written to %(folder)s", number=number, folder=folder)))


@click.command("list-entries")
@_FILE
@with_appcontext
def import_list_entries_command(file: Path) -> None:
    """他机关决定的名单条目：id, uscc, reason, legal_basis, authority, decision_no, listed_on, planned_removal_on, removed_on."""
    terms = current_terms()
    summary = _run_import(file, lambda session, rows, job: import_list_entries(session, rows, job, terms))
    db().commit()  # the whole file's good rows at once, as the other imports
    _report(file, summary)
