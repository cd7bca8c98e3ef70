"""Registering and editing subjects, with USCC validation and duplicate detection."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as stdnum_uscc

from credit.audit.actor import Actor
from credit.audit.services import apply_changes, record_event
from credit.db import write_lock
from credit.errors import Conflict, InvalidInput
from credit.subjects.models import DISTRICTS, SUBJECT_KINDS, Subject
from credit.transitions import last_change, who_and_when


# A USCC as it is usually written: compact, in the code's alphabet; only its check character is left to check.
_PLAIN_USCC = re.compile("[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}")


def validate_uscc(value: str) -> str:
    """Return the compact USCC or raise InvalidInput saying why (GB 32100-2015, mod-31 check)."""
    if value and _PLAIN_USCC.fullmatch(value) and stdnum_uscc.calc_check_digit(value) == value[-1]:
        return value  # what the checks below return for it, a third of the time (an import checks each USCC)
    code = stdnum_uscc.compact(value or "")
    try:
        return stdnum_uscc.validate(code)
    except stdnum_errors.InvalidLength:
        raise InvalidInput("统一社会信用代码应为18位", "a USCC has 18 characters", "uscc") from None
    except stdnum_errors.InvalidFormat:
        raise InvalidInput("统一社会信用代码格式错误：前8位须为数字，其余须为 0-9 或 A-HJ-NPQRTUWXY 中的字母",
                           "bad USCC format: 8 digits, then characters from 0-9A-HJ-NPQRTUWXY", "uscc") from None
    except stdnum_errors.InvalidChecksum:
        raise InvalidInput("统一社会信用代码校验位错误", "the USCC check character is wrong", "uscc") from None
    except stdnum_errors.ValidationError:
        raise InvalidInput("统一社会信用代码无效", "invalid USCC", "uscc") from None


@dataclass
class SubjectInput:
    uscc: str
    name: str
    kind: str
    district: str
    legal_representative: str = ""
    licence_no: str | None = None

    def cleaned(self) -> "SubjectInput":
        """Validated copy; raises InvalidInput naming the field."""
        name = (self.name or "").strip()
        if not name:
            raise InvalidInput("名称不能为空", "name is required", "name")
        if self.kind not in SUBJECT_KINDS:
            raise InvalidInput(f"未知的主体类型 {self.kind!r}", f"unknown subject kind {self.kind!r}", "kind")
        if self.district not in DISTRICTS:
            raise InvalidInput(f"未知的区县代码 {self.district!r}", f"unknown district code {self.district!r}", "district")
        return SubjectInput(
            validate_uscc(self.uscc), name, self.kind, self.district,
            (self.legal_representative or "").strip(), (self.licence_no or "").strip() or None,
        )


def find_by_uscc(session: Session, uscc: str) -> Subject | None:
    return session.exec(select(Subject).where(Subject.uscc == uscc)).first()


def create_subject(session: Session, data: SubjectInput, actor: Actor, now: dt.datetime) -> Subject:
    data = data.cleaned()
    write_lock(session)  # two registrations of one USCC at once: the second waits, then finds the first
    existing = find_by_uscc(session, data.uscc)
    if existing is not None:
        raise Conflict(f"统一社会信用代码 {data.uscc} 已登记（{existing.name}）",
                       f"USCC {data.uscc} is already registered ({existing.name})", "uscc", ("subject", existing.id))
    subject = Subject(**vars(data), created_at=now, updated_at=now)
    session.add(subject)
    session.flush()
    record_event(session, actor=actor.name, action="subject.create", object_type="subject",
                 object_id=subject.id, data=vars(data), now=now)
    return subject


def edited_meanwhile(by: str | None, at: dt.datetime | None) -> Conflict:
    (who_zh, who_en), when = who_and_when(by, at)
    return Conflict(f"未保存：您打开表单后，{who_zh} 修改了该主体{f'（{when}）' if when else ''}。"
                    "表单现显示当前内容，请核对后重新填写您的修改。",
                    f"Not saved: {who_en} changed this subject{f' at {when}' if when else ''} after you opened the "
                    "form. The form now shows the current values: check them and make your changes again.", "version")


def update_subject(session: Session, subject: Subject, data: SubjectInput, actor: Actor, now: dt.datetime,
                   seen_version: int | None = None) -> Subject:
    """Save ``data`` over ``subject``. ``seen_version``: the version the user's form was filled from;
    if the subject has been saved since (or is saved while this runs), nothing is written and a
    Conflict on the field ``version`` says by whom."""
    data = data.cleaned()
    write_lock(session)
    if seen_version is not None and seen_version != subject.version:
        last = last_change(session, "subject", subject.id)
        raise edited_meanwhile(last.actor if last else None, last.at if last else None)
    other = find_by_uscc(session, data.uscc)
    if other is not None and other.id != subject.id:
        raise Conflict(f"统一社会信用代码 {data.uscc} 已登记（{other.name}）",
                       f"USCC {data.uscc} is already registered ({other.name})", "uscc", ("subject", other.id))
    changes = apply_changes(subject, vars(data))
    if changes:
        subject.updated_at = now
        session.add(subject)
        try:
            session.flush()  # UPDATE ... WHERE version = the one loaded
        except StaleDataError:
            raise edited_meanwhile(None, None) from None
        record_event(session, actor=actor.name, action="subject.update", object_type="subject",
                     object_id=subject.id, data={"changes": changes}, now=now)
    return subject


_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def synthetic_uscc(serial: int, district: str = "340400", registration: str = "91") -> str:
    """A valid USCC built from a serial number (demo data and tests; real codes come from SAMR)."""
    body, digits = [], serial
    for _ in range(9):
        digits, rest = divmod(digits, len(_ORG_ALPHABET))
        body.append(_ORG_ALPHABET[rest])
    partial = registration + district + "".join(reversed(body))
    return partial + stdnum_uscc.calc_check_digit(partial + "0")
