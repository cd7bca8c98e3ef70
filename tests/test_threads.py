"""run_ahead_in_process: a source's items computed by a forked process arrive in order, with what
it raises; a reader that stops early leaves no process behind."""
from __future__ import annotations

import os
import threading

import multiprocessing
import pytest

from credit.errors import InvalidInput
from credit.threads import run_ahead_in_process


def pids(count: int):
    for i in range(count):
        yield i, os.getpid()


def failing():
    yield 1
    raise InvalidInput("第 2 行不是 UTF-8 文本", "line 2 is not UTF-8 text", "file")


@pytest.fixture(autouse=True)
def one_thread():
    if threading.active_count() > 1:
        pytest.skip("a process with other threads reads by a thread (run_ahead)")


def test_items_come_in_order_from_another_process():
    items = list(run_ahead_in_process(pids(50)))
    assert [i for i, _ in items] == list(range(50))
    assert {pid for _, pid in items} != {os.getpid()} and len({pid for _, pid in items}) == 1


def test_what_the_source_raises_is_raised_here_whole():
    received = []
    with pytest.raises(InvalidInput) as raised:
        for item in run_ahead_in_process(failing()):
            received.append(item)
    assert received == [1]
    assert (raised.value.zh, raised.value.en, raised.value.field) == ("第 2 行不是 UTF-8 文本", "line 2 is not UTF-8 text",
                                                                      "file")


def test_a_reader_that_stops_early_leaves_no_process():
    items = run_ahead_in_process(pids(10_000))
    assert next(items)[0] == 0
    items.close()
    assert multiprocessing.active_children() == []


def test_with_another_thread_it_reads_by_a_thread():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert {pid for _, pid in run_ahead_in_process(pids(5))} == {os.getpid()}
    finally:
        stop.set()
        other.join()
