"""Record and replay: whole workflows served from recorded files, with no model and no server."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.nodes.ports import ClaimT, ModelInput, ModelResult, ModelUnavailableError, Usage
from claimflow.prompts import CLASSIFY, PromptSpec
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import Engine, open_engine
from claimflow.runtime.gateway.recording import (
    RecordingCorruptError,
    RecordingEditedError,
    RecordingGateway,
    ReplayAmbiguousError,
    ReplayGateway,
    ReplayMissError,
    ReplaySetupError,
    exchange_key,
)
from claimflow.runtime.gateway.render import input_hash, render_messages, schema_hash
from claimflow.runtime.gateway.rules import RulesGateway
from claimflow.runtime.settings import Settings
from claimflow.runtime.views import run_view
from claimflow.state.claims import ClassificationClaim
from claimflow.state.records import build_record

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "documents"
FILE_KEYS = {
    "answer_sha256",
    "format",
    "provider_model",
    "prompt",
    "prompt_hash",
    "input_hash",
    "schema_hash",
    "key",
    "system",
    "user",
    "claim",
    "errors",
    "usage",
    "raw",
}
INVOICE = "INVOICE\nSeller: Müller Büromöbel GmbH\nInvoice No.: MB-7\nTotal 120,00 €\n"


# helpers ----------------------------------------------------------------------------------------
class ScriptedGateway:
    """A gateway with a given name that answers every prompt with one classification, or fails."""

    def __init__(self, name: str, doc_type: str = "invoice", *, fail: bool = False, invalid: bool = False) -> None:
        self._name = name
        self.doc_type = doc_type
        self.fail = fail
        self.invalid = invalid
        self.calls = 0

    @property
    def name(self) -> str:
        return self._name

    async def complete(self, prompt: PromptSpec[ClaimT], request: ModelInput) -> ModelResult[ClaimT]:
        self.calls += 1
        if self.fail:
            raise ModelUnavailableError(f"{prompt.ref}: {self._name} answered 503")
        usage = Usage(
            model=self._name,
            prompt=prompt.ref,
            prompt_hash=prompt.content_hash,
            input_tokens=120,
            output_tokens=30,
            cost=0.0042,
            latency_ms=812.5 + self.calls,
        )
        if self.invalid:
            errors = ["confidence: must be at most 1"]
            usage = usage.model_copy(update={"validation_errors": errors})
            return ModelResult(claim=None, usage=usage, errors=errors, raw='{"doc_type": "invoice", "confidence": 7}')
        claim = prompt.response_model.model_validate({"doc_type": self.doc_type, "confidence": 0.9, "evidence": []})
        return ModelResult(claim=claim, usage=usage, raw=claim.model_dump_json())


def request(text: str = INVOICE, feedback: tuple[str, ...] = ()) -> ModelInput:
    return ModelInput(pages=(text,), types=BUILTIN_TYPES, feedback=feedback)


def example_files() -> list[Path]:
    """The sample documents."""
    return sorted(path for path in EXAMPLES.iterdir() if path.is_file() and not path.name.startswith("."))


def recorded_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*/*.json"))


async def run_documents(data_dir: Path, gateway: Any, files: list[Path]) -> tuple[dict[str, Any], Engine]:
    """Each document's view, record and event trail, by file name, with run ids and timestamps left out."""
    results: dict[str, Any] = {}
    async with open_engine(Settings(data_dir=data_dir), gateway=gateway, types=BUILTIN_TYPES) as engine:
        for row in await process_files(engine, files):
            state = await engine.state(row.run_id)
            record = build_record(state, engine.types) if state else None
            view = run_view(row, state, engine.types)
            view.pop("run_id")
            results[row.filename] = {
                "view": view,
                "record": record.model_dump(mode="json", exclude={"run_id"}) if record else None,
                "reasons": [reason.model_dump(mode="json") for reason in state.review_reasons] if state else [],
                "steps": [(item["type"], item["step"]) for item in await engine.registry.events(row.run_id)],
                "models": [item["data"]["model"] for item in await _model_events(engine, row.run_id)],
            }
    return results, engine


async def _model_events(engine: Engine, run_id: str) -> list[dict[str, Any]]:
    return [item for item in await engine.registry.events(run_id) if item["type"] == "model.called"]


