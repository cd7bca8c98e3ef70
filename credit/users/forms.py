"""Forms of the user administration and of the password change."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from credit.accounts.authz import staff_role_choices


def _roles() -> list[SelectChoice]:
    return [SelectChoice(role, label) for role, label in staff_role_choices()]


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter

    q = StringField(_l("Username or name"), validators=[Length(max=100)])


class NewUserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Please enter the username.")), Length(max=64)])
    display_name = StringField(_l("Full name"), validators=[Length(max=100)])
    role = SelectField(_l("Role"), choices=_roles, validators=[DataRequired()])
    password = PasswordField(_l("First password"), validators=[DataRequired(_l("Please enter a first password."))],
                             description=_l("The user must change it at the first login."),
                             render_kw={"autocomplete": "new-password"})


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_roles, validators=[DataRequired()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Temporary password"),
                             validators=[DataRequired(_l("Please enter a temporary password."))],
                             description=_l("The user must change it at the next login; open sessions end."),
                             render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Please enter your password."))],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Please enter the new password."))],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", _l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})

