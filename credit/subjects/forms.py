"""Forms of the subject registry: the search (GET, no token) and the register/edit form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from credit.subjects.models import DISTRICTS, SUBJECT_KINDS
from credit.subjects.search import SORTS, SubjectFilter

KIND_CHOICES = [SelectChoice(code, label) for code, label in SUBJECT_KINDS.items()]
DISTRICT_CHOICES = [SelectChoice(code, _l("%(district)s (%(code)s)", district=name, code=code))
                    for code, name in DISTRICTS.items()]
# The grades and supervision tiers of the catalog (DESIGN section 4); tiers by their code.
GRADES = ("A+", "A", "B", "C", "D")
TIER_LABELS = {"low": _l("Low risk"), "general": _l("General risk"), "watch": _l("Attention"), "key": _l("Key supervision")}
SORT_LABELS = {"name": _l("Name"), "score": _l("Score, highest first"), "score_asc": _l("Score, lowest first"),
               "registered": _l("Registration date, newest first")}


class SubjectSearchForm(Form):
    """Read from the query string, so a result list is a plain link (and its export the same filters)."""

    name = StringField(_l("Name contains"), validators=[Optional(), Length(max=200)])
    uscc = StringField(_l("USCC contains"), validators=[Optional(), Length(max=18)])
    district = SelectField(_l("District"), choices=[SelectChoice("", _l("All districts"))] + DISTRICT_CHOICES,
                           validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=[SelectChoice("", _l("All kinds"))] + KIND_CHOICES, validators=[Optional()])
    grade = SelectField(_l("Grade"), choices=[SelectChoice("", _l("All grades"))] + [SelectChoice(g, g) for g in GRADES],
                        validators=[Optional()])
    tier = SelectField(_l("Supervision tier"), choices=[SelectChoice("", _l("All tiers"))]
                       + [SelectChoice(code, label) for code, label in TIER_LABELS.items()], validators=[Optional()])
    sort = SelectField(_l("Sort by"), choices=[SelectChoice(key, SORT_LABELS[key]) for key in SORTS],
                       validators=[Optional()])
    page = IntegerField(_l("Page"), default=1, validators=[Optional()])

    def criteria(self) -> SubjectFilter:
        """The filter; a field that failed validation (e.g. an unknown district) is ignored."""
        def value(field):
            return "" if field.errors or not field.data else field.data

        return SubjectFilter(value(self.name), value(self.uscc), value(self.district), value(self.kind),
                             value(self.grade), value(self.tier), value(self.sort) or "name")

    def page_number(self) -> int:
        return self.page.data if not self.page.errors and self.page.data else 1


class SubjectForm(FlaskForm):
    # The USCC check itself is the service's (validate_uscc); its message appears beside this field.
    uscc = StringField(_l("Unified social credit code (USCC)"),
                       validators=[DataRequired(_l("Please enter the USCC.")), Length(max=30)],
                       description=_l("18 characters, as on the business licence (GB 32100-2015)."))
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please enter the name.")), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, validators=[DataRequired()])
    district = SelectField(_l("District"), choices=DISTRICT_CHOICES, validators=[DataRequired()])
    legal_representative = StringField(_l("Legal representative"), validators=[Optional(), Length(max=100)])
    licence_no = StringField(_l("Licence or filing number"), validators=[Optional(), Length(max=50)],
                             description=_l("For patent and trademark agencies."))
    # The version of the subject the form was filled from (editing only): a save over a newer one is refused.
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
