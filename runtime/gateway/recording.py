"""Record model exchanges as plain JSON files, and replay them with no model and no network.

`RecordingGateway` wraps any gateway and writes one file per exchange to
`DIR/<prompt name>/<key>.json` (pretty-printed, sorted keys, UTF-8): which model answered, which
prompt version, the rendered system and user messages, the model's answer as received (`raw`), the
claim or the validation errors, and the usage, with the sha256 of the answer (`answer_sha256`). A
reviewer reads them in a diff. Files recorded before `raw` or the hash was kept replay as they are (the
latter reported as unverified); an answer edited after recording no longer matches its hash and is refused.

The key is the sha256 hex digest over, in this order, each followed by a NUL byte: the provider and
model (the wrapped gateway's `name`, e.g. "openai:gpt-4o-mini"), the prompt's content hash, the hash
of the rendered messages and the hash of the response schema. A changed prompt, input or schema is
a different key, so replay never serves an answer to a question that was not asked.

`ReplayGateway` serves those files by recomputing the key (`--model replay:DIR`, or `replay:DIR@MODEL` to serve
one model's answers of a folder that holds several models' answers to the same question); a miss fails the run
with a message naming the step's prompt and saying to re-record. A replayed call reports the recorded usage as it
was recorded (tokens, cost, latency, attempts) with `model` set to `replay:<recorded provider and
model>`: the events say it was a replay, and per-run budgets, which count cost, tokens and model
seconds, stop a replayed run exactly where they stopped the recorded one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from claimflow.nodes.ports import ClaimT, ModelGateway, ModelInput, ModelResult
from claimflow.prompts import PromptSpec
from claimflow.runtime.gateway._exchange import (
    Question,
    RecordedExchange,
    RecordingCorruptError,
    RecordingEditedError,
    ReplayAmbiguousError,
    ReplayError,
    ReplayMissError,
    ReplaySetupError,
    exchange_key,
    load_exchange,
    write_exchange,
)

__all__ = [
    "RecordedExchange",
    "RecordingCorruptError",
    "RecordingEditedError",
    "RecordingGateway",
    "ReplayAmbiguousError",
    "ReplayError",
    "ReplayGateway",
    "ReplayMissError",
    "ReplaySetupError",
    "exchange_key",
]


class RecordingGateway:
    """Delegates to `inner` and records every exchange that produced an output, valid or not.

    A transport failure (an exception from `inner`) propagates and records nothing. Files are small
    and written synchronously.
    """

    def __init__(self, inner: ModelGateway, directory: Path) -> None:
        self.inner = inner
        self.directory = directory

    @property
    def name(self) -> str:
        """The wrapped gateway's name: recording does not change who answers."""
        return self.inner.name

    async def complete(self, prompt: PromptSpec[ClaimT], request: ModelInput) -> ModelResult[ClaimT]:
        """Call the wrapped gateway, then record its answer."""
        question = Question.of(prompt, request)
        result = await self.inner.complete(prompt, request)
        provider_model = self.inner.name
        recorded = RecordedExchange(
            provider_model=provider_model,
            prompt=question.prompt,
            prompt_hash=question.prompt_hash,
            input_hash=question.input_hash,
            schema_hash=question.schema_hash,
            key=question.key(provider_model),
            system=question.system,
            user=question.user,
            claim=None if result.claim is None else result.claim.model_dump(mode="json"),
            errors=list(result.errors),
            usage=result.usage,
            raw=result.raw,
        )
        path = write_exchange(self.directory, recorded)
        return replace(result, recording=str(path.absolute()))

    async def aclose(self) -> None:
        """Release the wrapped gateway's connections, if it holds any."""
        close = getattr(self.inner, "aclose", None)
        if close is not None:
            await close()


def served(prompt: PromptSpec[ClaimT], recorded: RecordedExchange, path: Path, where: str) -> ModelResult[ClaimT]:
    """A recorded answer as a result, naming its recording and whether its answer's hash was verified.

    `where` names the recording in the error raised when its claim no longer validates against the prompt.
    """
    try:
        claim = None if recorded.claim is None else prompt.response_model.model_validate(recorded.claim)
    except ValidationError as error:
        raise RecordingCorruptError(f"the recorded claim for {where} no longer validates: {error}") from error
    # As recorded, so per-run budgets (cost, tokens, model seconds) stop a replay where they stopped the run.
    usage = recorded.usage.model_copy(update={"model": f"replay:{recorded.provider_model}", "prompt": prompt.ref})
    return ModelResult(
        claim=claim,
        usage=usage,
        errors=list(recorded.errors),
        raw=recorded.raw,
        recording=str(path.absolute()),
        verified=recorded.verified,
    )


