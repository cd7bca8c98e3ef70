"""The JSON API under /api/v1 (DESIGN section 12) and its OpenAPI 3.1 document.

flask-openapi3 generates the document (/api/v1/openapi.json, browsable at /api/v1/docs) from the
pydantic models in ``schemas.py`` that validate the requests. Public routes answer the public
query, one subject's grade, the published list and document verification; department
integrations import and export the exchange rows with an API token (``models.ApiToken``) whose
scopes ``credit/accounts/authz.py`` checks, and every use of a token is audited.
"""
from __future__ import annotations

from typing import Any


def openapi_options() -> dict[str, Any]:
    """What the app factory gives flask-openapi3's app: the document's header, the bearer scheme and
    the JSON error of a refused request. The document and its page are served by ``views.py``."""
    from flask_openapi3 import Info

    from credit.api.schemas import ApiError
    from credit.web.errors import validation_error

    return {
        "info": Info(title="淮南知识产权信用监管系统 API", version="1.0.0",
                     description="公共信用查询、名单与文书核验（无需登录），以及部门对接的数据交换（API 令牌）。 / "
                                 "The public credit query, the published list and document verification (no login), "
                                 "and data exchange for department integrations (API tokens)."),
        "security_schemes": {"bearer": {"type": "http", "scheme": "bearer",
                                        "description": "An API token an admin created at /admin/tokens "
                                                       "(or `credit tokens create`)."}},
        "doc_ui": False,
        "validation_error_status": 422,
        "validation_error_model": ApiError,
        "validation_error_callback": validation_error,
    }
