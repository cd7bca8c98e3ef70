"""Iterators run ahead of their reader by threads of their own: an import reads the next chunk of
its file while the database writes the last, a full recompute reads every connection's rows; or
by a process of its own, where the reading is Python's work that would otherwise share one lock
(the GIL) with the thread the database waits for."""
from __future__ import annotations

import contextlib
import multiprocessing
import queue
import signal
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


def run_ahead_in_process(source: Iterator[T]) -> Iterator[T]:
    """The items of ``source``, computed by a forked process and sent back pickled: the next is
    on its way while the reader works on the last.

    A thread's Python shares the GIL with the reader's: each time the database answers, the reader
    waits for the lock before it sends the next statement. Importing 1,000,000 records took 39 s
    with the file read by a thread and 34 s with it read by a process (bench/RESULTS.md).

    Only where a fork is safe: from a process with no other thread (the command line), since a
    fork copies no other thread and a lock one of them held would stay held in the child.
    Elsewhere, or without fork, it is ``run_ahead``. What the source raises is raised here.
    """
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from run_ahead(source)
        return
    fork = multiprocessing.get_context("fork")
    receiver, sender = fork.Pipe(duplex=False)
    child = fork.Process(target=_send_all, args=(source, sender), daemon=True)
    child.start()
    sender.close()
    try:
        # Received here, not by a thread: the process is a chunk ahead already (the one it has
        # sent and the one it reads), and a thread would hold one more in memory.
        yield from _received(receiver, child)
    finally:
        if child.is_alive():  # the reader stopped early: the rest is not wanted
            child.terminate()
        child.join()
        receiver.close()


def _send_all(source: Iterator, sender) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle; it ends this process
    try:
        for item in source:
            sender.send(item)
    except BaseException as error:
        try:
            sender.send(_Failed(error))
        except Exception:  # an error that cannot be pickled: its text
            sender.send(_Failed(RuntimeError(f"{type(error).__name__}: {error}")))
    else:
        sender.send(_Finished())


def _received(receiver, child) -> Iterator:
    while True:
        try:
            item = receiver.recv()
        except EOFError:
            raise RuntimeError(f"the reading process ended without its result (exit code {child.exitcode})") from None
        if isinstance(item, _Failed):
            raise item.error
        if isinstance(item, _Finished):
            return
        yield item


@dataclass(frozen=True)
class _Finished:
    """The end of a source, sent by its process (an object identity such as _DONE does not survive pickling)."""
