"""Forms of the list's pages: each step of the procedure, publication, entries decided elsewhere,
early removal."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from credit.applications.forms import RepairForm

DATE_REQUIRED = _l("Please enter the date (YYYY-MM-DD).")
STATEMENT_LABELS = {
    "statement": _l("Statement and defence"),
    "hearing": _l("Hearing request"),
    "waiver": _l("Written waiver of the right to be heard"),
}


class ProposeForm(FlaskForm):
    record_id = HiddenField(validators=[DataRequired()])
    facts = TextAreaField(_l("Facts stated in the notices"), validators=[Optional(), Length(max=5000)],
                          description=_l("Leave empty to use the record's facts."), render_kw={"rows": 3})


class ServeForm(FlaskForm):
    served_on = DateField(_l("Date of service"), validators=[InputRequired(DATE_REQUIRED)])


class StatementForm(FlaskForm):
    kind = SelectField(_l("What the party made"), choices=[SelectChoice(k, v) for k, v in STATEMENT_LABELS.items()])
    on = DateField(_l("Date received"), validators=[InputRequired(DATE_REQUIRED)])
    text = TextAreaField(_l("Content"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 3})


class ConsentForm(FlaskForm):
    on = DateField(_l("Date of the upper level's consent"), validators=[InputRequired(DATE_REQUIRED)])
    reference = StringField(_l("Consent document number"), validators=[DataRequired(), Length(max=200)])


class ConfirmForm(FlaskForm):
    """A step with nothing to fill in but the CSRF token (the decision)."""


class PublishForm(FlaskForm):
    as_of = DateField(_l("Publication date"), validators=[Optional()],
                      description=_l("Leave empty for today."))


class EntryForm(FlaskForm):
    id = StringField(_l("Sender's entry id"), validators=[DataRequired(), Length(max=64)])
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), Length(max=18)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 3})
    legal_basis = StringField(_l("Legal basis"), validators=[DataRequired(), Length(max=2000)])
    authority = StringField(_l("Deciding authority"), validators=[DataRequired(), Length(max=200)])
    decision_no = StringField(_l("Decision document number"), validators=[DataRequired(), Length(max=100)])
    listed_on = DateField(_l("Listing date"), validators=[InputRequired(DATE_REQUIRED)])
    planned_removal_on = DateField(_l("Planned removal date"), validators=[InputRequired(DATE_REQUIRED)])


class RemovalApplicationForm(RepairForm):
    """An early-removal application received on paper: the firm's own form, and the day it came."""

    received_on = DateField(_l("Date received"), validators=[InputRequired(DATE_REQUIRED)])