_Index = dict[str, dict[tuple[str, str, str], dict[str, Path]]]
"""prompt name -> (prompt hash, input hash, schema hash) -> provider_model -> file."""


class ReplayGateway:
    """Serves exchanges recorded by `RecordingGateway`; no model, no network.

    Args:
        directory: The folder given to `--record`.
        model: Which recorded provider and model to serve, e.g. "openai:gpt-4o-mini". Needed only when
            the same exchange was recorded for several.

    Raises:
        ReplaySetupError: The folder does not exist, holds a file that is not a recording, or holds
            nothing recorded for `model`.
    """

    def __init__(self, directory: Path, model: str | None = None) -> None:
        if not directory.is_dir():
            raise ReplaySetupError(f"no recordings at {directory}: record a run first with `--record {directory}`")
        self.directory = directory
        self.model = model
        try:
            self._index = self._scan()
        except RecordingCorruptError as error:
            raise ReplaySetupError(str(error)) from error
        recorded = self.recorded_models()
        if model is not None and model not in recorded:
            raise ReplaySetupError(
                f"nothing recorded for model {model!r} in {directory}; recorded: {', '.join(recorded) or 'nothing'}"
            )

    def recorded_models(self) -> list[str]:
        """The providers and models that answered the recorded exchanges, sorted."""
        return sorted({model for by_hash in self._index.values() for found in by_hash.values() for model in found})

    @property
    def name(self) -> str:
        """`replay:<provider and model>`: the chosen one, the only one recorded, or all of them joined by "+"."""
        if self.model is not None:
            return f"replay:{self.model}"
        return "replay:" + ("+".join(self.recorded_models()) or "nothing-recorded")

    async def complete(self, prompt: PromptSpec[ClaimT], request: ModelInput) -> ModelResult[ClaimT]:
        """The recorded answer to this prompt version, input and schema."""
        question = Question.of(prompt, request)
        recorded, path = self._find(question)
        return served(prompt, recorded, path, f"{question.prompt} (key {recorded.key})")

    def _scan(self) -> _Index:
        index: _Index = {}
        for path in sorted(self.directory.glob("*/*.json")):
            recorded = load_exchange(path, verify=False)  # answers are verified when served, naming the run's step
            index.setdefault(path.parent.name, {}).setdefault(recorded.hashes, {})[recorded.provider_model] = path
        return index

    def _candidates(self, question: Question) -> dict[str, Path]:
        found = self._index.get(question.prompt_name, {}).get(question.hashes, {})
        if self.model is not None:
            found = {model: path for model, path in found.items() if model == self.model}
        return found

    def _find(self, question: Question) -> tuple[RecordedExchange, Path]:
        found = self._candidates(question)
        if not found:
            self._index = self._scan()  # recorded since this gateway started?
            found = self._candidates(question)
        if not found:
            raise ReplayMissError(self._miss_message(question))
        if len(found) > 1:
            choices = " or ".join(f"`--model replay:{self.directory}@{model}`" for model in sorted(found))
            raise ReplayAmbiguousError(
                f"step {question.prompt_name} (prompt {question.prompt}) was recorded in {self.directory} for "
                f"several models: {', '.join(sorted(found))}; choose the one to replay with {choices}"
            )
        [path] = found.values()
        return load_exchange(path), path

    def _miss_message(self, question: Question) -> str:
        models = [self.model] if self.model else self.recorded_models()
        keys = ", ".join(f"{question.key(model)} ({model})" for model in models) or "none (nothing recorded)"
        same_step = self._index.get(question.prompt_name, {})
        if question.hashes in same_step:
            why = f"it was recorded only for {', '.join(sorted(same_step[question.hashes]))}"
        elif same_step and all(hashes[2] != question.schema_hash for hashes in same_step):
            why = f"every input recorded for this step ({len(same_step)}) was asked for another response schema"
        elif same_step and all(hashes[0] != question.prompt_hash for hashes in same_step):
            why = f"every input recorded for this step ({len(same_step)}) was asked with another prompt text or version"
        else:
            why = f"this input was never recorded (inputs recorded for this step: {len(same_step)})"
        return (
            f"no recorded exchange for step {question.prompt_name} (prompt {question.prompt}, key {keys}) "
            f"in {self.directory}: {why}. Re-record it with `--record {self.directory}` against a live model."
        )
