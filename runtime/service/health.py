"""`/healthz` and `/readyz` (no token), and `/metrics` (Prometheus text format; the queue's too in production mode)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse

from claimflow.runtime.abandoned import still_running
from claimflow.runtime.engine.watching import Metrics
from claimflow.runtime.queue.names import QUEUES
from claimflow.runtime.service.deps import EngineDep, Watcher
from claimflow.runtime.service.schemas import Health, Readiness
from claimflow.state.redaction import redact

if TYPE_CHECKING:
    from claimflow.runtime.queue.status import QueueGauges

router = APIRouter(tags=["service"])
_log = logging.getLogger(__name__)

READY_WITHIN_S = 5.0
"""How long the registry may take to answer a readiness probe before the server counts as not ready."""


@router.get("/healthz")
async def healthz() -> Health:
    """The server is up (no token needed): a liveness probe. It says nothing of the database; `/readyz` does."""
    return Health(status="ok")


@router.get("/readyz", responses={503: {"model": Readiness, "description": "The run registry does not answer."}})
async def readyz(engine: EngineDep, response: Response) -> Readiness:
    """The server can serve requests: its run registry answers within a few seconds (no token needed).

    A readiness probe: 503 while the database (or the data directory) is out of reach, 200 again once it is back;
    the process itself stays up, and its requests meanwhile answer 503 too.
    """
    try:
        await asyncio.wait_for(engine.registry.count_runs(), READY_WITHIN_S)
    except Exception as error:  # any failure to answer is "not ready"; what it was goes to the log only
        _log.warning("not ready: the run registry did not answer: %s", redact(f"{type(error).__name__}: {error}"))
        response.status_code = 503
        return Readiness(status="unavailable", message="the run registry does not answer; see the server's log")
    return Readiness(status="ready")


def prometheus_text(metrics: Metrics) -> str:
    """The figures in Prometheus' text exposition format."""
    lines = [
        "# HELP claimflow_runs Runs by status, as claimflow status counts them (failed covers rejected).",
        "# TYPE claimflow_runs gauge",
        *(f'claimflow_runs{{status="{name}"}} {count}' for name, count in sorted(metrics.runs_by_status.items())),
        "# HELP claimflow_runs_rejected Failed runs a reviewer rejected (counted in claimflow_runs as failed).",
        "# TYPE claimflow_runs_rejected gauge",
        f"claimflow_runs_rejected {metrics.runs_rejected}",
        "# HELP claimflow_reviews_waiting Runs waiting for a reviewer.",
        "# TYPE claimflow_reviews_waiting gauge",
        f"claimflow_reviews_waiting {metrics.reviews_waiting}",
        "# HELP claimflow_oldest_review_age_seconds How long the longest-waiting review has waited.",
        "# TYPE claimflow_oldest_review_age_seconds gauge",
        f"claimflow_oldest_review_age_seconds {metrics.oldest_review_age_seconds:.3f}",
        "# HELP claimflow_model_calls_total Model calls recorded, answered or not.",
        "# TYPE claimflow_model_calls_total counter",
        f"claimflow_model_calls_total {metrics.model_calls}",
        "# HELP claimflow_model_cost_total Cost of the model calls recorded, in the price table's currency.",
        "# TYPE claimflow_model_cost_total counter",
        f"claimflow_model_cost_total {metrics.model_cost:.6f}",
    ]
    return "\n".join(lines) + "\n"


def abandoned_prometheus_text(running: int) -> str:
    """This process's work given up on while running (`abandoned`): a type's code stuck past its wall time."""
    lines = [
        "# HELP claimflow_abandoned_work_running Work on this process's threads whose document gave up on it (its"
        " wall time passed) and that has not returned; a restart of the process ends it.",
        "# TYPE claimflow_abandoned_work_running gauge",
        f"claimflow_abandoned_work_running {running}",
    ]
    return "\n".join(lines) + "\n"


def _label(value: str) -> str:
    """A label value as the text format writes it: backslash, double quote and line feed escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def queue_prometheus_text(gauges: QueueGauges) -> str:
    """The queue's figures (production mode): jobs per queue and state, stalled jobs, workers alive.

    Every queue claimflow uses is listed, at 0 when empty, so a series does not vanish when its queue drains.
    """
    queues = {name: {"waiting": 0, "running": 0} for name in QUEUES} | gauges.queues
    lines = [
        "# HELP claimflow_queue_jobs Jobs in the queue, by queue and state (waiting, running).",
        "# TYPE claimflow_queue_jobs gauge",
        *(
            f'claimflow_queue_jobs{{queue="{_label(name)}",state="{state}"}} {counts[state]}'
            for name, counts in sorted(queues.items())
            for state in ("waiting", "running")
        ),
        "# HELP claimflow_queue_jobs_stalled Jobs running for a worker silent past CLAIMFLOW_WORKER_STALLED_S or, if"
        " larger, the one it recorded (or for no worker).",
        "# TYPE claimflow_queue_jobs_stalled gauge",
        f"claimflow_queue_jobs_stalled {gauges.stalled}",
        "# HELP claimflow_workers_alive Workers not yet silent past CLAIMFLOW_WORKER_STALLED_S or, if larger, the"
        " one each worker recorded, and whose process has not exited on this host.",
        "# TYPE claimflow_workers_alive gauge",
        f"claimflow_workers_alive {gauges.workers_alive}",
    ]
    return "\n".join(lines) + "\n"


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(engine: EngineDep, _: Watcher) -> str:
    """Runs by status as `claimflow status` counts them, reviews waiting, the oldest review's age, model calls and cost.

    Any valid token, a monitor's too (the role that may read nothing else). `failed` covers the runs a reviewer
    rejected, whose count is `claimflow_runs_rejected`. Also the work of this process still running on threads
    after its document gave up on it (`work.abandoned`).

    In production mode (CLAIMFLOW_EXECUTION=queue) also the queue, as `claimflow status` reads it: jobs waiting
    and running per queue, jobs stalled, workers alive.
    """
    text = prometheus_text(await engine.metrics()) + abandoned_prometheus_text(len(still_running()))
    if engine.queued:
        from claimflow.runtime.queue.status import read_queue_gauges  # psycopg: only when the queue is used

        gauges = await read_queue_gauges(engine.registry.sync, stalled_s=engine.settings.worker.stalled_s)
        if gauges is not None:
            text += queue_prometheus_text(gauges)
    return text
