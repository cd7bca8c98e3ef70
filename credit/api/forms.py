"""The admin's form that creates an API token."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from credit.accounts.authz import SCOPE_LABELS
from credit.api.services import DEFAULT_DAYS, MAX_DAYS


class TokenForm(FlaskForm):
    department = StringField(_l("Department"), validators=[DataRequired(_l("Please enter the department.")),
                                                           Length(max=100)],
                             description=_l("The department whose system will use the token."))
    scopes = SelectMultipleField(_l("Scopes"), choices=lambda: list(SCOPE_LABELS.items()),
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                 validators=[DataRequired(_l("Choose at least one scope."))])
    days = IntegerField(_l("Valid for (days)"), default=DEFAULT_DAYS,
                        validators=[InputRequired(_l("Please enter how many days the token is valid.")),
                                    NumberRange(1, MAX_DAYS)])
