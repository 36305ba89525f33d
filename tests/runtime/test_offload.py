"""`off_loop` runs work on reusable daemon threads, and work stuck past its deadline holds nothing back;
`offload` runs work over a short text in place."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any, cast

import pytest
from langgraph.runtime import Runtime

from claimflow.nodes import mask
from claimflow.nodes.ports import WorkflowContext
from claimflow.runtime.offload import INLINE_UP_TO, off_loop, offload
from claimflow.runtime.sqlitestore import SqliteDocumentStore
from claimflow.runtime.store import AsyncDocumentStore
from claimflow.state.masking import MaskPatterns
from claimflow.state.workflow import WorkflowState


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


async def test_work_over_a_short_text_runs_in_place_and_longer_or_unsized_work_on_a_thread() -> None:
    here = threading.current_thread()
    assert await offload(INLINE_UP_TO, _thread) is here
    assert await offload(0, _thread) is here
    assert await offload(INLINE_UP_TO + 1, _thread) is not here
    assert await offload(None, _thread) is not here  # no size: its cost is unknown (a PDF, users' code)


async def test_work_in_place_raises_to_the_caller_too() -> None:
    def fail(text: str) -> None:
        raise ValueError(f"bad page: {text}")

    with pytest.raises(ValueError, match="bad page: short"):
        await offload(5, fail, "short")


@pytest.mark.parametrize("patterns", [None, MaskPatterns(patterns={"employee_id": "EMP-[0-9]{6}"})])
async def test_masking_says_how_much_text_it_reads_unless_users_patterns_run(
    tmp_path: Path, patterns: MaskPatterns | None
) -> None:
    """Users' patterns are their code: whatever the text's size, masking with them goes to a thread."""
    files = SqliteDocumentStore(tmp_path / "documents.db")
    store = AsyncDocumentStore(files)
    text = await store.save_text(("Mail jane@example.com about EMP-123456",), "text")
    document = await store.save_document(b"Mail jane@example.com", "a.txt", "text/plain")
    sizes: list[int | None] = []

    async def recording(chars: int | None, function: Any, /, *args: Any, **kwargs: Any) -> Any:
        sizes.append(chars)
        return await offload(chars, function, *args, **kwargs)

    context = WorkflowContext(
        gateway=cast(Any, None),
        store=store,
        parser=cast(Any, None),
        records=cast(Any, None),
        mask_patterns=patterns,
        offload=recording,
    )
    update = await mask(WorkflowState(run_id="r", document=document, text=text), runtime=Runtime(context=context))
    files.close()

    assert sizes == [text.char_count if patterns is None else None]
    assert update["masked"].masked_count == (1 if patterns is None else 2)
