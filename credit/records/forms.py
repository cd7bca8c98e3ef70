"""Forms for recording violations, adding evidence and deciding on records."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, DecimalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from credit.catalog.loader import CatalogVersionSpec
from credit.records.models import CATEGORIES, PENALTY_KINDS

# A hint for the browser's file picker only; the server checks the content (storage.sniff).
ACCEPT = {"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}
EVIDENCE_HELP = _l("PDF, JPEG, PNG, DOCX or XLSX, at most %(mb)s MB each. The type is checked by content.")


def rule_choices(version: CatalogVersionSpec, subject_kind: str) -> list[SelectChoice]:
    """The record types of ``version`` that apply to a subject of ``subject_kind``: code, behaviour, points."""
    return [SelectChoice(r.code, f"{r.code} {r.behaviour}（{r.points:+d}）") for r in version.rules
            if r.applies_to(subject_kind)]


class RecordForm(FlaskForm):
    rule_code = SelectField(_l("Record type"), validators=[DataRequired(_l("Please choose the record type."))])
    category = SelectField(_l("IP category"), choices=[SelectChoice("", _l("As the record type says"))]
                           + [SelectChoice(code, label) for code, label in CATEGORIES.items()],
                           validators=[Optional()])
    decision_date = DateField(_l("Decision date"),
                              validators=[InputRequired(_l("Please enter the decision date (YYYY-MM-DD)."))])
    document_no = StringField(_l("Decision document number"), validators=[Optional(), Length(max=100)],
                              description=_l("For example 淮市监罚〔2026〕12号."))
    authority = StringField(_l("Deciding authority"),
                            validators=[DataRequired(_l("Please enter the deciding authority.")), Length(max=200)])
    facts = TextAreaField(_l("Facts"), validators=[DataRequired(_l("Please describe the facts.")), Length(max=20000)],
                          render_kw={"rows": 6})
    penalty_kind = SelectField(_l("Penalty imposed"), choices=[SelectChoice("", _l("Not stated"))]
                               + [SelectChoice(code, label) for code, label in PENALTY_KINDS.items()],
                               validators=[Optional()])
    penalty_amount = DecimalField(_l("Amount (yuan)"), places=2, validators=[Optional()],
                                  description=_l("For a fine or a confiscation."))
    evidence = MultipleFileField(_l("Evidence files"), render_kw=ACCEPT)


class EvidenceForm(FlaskForm):
    evidence = MultipleFileField(_l("Evidence files"), validators=[DataRequired(_l("Please choose a file."))],
                                 render_kw=ACCEPT)


class DecisionForm(FlaskForm):
    """Confirm, reject or revoke: the service says when a reason is required."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})
    # The status the reviewer saw: if the record has moved on since, the decision is refused (409).
    seen = HiddenField(validators=[Optional(), Length(max=12)])
