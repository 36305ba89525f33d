"""`off_loop` runs work on reusable daemon threads, and work stuck past its deadline holds nothing back."""

from __future__ import annotations

import asyncio
import threading

import pytest

from claimflow.runtime.offload import off_loop


def _thread() -> threading.Thread:
    return threading.current_thread()


async def test_work_runs_off_the_event_loop_on_a_daemon_thread() -> None:
    worker = await off_loop(_thread)
    assert worker is not threading.current_thread()
    assert worker.daemon


async def test_threads_are_reused_rather_than_started_per_call() -> None:
    # The threads are the process's: earlier work may have left several idle, and any of them may take a call.
    idle_before = {thread for thread in threading.enumerate() if thread.name == "claimflow-worker"}
    workers = {await off_loop(_thread) for _ in range(20)}
    # One after the other, each call finds an idle thread: at most one is started (when none was idle), not 20.
    assert len(workers - idle_before) <= 1


async def test_errors_reach_the_caller() -> None:
    def fail() -> None:
        raise ValueError("bad page")

    with pytest.raises(ValueError, match="bad page"):
        await off_loop(fail)


async def test_stuck_work_does_not_hold_later_work_back() -> None:
    release = threading.Event()
    stuck = asyncio.ensure_future(off_loop(release.wait, 30))
    try:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.2):
                await asyncio.shield(stuck)
        # Every thread busy: the next piece of work gets a thread of its own and finishes at once.
        async with asyncio.timeout(5):
            assert await off_loop(sum, [1, 2, 3]) == 6
    finally:
        release.set()
        assert await stuck is True


async def test_concurrent_work_runs_in_parallel_threads() -> None:
    barrier = threading.Barrier(3, timeout=5)
    # Three calls that can only finish together: each must be on its own thread at the same time.
    results = await asyncio.gather(*(off_loop(barrier.wait) for _ in range(3)))
    assert sorted(results) == [0, 1, 2]
