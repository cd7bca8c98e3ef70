"""Forms of objections, repair applications and their decisions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from credit.applications.models import REMOVAL
from credit.records.forms import ACCEPT

# The decision's two answers where the generic "grant (uphold) / refuse" would not read right.
DECISION_LABELS = {REMOVAL: (_l("Grant early removal"), _l("Refuse early removal"))}


class ObjectionForm(FlaskForm):
    reasons = TextAreaField(_l("Reasons"), validators=[DataRequired(_l("Please give your reasons.")), Length(max=10000)],
                            render_kw={"rows": 6})
    attachments = MultipleFileField(_l("Supporting files"), render_kw=ACCEPT)


class RepairForm(ObjectionForm):
    obligations_performed = BooleanField(
        _l("We have performed the obligations of the penalty, removed its harm and commit to keep faith (信用承诺)."))


class DecideForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[SelectChoice("grant", _l("Grant (uphold)")), SelectChoice("refuse", _l("Refuse"))],
                          validators=[DataRequired(_l("Please choose a decision."))])
    reasons = TextAreaField(_l("Reasons"), validators=[DataRequired(_l("Please give the reasons.")), Length(max=10000)],
                            render_kw={"rows": 4})


def decide_form(kind: str) -> DecideForm:
    """The decision form of an application of ``kind``, its answers named for that kind."""
    form = DecideForm()
    if kind in DECISION_LABELS:
        grant, refuse = DECISION_LABELS[kind]
        form.decision.choices = [SelectChoice("grant", grant), SelectChoice("refuse", refuse)]
    return form
