"""Recorded exchanges on disk: their file format, their key, and reading and writing them.

One exchange is one pretty-printed JSON file, `DIR/<prompt name>/<key>.json`, so recordings can be
read in a diff. The key is a sha256 over provider+model, the prompt's content hash, the input hash
and the response-schema hash.
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

from claimflow.nodes.ports import ModelInput, ModelUnavailableError, Usage
from claimflow.prompts import PromptSpec
from claimflow.runtime.gateway.errors import GatewaySetupError
from claimflow.runtime.gateway.render import input_hash, render_messages, schema_hash
from claimflow.runtime.private import private_dir

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


class RecordingEditedError(RecordingCorruptError):
    """A recorded answer no longer matches the sha256 recorded with it: it was changed after recording."""


def exchange_key(provider_model: str, prompt_hash: str, input_digest: str, schema_digest: str) -> str:
    """The key of one exchange: sha256 over the four parts, each followed by a NUL byte."""
    digest = hashlib.sha256()
    for part in (provider_model, prompt_hash, input_digest, schema_digest):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Question:
    """What was asked, independent of who answers: the part of the key the request determines."""

    prompt: str
    prompt_name: str
    prompt_hash: str
    input_hash: str
    schema_hash: str
    system: str
    user: str

    @classmethod
    def of(cls, prompt: PromptSpec[Any], request: ModelInput) -> Question:
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
    raw: str | None = None
    """The model's answer text as received, next to the claim parsed from it (or the errors that kept it from
    being one); None for a backend without text (rules) and in recordings made before it was kept."""
    answer_sha256: str | None = None
    """sha256 of the answer (claim, errors and raw) as recorded, so an answer edited afterwards is refused;
    None in recordings made before it was kept, which replay as unverified."""

    @property
    def hashes(self) -> tuple[str, str, str]:
        """(prompt hash, input hash, schema hash): the question this answers."""
        return self.prompt_hash, self.input_hash, self.schema_hash

    @property
    def verified(self) -> bool:
        """Whether the recording carries the hash of its answer (it matched, or it would not have loaded)."""
        return self.answer_sha256 is not None

    def answer_digest(self) -> str:
        """sha256 over the answer as it stands: claim, errors and raw text, as canonical JSON."""
        answer = {"claim": self.claim, "errors": self.errors, "raw": self.raw}
        canonical = json.dumps(answer, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def sealed(self) -> RecordedExchange:
        """This exchange with the hash of its answer, as it is written."""
        return self.model_copy(update={"answer_sha256": self.answer_digest()})

    def to_text(self) -> str:
        """Pretty-printed JSON with sorted keys, as written to disk."""
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_exchange(path: Path, *, verify: bool = True) -> RecordedExchange:
    """Read one recording; refuse one that does not match its name or (`verify`) whose answer was edited since."""
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
    if verify:
        check_answer(recorded, path)
    return recorded


def check_answer(recorded: RecordedExchange, path: Path) -> None:
    """Refuse a recording (read from `path`) whose answer no longer matches the sha256 recorded with it."""
    if recorded.answer_sha256 is not None and recorded.answer_sha256 != recorded.answer_digest():
        raise RecordingEditedError(
            f"the recording of step {path.parent.name} (prompt {recorded.prompt}) at {path} was edited after it "
            f"was recorded: its answer's sha256 is {recorded.answer_digest()}, recorded {recorded.answer_sha256}; "
            "it is not replayed. Restore it, or re-record it against a live model"
        )


def write_exchange(directory: Path, recorded: RecordedExchange) -> Path:
    """Write atomically and return the file.

    An unchanged answer leaves the existing file as it is, so re-recording adds no diff.
    """
    recorded = recorded.sealed()
    folder = directory / recorded.prompt.split("@")[0]
    path = folder / f"{recorded.key}.json"
    if path.exists():
        try:
            existing = RecordedExchange.model_validate_json(path.read_bytes())
        except ValidationError:
            existing = None
        if existing is not None and existing.model_copy(update={"usage": recorded.usage}) == recorded:
            return path
    private_dir(folder)  # what the model was shown and answered: the document's content
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{recorded.key}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(recorded.to_text())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
