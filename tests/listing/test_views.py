"""The list's pages and commands: public pages without login, each step for its role, bad input."""
from __future__ import annotations

import datetime as dt
import json

from sqlmodel import select

from credit.audit.actor import Actor
from credit.cli import main
from credit.listing import publication
from credit.listing.models import ListingProcedure
from tests.listing.conftest import at


def test_public_pages_show_the_published_list_with_search_and_downloads(client, session, terms, decided,
                                                                       penalised, make_subject):
    _, entry = decided()
    other = make_subject(name="淮南市另一家代理有限公司")
    _, second = decided(penalised(subject=other))
    version = publication.publish(session, terms, Actor(None, "t"), at(2026, 10, 20), dt.date(2026, 10, 20))
    session.commit()
    page = client.get("/list").get_data(as_text=True)
    assert entry.id in page and second.id in page
    found = client.get("/list", query_string={"q": other.uscc}).get_data(as_text=True)
    assert second.id in found and entry.id not in found
    assert "pending" not in page and "first_published_on" not in page  # published fields only
    versions = client.get("/list/versions").get_data(as_text=True)
    assert "/list/versions/1" in versions
    assert entry.id in client.get(f"/list/versions/{version.number}").get_data(as_text=True)
    csv = client.get("/list/versions/1/list.csv")
    assert csv.status_code == 200 and csv.data.startswith("\ufeff".encode())
    assert client.get("/list/versions/1/secret.txt").status_code == 404
    assert client.get("/list/versions/9").status_code == 404


def test_the_steps_on_the_web_for_their_roles(client, login_as, session, penalised, post_form):
    record = penalised()
    inspector = login_as("inspector")
    assert post_form("/list/procedures/new", {"record_id": record.id}).status_code == 302
    procedure = session.exec(select(ListingProcedure)).one()
    assert procedure.proposed_by_id == inspector.id
    assert post_form(f"/list/procedures/{procedure.id}/serve", {"serve-served_on": "2026-11-26"}).status_code == 302
    login_as("publisher")
    assert post_form(f"/list/procedures/{procedure.id}/consent", {"consent-on": "2026-11-26",
                                                                  "consent-reference": "x"}).status_code == 403
    login_as("reviewer")
    response = post_form(f"/list/procedures/{procedure.id}/decide", {})
    assert response.status_code == 400 and "陈述申辩期" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(ListingProcedure, procedure.id).status == "notified"


def test_the_proposer_is_refused_the_decision_on_the_web(client, login_as, session, terms, penalised, post_form):
    from credit.listing import procedure as steps

    reviewer = login_as("reviewer")
    procedure = steps.propose(session, terms, penalised().id, "", Actor.of(reviewer), at(2026, 9, 28))
    session.commit()
    assert post_form(f"/list/procedures/{procedure.id}/decide", {}).status_code == 403


def test_proposing_a_record_without_a_heavier_penalty_says_why(client, login_as, session, penalised, post_form):
    record = penalised("warning", None)
    login_as("inspector")
    response = post_form("/list/procedures/new", {"record_id": record.id}, follow_redirects=True)
    assert "不是较重行政处罚" in response.get_data(as_text=True)
    assert session.exec(select(ListingProcedure)).all() == []


def test_the_publish_button_publishes_once(client, login_as, session, decided, post_form):
    decided()
    login_as("publisher")
    assert post_form("/list/publish", {}).headers["Location"].endswith("/list/versions/1")
    again = post_form("/list/publish", {}, follow_redirects=True).get_data(as_text=True)
    assert "未发布新版" in again
    assert [v.number for v in publication.versions(session)] == [1]


def test_the_commands(runner, session, decided, penalised, tmp_path):
    decided()
    listable = penalised()
    referral = penalised(authority="国家知识产权局")
    rows = json.loads(runner.invoke(main, ["list", "candidates", "--as-of", "2026-11-26", "--format", "json"]).output)
    assert [(r["kind"], r["record_id"]) for r in rows] == [("listable", listable.id), ("referral", referral.id)]
    assert rows[0]["reasons"][0]["rule"] == "PA-CERT-RENT" and "罚款" in rows[0]["reasons"][0]["penalty"]
    assert runner.invoke(main, ["list", "candidates", "--format", "table"]).exit_code == 0
    assert "1" in runner.invoke(main, ["list", "publish", "--as-of", "2026-11-26"]).output
    assert "nothing published" in runner.invoke(main, ["list", "publish"]).output
    [row] = json.loads(runner.invoke(main, ["list", "versions", "--format", "json"]).output)
    assert (row["version"], row["count"]) == (1, 1)
    assert runner.invoke(main, ["list", "export", "--version", "1", "--dir", str(tmp_path / "v1")]).exit_code == 0
    index = json.loads((tmp_path / "v1" / "index.json").read_text())
    import hashlib

    for item in index["files"]:
        assert hashlib.sha256((tmp_path / "v1" / item["name"]).read_bytes()).hexdigest() == item["sha256"]
    missing = runner.invoke(main, ["list", "export", "--version", "5", "--dir", str(tmp_path / "v5")])
    assert missing.exit_code == 1 and "不存在" in missing.output
