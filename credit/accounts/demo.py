"""Demo accounts for trying the system out (password ``demo-password``; never for production)."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from credit.accounts.models import ADMIN, FIRM, INSPECTOR, PUBLISHER, REVIEWER, User
from credit.accounts.services import create_user, find_user
from credit.audit.actor import Actor
from credit.subjects.models import Subject

DEMO_PASSWORD = "demo-password"
DEMO_ACTOR = Actor(None, "demo")
DEMO_STAFF = [
    ("inspector1", INSPECTOR, "检查员 王明"),
    ("reviewer1", REVIEWER, "审核员 李静"),
    ("reviewer2", REVIEWER, "审核员 赵强"),
    ("publisher1", PUBLISHER, "发布员 陈芳"),
    ("admin1", ADMIN, "管理员 刘洋"),
]


def create_demo_users(session: Session, now: dt.datetime) -> list[User]:
    """Create the demo users that do not exist yet; ``firm1`` is bound to the first demo firm, if any."""
    wanted = [(name, role, label, None) for name, role, label in DEMO_STAFF]
    firm = session.exec(select(Subject).where(Subject.kind == "firm").order_by(Subject.id).limit(1)).first()
    if firm is not None:
        wanted.append(("firm1", FIRM, f"企业用户（{firm.name}）", firm.id))
    return [
        create_user(session, name, DEMO_PASSWORD, role, DEMO_ACTOR, now, subject_id=subject_id, display_name=label)
        for name, role, label, subject_id in wanted
        if find_user(session, name) is None
    ]
