"""Who did something: a user, or a named system process (CLI import, scheduler)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str

    @classmethod
    def of(cls, user) -> "Actor":
        return cls(user.id, user.username)


# The scheduled jobs (credit scheduler, credit jobs run) act under this name.
SCHEDULER = Actor(None, "scheduler")
