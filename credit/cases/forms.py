"""Forms of the case pages: a lead, a step, a proposed disposition, an extension, a link, a file."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, DateTimeLocalField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from credit.cases.services import DISPOSITIONS, MISCONDUCT, PENALTIES, SOURCES
from credit.records.forms import ACCEPT
from credit.subjects.models import DISTRICTS


def _choices(labels: dict, empty=None) -> list[SelectChoice]:
    return ([SelectChoice("", empty)] if empty else []) + [SelectChoice(code, label) for code, label in labels.items()]


class LeadForm(FlaskForm):
    source = SelectField(_l("Source"), choices=_choices(SOURCES), validators=[DataRequired()])
    misconduct = SelectField(_l("Misconduct type"), choices=_choices(MISCONDUCT), validators=[DataRequired()])
    summary = TextAreaField(_l("Lead"), validators=[DataRequired(_l("Please describe the lead.")), Length(max=20000)],
                            render_kw={"rows": 4})
    uscc = StringField(_l("Registered subject (USCC)"), validators=[Optional(), Length(max=18)],
                       description=_l("Leave empty for a party with no registration and fill in its name below."))
    party_name = StringField(_l("Party name"), validators=[Optional(), Length(max=200)])
    party_id_number = StringField(_l("ID number"), validators=[Optional(), Length(max=40)])
    party_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    party_address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    district = SelectField(_l("District"), choices=_choices(DISTRICTS, _l("As the subject's")),
                           validators=[Optional()])
    attachments = MultipleFileField(_l("Attachments"), render_kw=ACCEPT)


class StepForm(FlaskForm):
    """What any step may need; the service says what the step at hand requires."""

    reason = TextAreaField(_l("Reason or account"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 3})
    rectification_due = DateField(_l("Rectification deadline"), validators=[Optional()])
    interview_at = DateTimeLocalField(_l("Interview time"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    interview_place = StringField(_l("Interview place"), validators=[Optional(), Length(max=200)])
    requirements = TextAreaField(_l("What must be rectified (one per line)"), validators=[Optional(), Length(max=5000)],
                                 render_kw={"rows": 3})
    findings = TextAreaField(_l("Facts found"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 4})
    legal_basis = StringField(_l("Legal basis"), validators=[Optional(), Length(max=500)])


class DispositionForm(FlaskForm):
    kind = SelectField(_l("Disposition"), choices=[SelectChoice(k, DISPOSITIONS[k]) for k in PENALTIES],
                       validators=[DataRequired()])
    amount = DecimalField(_l("Amount (yuan)"), places=2, validators=[Optional()])
    months = IntegerField(_l("Months"), validators=[Optional()])


class ExtendForm(FlaskForm):
    days = IntegerField(_l("Extend by (days)"), validators=[DataRequired(_l("Please give the number of days."))])
    reason = TextAreaField(_l("Reason for the extension"), validators=[Optional(), Length(max=5000)],
                           render_kw={"rows": 2})


class LinkForm(FlaskForm):
    uscc = StringField(_l("USCC of the registered subject"),
                       validators=[DataRequired(_l("Please enter the USCC.")), Length(max=18)])


class AttachmentForm(FlaskForm):
    attachment = MultipleFileField(_l("Attachments"), validators=[DataRequired(_l("Please choose a file."))],
                                   render_kw=ACCEPT)
