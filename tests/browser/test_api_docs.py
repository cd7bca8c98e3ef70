"""/api/v1/docs in Chromium: Swagger UI shows every operation of the document, from the system's own
files only (it works with no internet) and within the pages' Content-Security-Policy."""
from __future__ import annotations

import urllib.parse


def test_the_api_docs_page_shows_every_operation_offline(page, live_server):
    hosts, problems = set(), []
    page.on("request", lambda request: hosts.add(urllib.parse.urlsplit(request.url).netloc))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == 12
    assert page.get_by_text("/api/v1/public/subjects/{uscc}").count() == 1
    assert hosts == {urllib.parse.urlsplit(live_server).netloc} and problems == []
