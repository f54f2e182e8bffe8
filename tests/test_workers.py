"""Where threads and processes start: a call given a time limit, and work in a fresh
interpreter, whose result comes back, and which costs nothing but time when it fails."""

import os

import pytest

from graph.workers import Overran, bounded, in_process


def test_a_fresh_interpreter_computes_and_its_result_comes_back():
    job = in_process(os.getpid)
    assert job.proc is not None
    assert job.result() != os.getpid() and job.proc is None
    assert in_process(divmod, 7, 2).result() == (3, 1)


def test_without_a_fresh_interpreter_the_parent_computes():
    assert in_process(os.getpid, spawn=False).result() == os.getpid()


def test_what_the_interpreter_cannot_do_the_parent_computes():
    job = in_process(lambda: os.getpid())  # a lambda cannot be found by name there
    assert job.result() == os.getpid()
    with pytest.raises(ZeroDivisionError):  # the parent's own attempt raises the error
        in_process(divmod, 1, 0).result()


def test_cancel_stops_an_interpreter_never_collected():
    import time
    job = in_process(time.sleep, 30)
    proc = job.proc
    job.cancel()
    assert job.proc is None and proc.poll() is not None


def test_a_bounded_call_gives_its_result_its_error_or_says_it_overran():
    import threading
    assert bounded(lambda: 42, 5) == 42
    with pytest.raises(ZeroDivisionError):
        bounded(lambda: 1 / 0, 5)
    release = threading.Event()
    with pytest.raises(Overran):  # still running when its time ran out: not waited for
        bounded(release.wait, 0.1)
    release.set()
