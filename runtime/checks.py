"""Pre-flight checks: whether claimflow can run as configured, told before a batch finds out on its first document.

Each check reads the configuration and what it names (document types, storage, pinned prompt versions, the model
backend, tesseract, delivery targets) and says ok, warning or failed with what to fix. Nothing here calls a model
or writes a run: a check costs nothing and may run in a deploy script before every start. A model server set by
URL and each webhook are connected to and left at once (`reachable.py`): a warning when one accepts no
connection, with nothing sent.
"""

from __future__ import annotations

import asyncio
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

from claimflow.runtime.data_dir import REGISTRY_FILE, DataDirectoryError
from claimflow.runtime.discovery import ActiveTypes, discover_types
from claimflow.runtime.errors import SetupError
from claimflow.runtime.reachable import unreachable
from claimflow.runtime.registry.protocol import RunRegistry
from claimflow.runtime.settings import Settings
from claimflow.runtime.type_settings import type_settings_problem
from claimflow.runtime.unavailable import unavailable_reason
from claimflow.runtime.unlabelled import RULES_BACKEND, unlabelled_warning
from claimflow.state.redaction import redact

Outcome = Literal["ok", "warning", "failed"]


@dataclass(frozen=True)
class CheckResult:
    """What one check found."""

    check: str
    """`settings`, `types`, `storage`, `queue`, `prompts`, `model`, `second_opinion`, `ocr` or `delivery`."""
    outcome: Outcome
    """`failed` stops runs (or every run that needs it); `warning` only some documents (e.g. OCR for scans)."""
    detail: str
    """What was found, or what is wrong and what to set or install."""


def run_checks(load_settings: Callable[[], Settings]) -> list[CheckResult]:
    """Every check, in order; a check that needs what an earlier one failed to give is left out.

    Args:
        load_settings: Reads the settings (flags and `CLAIMFLOW_*`); a `SetupError` from it fails the first check.
    """
    return list(_checks(load_settings))


def _checks(load_settings: Callable[[], Settings]) -> Iterator[CheckResult]:
    try:
        settings = load_settings()
    except SetupError as error:
        yield CheckResult("settings", "failed", str(error))
        return
    active: ActiveTypes | None = None
    try:
        active = discover_types(settings.types)
    except SetupError as error:
        types = CheckResult("types", "failed", str(error))
    else:
        names = ", ".join(f"{entry.doc_type.name}@{entry.doc_type.version}" for entry in active.entries)
        unread = (
            unlabelled_warning(active.types) if RULES_BACKEND in (settings.model, settings.second_opinion) else None
        )
        types = (
            CheckResult("types", "ok", names)
            if unread is None
            else CheckResult("types", "warning", f"{names}; {unread}")
        )
    # The policy and the per-type caps name types and fields: checked once the types are known.
    problem = type_settings_problem(settings, active.types) if active is not None else None
    found = f"model {settings.model}, {where_kept(settings)}, execution {settings.execution}"
    yield CheckResult("settings", "ok", found) if problem is None else CheckResult("settings", "failed", problem)
    yield types
    registry, storage = _open_storage(settings)
    yield storage
    if settings.execution == "queue" and not settings.database_url:
        yield CheckResult("queue", "failed", QUEUE_WITHOUT_DATABASE)
    if registry is not None:
        try:
            if settings.database_url and settings.execution == "queue":
                yield _queue(settings.database_url, settings.worker.stalled_s, settings.model)
            if active is not None:
                yield _prompts(registry, active)
        finally:
            registry.close()
    yield _model("model", settings.model, settings)
    if settings.second_opinion:
        yield _model("second_opinion", settings.second_opinion, settings)
    yield _ocr(settings.limits.ocr_languages)
    yield _delivery(settings)
    yield _retention(settings)


QUEUE_WITHOUT_DATABASE = (
    "CLAIMFLOW_EXECUTION=queue: runs advance in workers, and their queue lives in Postgres; set"
    " CLAIMFLOW_DATABASE_URL (and run `claimflow db migrate`), or unset CLAIMFLOW_EXECUTION to run in this process"
)


def where_kept(settings: Settings) -> str:
    """Where runs are kept: the database (credentials masked) or the data directory."""
    if settings.database_url:
        return f"Postgres {redact(settings.database_url)}"
    return f"data directory {settings.data_dir}"


def _failure(error: Exception) -> str:
    """An error as one line: what cannot be reached, if that is what it is, with any URL's credentials masked."""
    return redact(unavailable_reason(error) or f"{type(error).__name__}: {error}")


def _open_storage(settings: Settings) -> tuple[RunRegistry | None, CheckResult]:
    """The registry and what was found; no registry where there is none yet (a data directory never used)."""
    from claimflow.runtime.registry.opening import open_registry

    if not settings.database_url and not (settings.data_dir / REGISTRY_FILE).exists():
        return None, _creatable(settings.data_dir)
    if settings.database_url:
        unmigrated = _unmigrated(settings)
        if unmigrated is not None:
            return None, unmigrated
    try:
        registry = open_registry(settings)
        counts = registry.count_runs()
    except Exception as error:  # whatever keeps the registry out of reach is the finding
        return None, CheckResult("storage", "failed", _failure(error))
    runs = ", ".join(f"{status} {count}" for status, count in counts.items()) or "no runs yet"
    return registry, CheckResult("storage", "ok", f"{where_kept(settings)}: {runs}")


