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


class InvalidInput(DomainError):
    pass


class NotAllowed(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class NotFound(DomainError):
    status = 404
