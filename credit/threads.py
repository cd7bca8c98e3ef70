"""Iterators run ahead of their reader by threads of their own: an import reads the next chunk of
its file while the database writes the last, a full recompute reads every connection's rows."""
from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app, has_app_context

T = TypeVar("T")
_DONE = object()


@dataclass(frozen=True)
class _Failed:
    error: BaseException


def run_ahead(*sources: Iterator[T], depth: int = 1) -> Iterator[T]:
    """The items of ``sources`` as they come, each source iterated by a thread of its own (in the
    application's context when there is one) up to ``depth`` items ahead; one source keeps its order.

    What a source raises is raised here. A reader that stops early, or fails, stops the sources
    at their next item and waits for their threads, so that nothing runs on after it.
    """
    handoff: queue.Queue = queue.Queue(maxsize=depth * len(sources))
    stop = threading.Event()
    app = current_app._get_current_object() if has_app_context() else None

    def produce(items: Iterator[T]) -> None:
        outcome = _DONE
        try:
            with app.app_context() if app is not None else contextlib.nullcontext():
                for item in items:
                    if stop.is_set():
                        break
                    handoff.put(item)
        except BaseException as error:  # raised again in the reader's thread
            outcome = _Failed(error)
        finally:
            if hasattr(items, "close"):
                items.close()  # a generator's own clean-up (a connection given back) runs in its thread
        handoff.put(outcome)

    threads = [threading.Thread(target=produce, args=(items,), daemon=True) for items in sources]
    for thread in threads:
        thread.start()
    running = len(threads)
    try:
        while running:
            item = handoff.get()
            if item is _DONE:
                running -= 1
            elif isinstance(item, _Failed):
                raise item.error
            else:
                yield item
    finally:
        stop.set()
        while any(thread.is_alive() for thread in threads):  # take what they hand over, so that they see the stop
            try:
                handoff.get(timeout=0.05)
            except queue.Empty:
                pass