def _unmigrated(settings: Settings) -> CheckResult | None:
    """What to say of a database without claimflow's schema, looked at without making it; None if it has it all.

    Opening the registry creates or completes its schema (the first run on a new database does so): `check`
    writes nothing, so it asks the registry's own test (`schema_ready`) first. Workers need the queue's schema
    too, which only `claimflow db migrate` makes.
    """
    from claimflow.runtime.registry._pg_schema import connect, schema_ready

    assert settings.database_url is not None  # Postgres only
    try:
        with connect(settings.database_url) as conn:
            ready = schema_ready(conn)
    except Exception as error:  # whatever keeps the database out of reach is the finding
        return CheckResult("storage", "failed", _failure(error))
    if ready:
        return None
    where = where_kept(settings)
    if settings.execution == "queue":
        return CheckResult(
            "storage", "failed", f"{where} has not all of claimflow's tables yet: run `claimflow db migrate`"
        )
    # Without workers the first run makes the schema, as it creates a data directory.
    return CheckResult(
        "storage",
        "ok",
        f"{where}: claimflow's tables are not all there yet (`claimflow db migrate` or the first run makes them)",
    )


def _creatable(data_dir: Path) -> CheckResult:
    """Whether the first run could create `data_dir` (or its registry, in a folder already there).

    Asking for permission is not enough: root may write anywhere by its modes, yet nothing can be made in `/proc`
    or on a read-only mount. So a folder is made where the data directory would be made, and removed at once.
    """
    try:
        nearest = next(candidate for candidate in (data_dir, *data_dir.parents) if candidate.exists())
        if not nearest.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(nearest))
        try:
            os.rmdir(tempfile.mkdtemp(prefix=".claimflow-check-", dir=nearest))
        except OSError as error:  # named by the folder it was tried in, not by the probe's own name
            raise OSError(error.errno, error.strerror, str(nearest)) from error
    except OSError as error:
        return CheckResult("storage", "failed", str(DataDirectoryError(data_dir, error)))
    return CheckResult("storage", "ok", f"data directory {data_dir}: no runs yet (the first run creates it)")


def _queue(database_url: str, stalled_s: float, model: str) -> CheckResult:
    """Whether the queue's tables are there for `CLAIMFLOW_EXECUTION=queue`, and live workers serve its queues.

    The queues needed are this model's and `maintenance` (the reaper), and any with jobs waiting. A live worker
    of an older claimflow records no queues: with one alive, a queue the others do not serve may be its.
    """
    from claimflow.runtime.queue.errors import MIGRATE_HINT, not_migrated
    from claimflow.runtime.queue.names import worker_queues
    from claimflow.runtime.queue.status import queue_status
    from claimflow.runtime.registry._pg_schema import connect

    try:
        with connect(database_url) as conn:
            found = queue_status(conn, stalled_s=stalled_s)
    except Exception as error:
        return CheckResult("queue", "failed", MIGRATE_HINT if not_migrated(error) else _failure(error))
    alive = found["workers_alive"]
    if not alive:
        return CheckResult("queue", "warning", "no worker alive: queued runs wait until `claimflow worker` runs")
    needed = {*worker_queues(model), *(name for name, counts in found["queues"].items() if counts["waiting"])}
    served = {name for worker in found["workers"] for name in worker["queues"] or ()}
    unrecorded = sum(worker["queues"] is None for worker in found["workers"])
    unserved = sorted(needed - served)
    if not unserved:
        return CheckResult("queue", "ok", f"{alive} worker(s) alive, serving {', '.join(sorted(served))}")
    names = ", ".join(unserved)
    if unrecorded:
        detail = f"{alive} worker(s) alive; {unrecorded} of an older claimflow record no queues: {names} may be theirs"
        return CheckResult("queue", "ok", detail)
    detail = (
        f"{alive} worker(s) alive, none serving {names}: its jobs wait until a worker does"
        f" (`claimflow worker --queues {','.join(unserved)}`)"
    )
    return CheckResult("queue", "warning", detail)


def _prompts(registry: RunRegistry, active: ActiveTypes) -> CheckResult:
    """Whether each prompt version's text is the one earlier runs pinned (a run would refuse to start otherwise)."""
    from claimflow.runtime.engine.setup import changed_pins, prompt_hashes, prompts_changed

    current, pinned = prompt_hashes(active), registry.pinned_prompts()
    changed = changed_pins(current, pinned)
    if changed:
        return CheckResult("prompts", "failed", prompts_changed(changed))
    used = sum(ref in pinned for ref in current)
    return CheckResult("prompts", "ok", f"{len(current)} prompt version(s), {used} used by earlier runs, unchanged")


