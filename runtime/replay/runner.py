"""Replay stored runs under the current code, prompts and types, in a scratch data directory.

Each run's stored document is run again from the start in a data directory of its own under `scratch`
(SQLite, whatever database the stored runs live in), with a gateway that serves the run's recorded answers
to every unchanged question. The stored runs are only read: their registry rows, events, checkpoints and
documents are left exactly as they were. Duplicate rules look up the stored runs' duplicate keys, as the
original run saw them (`runtime.replay.records`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimflow.nodes.ports import ModelGateway
from claimflow.runtime.gateway import make_gateway
from claimflow.runtime.gateway.errors import GatewaySetupError
from claimflow.runtime.gateway.run_recordings import RunRecordingsGateway, StepSource
from claimflow.runtime.replay.outcome import Change, differences, outcome_items
from claimflow.runtime.replay.records import RecordsAsOf
from claimflow.runtime.replay.reviews import ReplayedDecision, applied_decisions, decide_as_stored
from claimflow.runtime.store import BlobMissingError
from claimflow.state.documents import NO_DOCUMENT

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine
    from claimflow.runtime.registry import RunRow
    from claimflow.runtime.settings import Settings

__all__ = ["RunReplay", "replay_run"]


@dataclass(frozen=True)
class RunReplay:
    """One stored run replayed: where each model answer came from, and what came out differently."""

    run_id: str
    document: str
    model: str
    replay_id: str | None
    before: str
    """The stored run's status."""
    after: str | None
    """The replay's status (None when it could not run)."""
    steps: list[StepSource] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    refused: str | None = None
    """Why the replay was refused (a recording edited after it was recorded, no stored document, a pruned run)."""
    reviews: list[ReplayedDecision] = field(default_factory=list)
    """The stored run's reviewer decisions, each given again to the replay (see `runtime.replay.reviews`)."""
    second_opinion: str | None = None
    """The stored run's second extractor (`--second-opinion`), replayed beside the first; None without one."""

    @property
    def changed(self) -> bool:
        """Whether the replay's outcome differs from the stored run's."""
        return bool(self.changes)

    def as_json(self) -> dict[str, Any]:
        """The object `claimflow replay --json` prints for this run."""
        return {
            "run_id": self.run_id,
            "document": self.document,
            "model": self.model,
            "second_opinion": self.second_opinion,
            "replay_id": self.replay_id,
            "before": self.before,
            "after": self.after,
            "changed": self.changed,
            "refused": self.refused,
            "model_calls": sum(1 for step in self.steps if step.source == "called"),
            "steps": [
                {
                    "step": step.step,
                    "prompt": step.prompt,
                    "source": step.source,
                    "reason": step.reason,
                    "recording": step.recording,
                    "verified": step.verified,
                    "extractor": step.extractor,
                }
                for step in self.steps
            ],
            "changes": [change.model_dump() for change in self.changes],
            "reviews": [review.as_json() for review in self.reviews],
        }


def _calls(events: list[dict[str, Any]], extractor: str) -> list[dict[str, Any]]:
    """The data of the run's `model.called` events made by one extractor (`primary` or `second`), in order."""
    return [
        item.get("data") or {}
        for item in events
        if item.get("type") == "model.called" and (item.get("data") or {}).get("source", "primary") == extractor
    ]


def _recordings(events: list[dict[str, Any]], extractor: str = "primary") -> list[Path]:
    """The recording files one extractor's calls were written to or served from, in call order.

    A second opinion asks the very question the first extractor asks: each is served its own answers.
    """
    return [Path(data["recording"]) for data in _calls(events, extractor) if data.get("recording")]


def _second_opinion(events: list[dict[str, Any]]) -> str | None:
    """The model of the run's second extractor, when it had one that was called."""
    return next((str(data["model"]) for data in _calls(events, "second") if data.get("model")), None)


