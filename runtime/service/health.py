"""`/healthz` (no token) and `/metrics` (Prometheus text format)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from claimflow.runtime.engine.watching import Metrics
from claimflow.runtime.service.deps import EngineDep, Reader
from claimflow.runtime.service.schemas import Health

router = APIRouter(tags=["service"])


@router.get("/healthz")
async def healthz() -> Health:
    """The server is up (no token needed)."""
    return Health(status="ok")


def prometheus_text(metrics: Metrics) -> str:
    """The figures in Prometheus' text exposition format."""
    lines = [
        "# HELP claimflow_runs Runs by status.",
        "# TYPE claimflow_runs gauge",
        *(f'claimflow_runs{{status="{name}"}} {count}' for name, count in sorted(metrics.runs_by_status.items())),
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


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(engine: EngineDep, _: Reader) -> str:
    """Runs by status, reviews waiting, the oldest review's age, model calls and cost (any valid token)."""
    return prometheus_text(await engine.metrics())
