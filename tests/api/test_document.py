"""The OpenAPI 3.1 document: valid, listing every route of the API, made from the models that
validate the requests; the browsable page works from the system's own files."""
from __future__ import annotations

import re

from openapi_spec_validator import validate

from credit.api.schemas import SubjectQuery
from credit.query.services import MAX_QUERY_LENGTH

DOCUMENTED_BLUEPRINTS = ("api", "api_public")


def _document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(client):
    document = _document(client)
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on anything the 3.1 schema refuses


def test_the_document_lists_every_route_of_the_api_with_its_methods(app, client):
    documented = {(path, method.upper()) for path, item in _document(client)["paths"].items() for method in item}
    served, undocumented = set(), set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        if rule.endpoint.split(".")[0] not in DOCUMENTED_BLUEPRINTS:
            undocumented.add(rule.endpoint)
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        served |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented
    assert len(served) == 12
    # Besides the document: only the document itself, its page and the page's files.
    assert undocumented == {"api_docs.document", "api_docs.browse", "api_swagger.static"}


def test_token_routes_name_their_scope_and_every_answer_has_its_schema(client):
    document = _document(client)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if path.startswith("/api/v1/public/"):
                assert "security" not in operation, path
            else:
                [requirement] = operation["security"]
                assert list(requirement) == ["bearer"] and len(requirement["bearer"]) == 1, (method, path)
            for status, answer in operation["responses"].items():
                schema = answer["content"]["application/json"]["schema"]
                if status != "200":
                    assert schema == {"$ref": "#/components/schemas/ApiError"}, (method, path, status)
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["bearer"]["description"]}


def test_the_document_comes_from_the_model_that_validates_the_request(client):
    [q] = [p for p in _document(client)["paths"]["/api/v1/public/subjects"]["get"]["parameters"] if p["name"] == "q"]
    assert q["schema"]["maxLength"] == SubjectQuery.model_fields["q"].metadata[0].max_length == MAX_QUERY_LENGTH
    too_long = client.get("/api/v1/public/subjects", query_string={"q": "淮" * (MAX_QUERY_LENGTH + 1)})
    assert too_long.status_code == 422 and too_long.get_json()["details"][0]["loc"] == ["q"]


def test_the_docs_page_uses_only_the_systems_own_files(client):
    response = client.get("/api/v1/docs")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-url="/api/v1/openapi.json"' in page
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets), assets
    for url in assets:
        assert client.get(url).status_code == 200, url
    assert "<script>" not in page  # no inline script: the pages' Content-Security-Policy forbids it
