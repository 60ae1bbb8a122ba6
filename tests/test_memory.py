"""bulk_allocation pauses the cyclic garbage collector and always gives it back."""

from __future__ import annotations

import gc
import threading

import pytest

from mubiao.memory import bulk_allocation


def test_the_collector_is_paused_inside_a_bulk_step_and_running_again_after_it() -> None:
    assert gc.isenabled()
    with bulk_allocation():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_stays_paused_until_the_outermost_of_nested_bulk_steps_ends() -> None:
    with bulk_allocation():
        with bulk_allocation():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_runs_again_after_a_bulk_step_that_raised() -> None:
    with pytest.raises(ValueError), bulk_allocation():
        raise ValueError("a table that cannot be read")
    assert gc.isenabled()


def test_a_thread_leaving_its_bulk_step_does_not_restart_the_collector_while_another_is_in_one() -> None:
    inside, leave = threading.Event(), threading.Event()
    seen: list[bool] = []

    def other_thread() -> None:
        with bulk_allocation():
            inside.set()
            leave.wait()

    thread = threading.Thread(target=other_thread)
    with bulk_allocation():
        thread.start()
        inside.wait()
    seen.append(gc.isenabled())  # this thread has left; the other is still inside
    leave.set()
    thread.join()
    seen.append(gc.isenabled())

    assert seen == [False, True]


def test_a_collector_switched_off_before_stays_off_after() -> None:
    gc.disable()
    try:
        with bulk_allocation():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