async def replay_run(source: Engine, row: RunRow, scratch: Path, model: str | None = None) -> RunReplay:
    """Run `row`'s stored document again in `scratch`, serving its recorded answers where nothing changed.

    `model` answers the changed steps (default: the model the run was made with). Where the replay pauses for
    review, the stored run's reviewer decisions are given again, in order (`decide_as_stored`).
    """
    from claimflow.runtime.engine import open_engine

    chosen = model or row.model
    before_view = (await source.view(row.run_id)).model_dump(mode="json")
    if row.document_id == NO_DOCUMENT:
        reason = f"run {row.run_id} has no stored document to run again ({row.error})"
        return RunReplay(row.run_id, row.filename, chosen, None, before_view["status"], None, refused=reason)
    try:
        original = await source.store.read_document(source.registry.document_of(row))
    except BlobMissingError:
        if row.run_id not in await source.registry.pruned_runs():
            raise  # a store that is not this run's: a condition of the machine, which stops the replay
        reason = f"run {row.run_id} was pruned: its stored document is gone (`claimflow prune`), so it cannot run again"
        return RunReplay(row.run_id, row.filename, chosen, None, before_view["status"], None, refused=reason)
    events = await source.registry.events(row.run_id)
    decisions = applied_decisions(await source.registry.decisions(row.run_id))
    settings = source.settings

    def fallback() -> ModelGateway:
        if chosen.startswith("replay:") and model is None:
            # A run made with `--model replay:DIR` is registered under the recorded model's name, not DIR.
            raise GatewaySetupError(
                f"run {row.run_id} was made from recordings ({chosen}) and a step changed: "
                "choose the model that answers it with `--model`"
            )
        return make_gateway(chosen, settings.gateway)

    gateway = RunRecordingsGateway(_recordings(events), fallback, chosen)
    # The run's second opinion is replayed too, from its own recordings, and only if the run had one: this
    # process's --second-opinion would otherwise add one to a run that had none, or drop the run's own.
    second_model = _second_opinion(events)
    second = None
    if second_model is not None:
        second = RunRecordingsGateway(
            _recordings(events, "second"), lambda: _second_fallback(row, second_model, settings), second_model,
            extractor="second",
        )  # fmt: skip
    folder = scratch / row.run_id
    document = folder / "document" / (Path(row.filename).name or "document")
    document.parent.mkdir(parents=True)
    document.write_bytes(original)
    # In this process, whatever the stored runs' execution: the replay's data directory is its own, no queue's.
    own = replace(settings.apart(folder / "data"), record_dir=None, model=chosen, second_opinion=second_model)
    try:
        # Duplicate rules see the stored runs that had completed when the original validated, read-only.
        records = RecordsAsOf(source.registry, row.run_id, events)
        async with open_engine(
            own, gateway=gateway, second_gateway=second, types=source.active, records=records
        ) as engine:
            replayed = await engine.start((await engine.submit(document)).run_id)
            replayed, reviews = await decide_as_stored(engine, replayed, decisions)
            after_view = (await engine.view(replayed.run_id)).model_dump(mode="json")
            after_events = await engine.registry.events(replayed.run_id)
    finally:
        await gateway.aclose()
        if second is not None:
            await second.aclose()
    refused = None
    why = gateway.refused if gateway.refused is not None else second.refused if second is not None else None
    if why is not None:
        refused = f"run {row.run_id}: {why}"
    changes = differences(outcome_items(before_view, events), outcome_items(after_view, after_events))
    return RunReplay(
        row.run_id,
        row.filename,
        chosen,
        replayed.run_id,
        before_view["status"],
        after_view["status"],
        steps=[*gateway.steps, *(second.steps if second is not None else ())],
        changes=[] if refused else changes,
        refused=refused,
        reviews=reviews,
        second_opinion=second_model,
    )


def _second_fallback(row: RunRow, second_model: str, settings: Settings) -> ModelGateway:
    """The gateway that answers the second opinion's changed steps: the run's own second model."""
    if second_model.startswith("replay:"):
        raise GatewaySetupError(
            f"run {row.run_id} took its second opinion from recordings ({second_model}) and a step changed: "
            "no model can answer it"
        )
    return make_gateway(second_model, settings.gateway)