def _model(check: str, model: str, settings: Settings) -> CheckResult:
    """Whether the backend can be built as configured (keys, names, folders); no request is sent."""
    from claimflow.runtime.gateway import make_gateway

    try:
        gateway = make_gateway(model, settings.gateway)
    except SetupError as error:
        return CheckResult(check, "failed", str(error))
    close = getattr(gateway, "aclose", None)
    if close is not None:
        asyncio.run(close())
    if model == "rules":
        return CheckResult(check, "ok", "rules: the offline rule-based backend, no language model")
    servers = {"openai": settings.gateway.openai_base_url, "anthropic": settings.gateway.anthropic_base_url}
    server = servers.get(model.partition(":")[0])
    if not server:
        return CheckResult(check, "ok", f"{model}: configured (not called: a check sends no request)")
    # A server set by URL (a local llama.cpp or vLLM, a proxy) is often the part that is down: connect, send nothing.
    problem = unreachable(server)
    if problem is not None:
        return CheckResult(check, "warning", f"{model} at {redact(server)}: {problem}; every model call would fail")
    return CheckResult(check, "ok", f"{model} at {redact(server)}: accepts connections (not called: no request sent)")


def _ocr(languages: str) -> CheckResult:
    """Whether tesseract reads `languages` and can tell which way up a page is; only scans and photos need it.

    Languages CLAIMFLOW_OCR_LANGUAGES names without their data fail the check: commands that read documents
    refuse to start on them (`ocr_readiness`). Without tesseract or its English, the default, only scans fail.
    """
    from claimflow.runtime.ingest.errors import OcrUnavailableError
    from claimflow.runtime.ingest.ocr import INSTALL_HINT, installed_languages, missing_languages
    from claimflow.runtime.ocr_readiness import unreadable_languages

    refused = unreadable_languages(languages)
    if refused is not None:
        return CheckResult("ocr", "failed", f"{refused} Commands that read documents refuse to start.")
    try:
        installed = installed_languages()
    except OcrUnavailableError:
        return CheckResult("ocr", "warning", f"tesseract not found: scans and photos would fail; {INSTALL_HINT}")
    missing = missing_languages(languages, installed)
    if missing is not None:
        return CheckResult("ocr", "warning", f"{missing} Scans and photos would fail.")
    if "osd" not in installed:
        return CheckResult(
            "ocr",
            "warning",
            "no orientation data: a page scanned upside down reads as noise; install tesseract-ocr-osd",
        )
    return CheckResult("ocr", "ok", f"tesseract reads {languages} and turns pages upright")


def _delivery(settings: Settings) -> CheckResult:
    """Where finished records go, and whether each target can be delivered to as configured (nothing is sent)."""
    from claimflow.runtime.delivery.config import delivery_problem

    problem = delivery_problem(settings.delivery, settings.database_url)
    if problem is not None:
        return CheckResult("delivery", "failed", problem)
    targets = ", ".join(target.name for target in settings.delivery.targets)
    if not targets:
        return CheckResult("delivery", "ok", "no delivery targets (CLAIMFLOW_DELIVER)")
    # A receiver that is down parks every completed run as delivery_failed: connect to each, send nothing.
    down = [
        f"{target.name}: {found}"
        for target in settings.delivery.targets
        if target.kind == "webhook" and (found := unreachable(target.address)) is not None
    ]
    if down:
        detail = f"records go to {targets}; {'; '.join(down)}: completed runs would wait as delivery_failed"
        return CheckResult("delivery", "warning", detail)
    return CheckResult("delivery", "ok", f"records go to {targets} (webhooks accept connections; nothing sent)")


def _retention(settings: Settings) -> CheckResult:
    """Whether finished runs are pruned by themselves, by whom and when: only workers act on CLAIMFLOW_PRUNE_AFTER."""
    older_than = settings.worker.prune_after
    if older_than is None:
        return CheckResult(
            "retention",
            "ok",
            "nothing pruned by itself (CLAIMFLOW_PRUNE_AFTER unset): run `claimflow prune --finished-older-than AGE`"
            " from cron, or set it where the workers run",
        )
    age = _age(older_than)
    if settings.execution != "queue":
        # The setting is read by workers alone: in local mode (SQLite, or Postgres without workers) it does nothing.
        return CheckResult(
            "retention",
            "warning",
            f"CLAIMFLOW_PRUNE_AFTER={age} is read by `claimflow worker` only, and this is local mode: nothing is"
            f" pruned by itself; run `claimflow prune --finished-older-than {age}` from cron",
        )
    return CheckResult(
        "retention", "ok", f"workers prune runs finished over {age} ago, at `{settings.worker.prune_cron}` (UTC)"
    )


def _age(age: timedelta) -> str:
    """An age as `parse_age` reads it, in its largest whole unit (`30d`, `12h`, `90m`, `45s`)."""
    seconds = age.total_seconds()
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size:g}{unit}"
    return f"{seconds:g}s"
