"""Registering the catalog versions that assessments were computed with."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from credit.catalog.loader import CatalogVersionSpec
from credit.catalog.models import CatalogVersion
from credit.errors import Conflict


class CatalogVersionChanged(Conflict):
    """A version already used for assessments was edited in place; history must not change."""


def register_version(session: Session, version: CatalogVersionSpec, now: dt.datetime) -> CatalogVersion:
    row = session.exec(select(CatalogVersion).where(CatalogVersion.version == version.version)).first()
    digest = version.digest()
    if row is None:
        row = CatalogVersion(
            version=version.version,
            effective_from=version.effective_from,
            effective_to=version.effective_to,
            sha256=digest,
            content=version.canonical(),
            registered_at=now,
        )
        session.add(row)
        session.flush()
    elif row.sha256 != digest:
        raise CatalogVersionChanged(
            f"信用规则目录版本 {version.version} 已用于评价，不能原地修改，请新建一个生效日期更晚的版本",
            f"catalog version {version.version} was already used for assessments and has changed since: "
            "add a new dated version instead of editing it",
        )
    return row


def stored_version(session: Session, name: str) -> CatalogVersionSpec:
    """The version exactly as it was when assessments used it."""
    row = session.exec(select(CatalogVersion).where(CatalogVersion.version == name)).one()
    return CatalogVersionSpec.model_validate_json(row.content)
