"""The activation form: USCC, code, and the account the firm chooses."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class ActivationForm(FlaskForm):
    uscc = StringField(_l("Unified social credit code (USCC)"),
                       validators=[DataRequired(_l("Please enter the USCC.")), Length(max=30)])
    code = StringField(_l("Activation code"), validators=[DataRequired(_l("Please enter the activation code.")),
                                                          Length(max=30)], render_kw={"autocomplete": "off"})
    username = StringField(_l("Username"), validators=[DataRequired(_l("Please enter your username.")), Length(max=64)],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter your password."))],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", _l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})

