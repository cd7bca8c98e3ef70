"""Registering the catalog versions that assessments were computed with.

A registered version is frozen: an edit of what makes a score is refused (add a new dated version
instead). An erratum (``credit.catalog.diff.ERRATA_FIELDS``: a corrected citation, or what a record
of a type may be entered with) is accepted: the stored copy takes it, so old assessments are
explained with the corrected citation, and an audit event keeps what it said before.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.catalog.diff import diff_versions
from credit.catalog.loader import CatalogVersionSpec
from credit.catalog.models import CatalogVersion
from credit.errors import Conflict


# Errata to a used catalog version are recorded under this name (no user makes them: the loader does).
CATALOG = Actor(None, "catalog")


class CatalogVersionChanged(Conflict):
    """A version already used for assessments was edited in place; history must not change."""


def register_version(session: Session, version: CatalogVersionSpec, now: dt.datetime) -> CatalogVersion:
    """The stored row of ``version``: added on first use, corrected by errata, never rescored."""
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
        changes = diff_versions(CatalogVersionSpec.model_validate_json(row.content), version)
        if frozen := changes.score_changes():
            raise CatalogVersionChanged(
                f"信用规则目录版本 {version.version} 已用于评价，不能原地修改（{', '.join(frozen)}），"
                f"请新建一个生效日期更晚的版本；只有法律依据等勘误可以原地更正",
                f"catalog version {version.version} was already used for assessments and has changed since "
                f"({', '.join(frozen)}): add a new dated version instead of editing it; only errata such as "
                "citations may be corrected in place"
            )
        record_event(session, actor=CATALOG.name, action="catalog.erratum", object_type="catalog_version",
                     object_id=row.id, data={"version": version.version, "from_sha256": row.sha256,
                                             "to_sha256": digest, "changes": [c.as_json() for c in changes.changed]},
                     now=now)
        row.sha256, row.content = digest, version.canonical()
        session.add(row)
        session.flush()
    return row


def stored_version(session: Session, name: str) -> CatalogVersionSpec:
    """The version exactly as it was when assessments used it."""
    row = session.exec(select(CatalogVersion).where(CatalogVersion.version == name)).one()
    return CatalogVersionSpec.model_validate_json(row.content)