# whole workflows --------------------------------------------------------------------------------
@pytest.mark.ocr
async def test_a_replayed_run_gives_the_same_records_as_the_recorded_one(tmp_path: Path) -> None:
    recordings = tmp_path / "recordings"
    files = example_files()
    recorded, _ = await run_documents(tmp_path / "first", RecordingGateway(RulesGateway(), recordings), files)
    replay = ReplayGateway(recordings)
    replayed, _ = await run_documents(tmp_path / "second", replay, files)

    assert replay.name == "replay:rules"
    statuses = {name: result["view"]["status"] for name, result in recorded.items()}
    assert {"completed", "needs_review", "failed"} <= set(statuses.values()), statuses
    for name in recorded:
        models = replayed[name].pop("models")
        assert recorded[name].pop("models") == ["rules"] * len(models)
        assert models == ["replay:rules"] * len(models)
        assert replayed[name] == recorded[name], name
    assert {path.parent.name for path in recorded_files(recordings)} >= {
        "classify",
        "extract_invoice",
        "extract_receipt",
        "extract_contract",
    }


async def test_a_miss_fails_the_run_naming_the_prompt_and_how_to_re_record(tmp_path: Path) -> None:
    recordings = tmp_path / "recordings"
    await run_documents(
        tmp_path / "first", RecordingGateway(RulesGateway(), recordings), [EXAMPLES / "invoice-clean.pdf"]
    )
    replay = ReplayGateway(recordings)
    async with open_engine(Settings(data_dir=tmp_path / "second"), gateway=replay, types=BUILTIN_TYPES) as engine:
        [row] = await process_files(engine, [EXAMPLES / "contract-nda.txt"])
        events = await engine.registry.events(row.run_id)

    assert row.status == "failed"
    assert row.error is not None
    assert "ReplayMissError" in row.error and "classify@3" in row.error, row.error
    assert "step classify" in row.error and f"--record {recordings}" in row.error, row.error
    assert "never recorded" in row.error, row.error
    # The miss is a failed call like any other: an event, then the router fails the run with its reason.
    [called] = [item["data"] for item in events if item["type"] == "model.called"]
    assert called["error"] == row.error and called["valid"] is False
    assert [item["data"]["rule"] for item in events if item["type"] == "route.decided"][-1] == "model_unavailable"
    assert [item["data"]["reason"] for item in events if item["type"] == "run.failed"] == [row.error]


# the files --------------------------------------------------------------------------------------
async def test_recorded_files_are_readable_sorted_json_with_what_was_asked_and_answered(tmp_path: Path) -> None:
    gateway = RecordingGateway(ScriptedGateway("openai:gpt-4o-mini"), tmp_path)
    result = await gateway.complete(CLASSIFY, request())
    [path] = recorded_files(tmp_path)
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)

    assert path.parent.name == "classify" and path.stem == data["key"]
    assert set(data) == FILE_KEYS
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert "Müller Büromöbel" in text and "€" in text, "non-ASCII text is written as is, not escaped"
    assert data["provider_model"] == "openai:gpt-4o-mini" and data["prompt"] == "classify@3"
    assert data["prompt_hash"] == CLASSIFY.content_hash
    assert data["key"] == exchange_key(
        "openai:gpt-4o-mini", data["prompt_hash"], data["input_hash"], data["schema_hash"]
    )
    assert data["system"] == CLASSIFY.system and INVOICE.strip() in data["user"]
    assert result.claim is not None and data["claim"] == result.claim.model_dump(mode="json")
    assert data["errors"] == [] and data["usage"]["cost"] == 0.0042 and data["usage"]["input_tokens"] == 120
    assert data["raw"] == result.raw and json.loads(data["raw"]) == data["claim"]


async def test_recording_the_same_exchange_again_keeps_one_unchanged_file(tmp_path: Path) -> None:
    inner = ScriptedGateway("openai:gpt-4o-mini")
    gateway = RecordingGateway(inner, tmp_path)
    await gateway.complete(CLASSIFY, request())
    [path] = recorded_files(tmp_path)
    first = path.read_bytes()
    await gateway.complete(CLASSIFY, request())  # another latency: not a change worth a diff

    assert recorded_files(tmp_path) == [path] and path.read_bytes() == first
    assert not list(tmp_path.rglob("*.tmp"))

    inner.doc_type = "receipt"  # the model changed its answer: the file shows it
    await gateway.complete(CLASSIFY, request())
    assert recorded_files(tmp_path) == [path]
    assert json.loads(path.read_text(encoding="utf-8"))["claim"]["doc_type"] == "receipt"


