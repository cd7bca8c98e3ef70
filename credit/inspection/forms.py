"""Forms for drawing a plan, moving it on, entering a check's result and declaring a conflict."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from credit.cases.services import MISCONDUCT
from credit.inspection.models import RESULTS
from credit.inspection.services import MAX_SEED


class DraftForm(FlaskForm):
    period = StringField(_l("Period"), validators=[DataRequired(_l("Please enter the period, e.g. 2026Q4.")),
                                                   Length(max=20)],
                         description=_l("A year (2026) or a quarter (2026Q4)."))
    seed = IntegerField(_l("Seed"), validators=[Optional(), NumberRange(0, MAX_SEED)],
                        description=_l("Leave empty for a new random seed; it is recorded with the plan."))


class ActionForm(FlaskForm):
    """Approve, publish or withdraw: the CSRF token is all it carries."""


class ResultForm(FlaskForm):
    result = SelectField(_l("Result"), choices=[SelectChoice(code, label) for code, label in RESULTS.items()],
                         validators=[InputRequired(_l("Please choose the result."))])
    record_id = IntegerField(_l("Record opened (number)"), validators=[Optional()],
                             description=_l("For a problem found: the number of the record it opened."))
    # Choices: none, or the subject's cases (set by the view).
    case_id = SelectField(_l("Blue Sky case it opened"), choices=[], validators=[Optional()],
                          description=_l("For a finding handled in a Blue Sky case of this subject."))
    lead_misconduct = SelectField(
        _l("Open a Blue Sky lead"), validators=[Optional()],
        choices=[SelectChoice("", _l("No new lead"))] + [SelectChoice(code, label) for code, label in MISCONDUCT.items()],
        description=_l("Registers a lead with source “random inspection” against this subject, described by the note."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})


class ConflictForm(FlaskForm):
    reason = TextAreaField(_l("Conflict of interest"), validators=[
        DataRequired(_l("Please state the conflict of interest.")), Length(max=2000)], render_kw={"rows": 2})
