"""Domain errors carry a Chinese and an English message (and the field they concern, if any).

Services raise them for bad input or a forbidden step; views show them beside the field or as a
flash message, the CLI prints both languages. Nothing is written when one is raised.
"""
from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, zh: str, en: str, field: str | None = None):
        self.zh, self.en, self.field = zh, en, field
        super().__init__(f"{zh} / {en}")

    def __reduce__(self):
        # Pickled whole, whatever a subclass's __init__ takes: an import's reading process sends them.
        return _restore, (type(self), self.args, self.__dict__)


def _restore(cls: type, args: tuple, state: dict) -> DomainError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class InvalidInput(DomainError):
    pass


class NotAllowed(DomainError):
    status = 403


class NotYet(NotAllowed):
    """A gate that opens on a date is still closed (credit repair, early removal from the list);
    ``opens_on`` is the first day it may be applied for (None: it does not open for this object)."""

    def __init__(self, zh: str, en: str, opens_on, field: str | None = None):
        super().__init__(zh, en, field)
        self.opens_on = opens_on


class Conflict(DomainError):
    """The request clashes with what is stored; ``existing`` names the stored object, if there is
    one to show: (object type, id) such as ("subject", 12); a page links to it."""

    status = 409

    def __init__(self, zh: str, en: str, field: str | None = None, existing: tuple[str, int] | None = None):
        super().__init__(zh, en, field)
        self.existing = existing


class NotFound(DomainError):
    status = 404