async def test_an_invalid_output_is_recorded_and_replayed_as_errors(tmp_path: Path) -> None:
    await RecordingGateway(ScriptedGateway("m", invalid=True), tmp_path).complete(CLASSIFY, request())
    result = await ReplayGateway(tmp_path).complete(CLASSIFY, request())

    assert result.claim is None and result.errors == ["confidence: must be at most 1"]
    assert result.usage.validation_errors == result.errors
    assert result.raw == '{"doc_type": "invoice", "confidence": 7}'  # what the model said, next to why it failed
    [path] = recorded_files(tmp_path)
    assert json.loads(path.read_text(encoding="utf-8"))["raw"] == result.raw


async def test_a_recording_made_before_raw_was_kept_still_replays(tmp_path: Path) -> None:
    original = await RecordingGateway(ScriptedGateway("m"), tmp_path).complete(CLASSIFY, request())
    [path] = recorded_files(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["raw"], data["answer_sha256"]
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")

    result = await ReplayGateway(tmp_path).complete(CLASSIFY, request())

    assert result.claim == original.claim and result.raw is None
    assert result.verified is False, "a recording without its answer's hash replays as unverified"


async def test_a_recorded_answer_carries_its_sha256_and_replays_verified(tmp_path: Path) -> None:
    await RecordingGateway(ScriptedGateway("m"), tmp_path).complete(CLASSIFY, request())
    [path] = recorded_files(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    answer = json.dumps(
        {"claim": data["claim"], "errors": data["errors"], "raw": data["raw"]},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip
    assert data["answer_sha256"] == hashlib.sha256(answer.encode()).hexdigest()

    result = await ReplayGateway(tmp_path).complete(CLASSIFY, request())

    assert result.verified is True and result.recording == str(path.absolute())


async def test_an_answer_edited_by_hand_after_recording_is_refused(tmp_path: Path) -> None:
    await RecordingGateway(ScriptedGateway("m"), tmp_path).complete(CLASSIFY, request())
    [path] = recorded_files(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["claim"]["confidence"] = 0.01
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")

    with pytest.raises(RecordingEditedError, match="edited after it was recorded") as edited:
        await ReplayGateway(tmp_path).complete(CLASSIFY, request())
    assert "step classify" in str(edited.value) and str(path) in str(edited.value)


async def test_a_transport_failure_propagates_and_records_nothing(tmp_path: Path) -> None:
    gateway = RecordingGateway(ScriptedGateway("m", fail=True), tmp_path)
    with pytest.raises(ModelUnavailableError, match="503"):
        await gateway.complete(CLASSIFY, request())
    assert recorded_files(tmp_path) == []


# keys -------------------------------------------------------------------------------------------
class WiderClaim(ClassificationClaim):
    """The classification claim with one more field: another response schema."""

    language: str = "en"


async def _key(tmp_path: Path, prompt: PromptSpec[Any], req: ModelInput, name: str = "m") -> str:
    folder = tmp_path / f"k{len(list(tmp_path.iterdir()))}"
    await RecordingGateway(ScriptedGateway(name), folder).complete(prompt, req)
    [path] = recorded_files(folder)
    return path.stem


async def test_the_key_changes_with_the_provider_prompt_input_and_schema(tmp_path: Path) -> None:
    base = await _key(tmp_path, CLASSIFY, request())
    keys = {
        "same": await _key(tmp_path, CLASSIFY, request()),
        "provider": await _key(tmp_path, CLASSIFY, request(), name="other"),
        "prompt": await _key(tmp_path, dataclasses.replace(CLASSIFY, system=CLASSIFY.system + " Be brief."), request()),
        "input": await _key(tmp_path, CLASSIFY, request(INVOICE.replace("MB-7", "MB-8"))),
        "feedback": await _key(tmp_path, CLASSIFY, request(feedback=("evidence: quote not found",))),
        "schema": await _key(tmp_path, dataclasses.replace(CLASSIFY, response_model=WiderClaim), request()),
    }
    assert keys.pop("same") == base
    assert base not in keys.values() and len(set(keys.values())) == len(keys), keys


def test_exchange_key_is_sha256_over_its_parts_in_order() -> None:
    key = exchange_key("rules", "p", "i", "s")
    assert len(key) == 64 and key == exchange_key("rules", "p", "i", "s")
    assert key != exchange_key("rules", "i", "p", "s") and key != exchange_key("rulesp", "", "i", "s")


# replay choices and failures ---------------------------------------------------------------------
async def test_replay_reports_the_recorded_usage_under_a_replay_model_name(tmp_path: Path) -> None:
    original = await RecordingGateway(ScriptedGateway("openai:gpt-4o-mini"), tmp_path).complete(CLASSIFY, request())
    replay = ReplayGateway(tmp_path)
    result = await replay.complete(CLASSIFY, request())

    assert replay.name == "replay:openai:gpt-4o-mini"
    assert result.claim == original.claim and isinstance(result.claim, ClassificationClaim)
    assert result.usage == original.usage.model_copy(update={"model": "replay:openai:gpt-4o-mini"})


async def test_several_recorded_models_need_a_choice(tmp_path: Path) -> None:
    await RecordingGateway(ScriptedGateway("a:model", "invoice"), tmp_path).complete(CLASSIFY, request())
    await RecordingGateway(ScriptedGateway("b:model", "receipt"), tmp_path).complete(CLASSIFY, request())

    ambiguous = ReplayGateway(tmp_path)
    assert ambiguous.name == "replay:a:model+b:model"
    with pytest.raises(ReplayAmbiguousError, match=r"classify@3.*a:model, b:model"):
        await ambiguous.complete(CLASSIFY, request())

    chosen = ReplayGateway(tmp_path, model="b:model")
    result = await chosen.complete(CLASSIFY, request())
    assert chosen.name == "replay:b:model"
    assert isinstance(result.claim, ClassificationClaim) and result.claim.doc_type == "receipt"


async def test_a_miss_names_the_key_and_why(tmp_path: Path) -> None:
    await RecordingGateway(ScriptedGateway("m"), tmp_path).complete(CLASSIFY, request())
    replay = ReplayGateway(tmp_path)
    changed = dataclasses.replace(CLASSIFY, system=CLASSIFY.system + " Be brief.")

    with pytest.raises(ReplayMissError, match="another prompt text or version") as missed:
        await replay.complete(changed, request())
    assert isinstance(missed.value, ModelUnavailableError)
    assert "classify@3" in str(missed.value) and "--record" in str(missed.value)
    with pytest.raises(ReplayMissError, match="another response schema"):
        await replay.complete(dataclasses.replace(CLASSIFY, response_model=WiderClaim), request())
    with pytest.raises(ReplayMissError, match="never recorded") as missed:
        await replay.complete(CLASSIFY, request("RECEIPT\n"))
    system, user = render_messages(CLASSIFY, request("RECEIPT\n"))
    key = exchange_key("m", CLASSIFY.content_hash, input_hash(system, user), schema_hash(ClassificationClaim))
    assert f"key {key} (m)" in str(missed.value)


async def test_replay_sees_exchanges_recorded_after_it_started(tmp_path: Path) -> None:
    await RecordingGateway(ScriptedGateway("m"), tmp_path).complete(CLASSIFY, request())
    replay = ReplayGateway(tmp_path)
    await RecordingGateway(ScriptedGateway("m"), tmp_path).complete(CLASSIFY, request("RECEIPT\n"))
    assert (await replay.complete(CLASSIFY, request("RECEIPT\n"))).claim is not None


def test_replay_needs_a_recordings_folder_and_a_recorded_model(tmp_path: Path) -> None:
    with pytest.raises(ReplaySetupError, match="--record"):
        ReplayGateway(tmp_path / "missing")
    with pytest.raises(ReplaySetupError, match="nothing recorded for model 'openai:gpt-4o'"):
        ReplayGateway(tmp_path, model="openai:gpt-4o")


async def test_a_file_moved_or_broken_by_hand_is_reported(tmp_path: Path) -> None:
    await RecordingGateway(ScriptedGateway("m"), tmp_path).complete(CLASSIFY, request())
    [path] = recorded_files(tmp_path)
    os.replace(path, path.with_name("0" * 64 + ".json"))
    with pytest.raises(ReplaySetupError, match="does not match its name"):
        ReplayGateway(tmp_path)
    path.with_name("0" * 64 + ".json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ReplaySetupError, match="cannot be read"):
        ReplayGateway(tmp_path)


async def test_a_file_broken_after_replay_started_fails_the_call(tmp_path: Path) -> None:
    await RecordingGateway(ScriptedGateway("m"), tmp_path).complete(CLASSIFY, request())
    replay = ReplayGateway(tmp_path)
    [path] = recorded_files(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    unverified = {key: value for key, value in data.items() if key != "answer_sha256"}  # as recorded before hashes
    path.write_text(json.dumps({**unverified, "claim": {"doc_type": "memo"}}), encoding="utf-8")
    with pytest.raises(RecordingCorruptError, match="no longer validates") as broken:
        await replay.complete(CLASSIFY, request())
    assert isinstance(broken.value, ModelUnavailableError)
