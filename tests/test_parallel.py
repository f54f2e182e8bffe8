"""Work in a fresh interpreter: the result comes back, and one that fails costs nothing
but time."""

import os

import pytest

from graph.analytics.parallel import in_process


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
