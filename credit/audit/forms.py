"""The audit log's filter form (a GET form: it changes nothing, so it carries no CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from credit.audit.queries import EventFilter


class EventFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(_l("Actor (username)"), validators=[Optional(), Length(max=64)])
    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    object_type = SelectField(_l("Object type"), choices=[], validate_choice=False)
    object_id = StringField(_l("Object id"), validators=[Optional(), Length(max=64)])
    date_from = DateField(_l("From (date)"), validators=[Optional()])
    date_to = DateField(_l("To (date)"), validators=[Optional()])

    def with_choices(self, actions: list[str], object_types: list[str]) -> "EventFilterForm":
        everything = [("", _l("All"))]
        # A value asked for in the URL stays selected even when no event has it (yet).
        actions = sorted(set(actions) | {self.action.data or ""} - {""})
        object_types = sorted(set(object_types) | {self.object_type.data or ""} - {""})
        self.action.choices = everything + [(a, a) for a in actions]
        self.object_type.choices = everything + [(t, t) for t in object_types]
        return self

    def to_filter(self) -> EventFilter:
        return EventFilter(
            actor=(self.actor.data or "").strip(), action=self.action.data or "",
            object_type=self.object_type.data or "", object_id=(self.object_id.data or "").strip(),
            date_from=self.date_from.data, date_to=self.date_to.data,
        )
