"""A section that one package adds to another's page through a signal (the subject page, the home
page): its template, rendered with ``context`` as ``section``, and its place (lowest first)."""
from __future__ import annotations

from dataclasses import dataclass

from blinker import NamedSignal


@dataclass
class Section:
    template: str
    context: dict
    order: int = 0


def collect(signal: NamedSignal, sender, **kwargs) -> list[tuple[str, dict]]:
    """(template, context) of every section the receivers of ``signal`` return, in page order."""
    sections = [section for _receiver, section in signal.send(sender, **kwargs) if section]
    return [(s.template, s.context) for s in sorted(sections, key=lambda s: (s.order, s.template))]
