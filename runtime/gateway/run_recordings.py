"""Serve one stored run's recorded answers; call a model only for a step whose question changed.

`claimflow replay` runs a stored run's document again under the current code. A model step asked the
same question as in the stored run (same prompt name, prompt content hash, input hash and response
schema) gets the answer recorded for it, verified against its sha256, and no model is called. A step
whose prompt or input changed, or that the stored run has no recording for, is asked of `fallback`, the
model the replay was given. Each step's source is kept in `steps`, so the replay can say which answers
were reused and why the others were asked anew.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from claimflow.nodes.ports import ClaimT, ModelGateway, ModelInput, ModelResult
from claimflow.prompts import PromptSpec
from claimflow.runtime.gateway._exchange import (
    Question,
    RecordedExchange,
    RecordingEditedError,
    check_answer,
    load_exchange,
)
from claimflow.runtime.gateway.errors import GatewaySetupError
from claimflow.runtime.gateway.recording import served

__all__ = ["RunRecordingsGateway", "StepSource"]


@dataclass(frozen=True)
class StepSource:
    """Where one model step's answer came from in a replay."""

    step: str
    """The prompt's name, e.g. `classify` or `extract_invoice`."""
    prompt: str
    """`name@version` of the prompt asked."""
    source: Literal["recorded", "called"]
    reason: str
    """Why: `unchanged`, or what changed (`prompt changed`, `input changed`, `no recording`)."""
    recording: str | None = None
    verified: bool | None = None
    """For a recorded answer: whether its recording carried the answer's sha256."""
    extractor: str = "primary"
    """Which of the run's extractors asked: `primary`, or `second` (the second opinion's)."""


class RunRecordingsGateway:
    """Answers from a stored run's recordings where the question is unchanged; `fallback` otherwise.

    Args:
        recordings: The recording files the stored run's `model.called` events name (missing ones are skipped).
        fallback: Builds the gateway for changed steps; called at most once, and only if a step needs it.
        name: The fallback's `--model` value, the name runs replayed through this gateway are registered with.
        extractor: Whose answers these are (`primary`, or `second` for a second opinion's), as each step says.
    """

    def __init__(
        self,
        recordings: Iterable[Path],
        fallback: Callable[[], ModelGateway],
        name: str,
        *,
        extractor: str = "primary",
    ) -> None:
        self._recorded: dict[str, list[tuple[RecordedExchange, Path]]] = {}
        for path in dict.fromkeys(recordings):
            if path.is_file():
                recorded = load_exchange(path, verify=False)  # verified when served, naming the step
                self._recorded.setdefault(path.parent.name, []).append((recorded, path))
        self._fallback = fallback
        self._gateway: ModelGateway | None = None
        self._name = name
        self._extractor = extractor
        self.steps: list[StepSource] = []
        self.refused: str | None = None
        """Why the replay was refused, if it was: a recording edited after recording, or a changed step whose
        model cannot be built here (a missing key)."""

    @property
    def name(self) -> str:
        """The model changed steps are asked of."""
        return self._name

    @property
    def calls(self) -> int:
        """How many steps were asked of the model."""
        return sum(1 for step in self.steps if step.source == "called")

    async def complete(self, prompt: PromptSpec[ClaimT], request: ModelInput) -> ModelResult[ClaimT]:
        """The recorded answer to an unchanged question, or the fallback model's answer to a changed one."""
        question = Question.of(prompt, request)
        same_step = self._recorded.get(question.prompt_name, [])
        for recorded, path in same_step:
            if recorded.hashes == question.hashes:
                try:
                    check_answer(recorded, path)
                except RecordingEditedError as error:
                    self.refused = str(error)
                    raise
                return self._serve(prompt, question, recorded, path)
        if not same_step:
            reason = "no recording"
        elif all(recorded.prompt_hash != question.prompt_hash for recorded, _ in same_step):
            reason = "prompt changed"
        elif all(recorded.schema_hash != question.schema_hash for recorded, _ in same_step):
            reason = "response schema changed"
        else:
            reason = "input changed"
        if self._gateway is None:
            try:
                self._gateway = self._fallback()
            except GatewaySetupError as error:
                # Not an outcome of the run: the replay could not ask the question at all.
                self.refused = f"step {question.prompt_name} ({prompt.ref}, {reason}) cannot be asked: {error}"
                raise
        self.steps.append(StepSource(question.prompt_name, prompt.ref, "called", reason, extractor=self._extractor))
        return await self._gateway.complete(prompt, request)

    def _serve(
        self, prompt: PromptSpec[ClaimT], question: Question, recorded: RecordedExchange, path: Path
    ) -> ModelResult[ClaimT]:
        result = served(prompt, recorded, path, f"{question.prompt} at {path}")
        self.steps.append(
            StepSource(
                question.prompt_name,
                prompt.ref,
                "recorded",
                "unchanged",
                str(path),
                recorded.verified,
                extractor=self._extractor,
            )
        )
        return result

    async def aclose(self) -> None:
        """Release the fallback's connections, if it was built and holds any."""
        close = getattr(self._gateway, "aclose", None)
        if close is not None:
            await close()
