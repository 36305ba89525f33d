"""Record model exchanges as plain JSON files, and replay them with no model and no network.

`RecordingGateway` wraps any gateway and writes one file per exchange to
`DIR/<prompt name>/<key>.json` (pretty-printed, sorted keys, UTF-8): which model answered, which
prompt version, the rendered system and user messages, the claim or the validation errors, and
the usage. A reviewer reads them in a diff.

The key is the sha256 hex digest over, in this order, each followed by a NUL byte: the provider and
model (the wrapped gateway's `name`, e.g. "openai:gpt-4o-mini"), the prompt's content hash, the hash
of the rendered messages and the hash of the response schema. A changed prompt, input or schema is
a different key, so replay never serves an answer to a question that was not asked.

`ReplayGateway` serves those files by recomputing the key; a miss fails the run with a message
naming the step's prompt and saying to re-record. A replayed call reports the recorded usage as it
was recorded (tokens, cost, latency, attempts) with `model` set to `replay:<recorded provider and
model>`: the events say it was a replay, and per-run budgets, which count cost, tokens and model
seconds, stop a replayed run exactly where they stopped the recorded one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from nodes.ports import ClaimT, ModelGateway, ModelInput, ModelResult, ModelUnavailableError, Usage
from prompts import PromptSpec
from runtime.gateway.errors import GatewaySetupError
from runtime.gateway.render import input_hash, render_messages, schema_hash

_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]+")


class ReplaySetupError(GatewaySetupError):
    """Replay cannot start: the recordings folder is missing, holds a broken file, or nothing for the chosen model."""


class ReplayError(ModelUnavailableError):
    """A replayed call cannot be served; the run fails with this message."""


class ReplayMissError(ReplayError):
    """Nothing was recorded for this prompt version, input and schema."""


class ReplayAmbiguousError(ReplayError):
    """The exchange was recorded for several models and none was chosen."""


class RecordingCorruptError(ReplayError):
    """A recorded file does not parse, or its content does not match its name."""


def exchange_key(provider_model: str, prompt_hash: str, input_digest: str, schema_digest: str) -> str:
    """The key of one exchange: sha256 over the four parts, each followed by a NUL byte."""
    digest = hashlib.sha256()
    for part in (provider_model, prompt_hash, input_digest, schema_digest):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class _Question:
    """What was asked, independent of who answers: the part of the key the request determines."""

    prompt: str
    prompt_name: str
    prompt_hash: str
    input_hash: str
    schema_hash: str
    system: str
    user: str

    @classmethod
    def of(cls, prompt: PromptSpec[Any], request: ModelInput) -> _Question:
        if not _SAFE_NAME.fullmatch(prompt.name) or prompt.name.startswith("."):
            raise ValueError(f"prompt name {prompt.name!r} cannot name a recordings folder")
        system, user = render_messages(prompt, request)
        return cls(
            prompt=prompt.ref,
            prompt_name=prompt.name,
            prompt_hash=prompt.content_hash,
            input_hash=input_hash(system, user),
            schema_hash=schema_hash(prompt.response_model),
            system=system,
            user=user,
        )

    @property
    def hashes(self) -> tuple[str, str, str]:
        return self.prompt_hash, self.input_hash, self.schema_hash

    def key(self, provider_model: str) -> str:
        return exchange_key(provider_model, *self.hashes)


class RecordedExchange(BaseModel):
    """The file format of one recorded exchange."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal[1] = 1
    provider_model: str
    prompt: str
    prompt_hash: str
    input_hash: str
    schema_hash: str
    key: str
    system: str
    user: str
    claim: dict[str, Any] | None
    errors: list[str]
    usage: Usage

    @property
    def hashes(self) -> tuple[str, str, str]:
        """(prompt hash, input hash, schema hash): the question this answers."""
        return self.prompt_hash, self.input_hash, self.schema_hash

    def to_text(self) -> str:
        """Pretty-printed JSON with sorted keys, as written to disk."""
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _load(path: Path) -> RecordedExchange:
    try:
        recorded = RecordedExchange.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as error:
        raise RecordingCorruptError(f"recorded exchange {path} cannot be read: {error}; re-record it") from error
    expected = exchange_key(recorded.provider_model, *recorded.hashes)
    if path.stem != recorded.key or recorded.key != expected or recorded.prompt.split("@")[0] != path.parent.name:
        raise RecordingCorruptError(
            f"recorded exchange {path} does not match its name (key {recorded.key}, computed {expected}, "
            f"prompt {recorded.prompt}); it was moved or edited by hand: re-record it"
        )
    return recorded


def _write(directory: Path, recorded: RecordedExchange) -> None:
    """Write atomically; an unchanged answer leaves the existing file as it is, so re-recording adds no diff."""
    folder = directory / recorded.prompt.split("@")[0]
    path = folder / f"{recorded.key}.json"
    if path.exists():
        try:
            existing = RecordedExchange.model_validate_json(path.read_bytes())
        except ValidationError:
            existing = None
        if existing is not None and existing.model_copy(update={"usage": recorded.usage}) == recorded:
            return
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{recorded.key}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(recorded.to_text())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


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
        question = _Question.of(prompt, request)
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
        )
        _write(self.directory, recorded)
        return result

    async def aclose(self) -> None:
        """Release the wrapped gateway's connections, if it holds any."""
        close = getattr(self.inner, "aclose", None)
        if close is not None:
            await close()


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
        question = _Question.of(prompt, request)
        recorded = self._find(question)
        try:
            claim = None if recorded.claim is None else prompt.response_model.model_validate(recorded.claim)
        except ValidationError as error:
            raise RecordingCorruptError(
                f"the recorded claim for {question.prompt} (key {recorded.key}) no longer validates: {error}"
            ) from error
        # As recorded, so per-run budgets (cost, tokens, model seconds) stop a replay where they stopped the run.
        usage = recorded.usage.model_copy(update={"model": f"replay:{recorded.provider_model}", "prompt": prompt.ref})
        return ModelResult(claim=claim, usage=usage, errors=list(recorded.errors))

    def _scan(self) -> _Index:
        index: _Index = {}
        for path in sorted(self.directory.glob("*/*.json")):
            recorded = _load(path)
            index.setdefault(path.parent.name, {}).setdefault(recorded.hashes, {})[recorded.provider_model] = path
        return index

    def _candidates(self, question: _Question) -> dict[str, Path]:
        found = self._index.get(question.prompt_name, {}).get(question.hashes, {})
        if self.model is not None:
            found = {model: path for model, path in found.items() if model == self.model}
        return found

    def _find(self, question: _Question) -> RecordedExchange:
        found = self._candidates(question)
        if not found:
            self._index = self._scan()  # recorded since this gateway started?
            found = self._candidates(question)
        if not found:
            raise ReplayMissError(self._miss_message(question))
        if len(found) > 1:
            raise ReplayAmbiguousError(
                f"step {question.prompt_name} (prompt {question.prompt}) was recorded in {self.directory} for "
                f"several models: {', '.join(sorted(found))}; choose the one to replay"
            )
        [path] = found.values()
        return _load(path)

    def _miss_message(self, question: _Question) -> str:
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
