"""What nodes need from the outside world, as protocols. `runtime/` provides the implementations.

Nodes receive a `WorkflowContext` through LangGraph's runtime context; it is not checkpointed,
so every process that resumes a run supplies its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, NamedTuple, ParamSpec, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from claimflow.prompts import PromptSpec
from claimflow.state.documents import DocumentRef, SourceText, TextRef
from claimflow.state.masking import MaskPatterns
from claimflow.state.schema import DocumentType
from claimflow.state.workflow import WorkflowState

ClaimT = TypeVar("ClaimT", bound=BaseModel)
P = ParamSpec("P")
T = TypeVar("T")


class Usage(BaseModel):
    """What one model step cost, recorded in its event."""

    model_config = ConfigDict(frozen=True)

    model: str
    prompt: str
    """`name@version` of the prompt."""
    prompt_hash: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    latency_ms: float = 0.0
    attempts: int = 1
    validation_errors: list[str] = Field(default_factory=list)
    tokens_estimated: bool = False
    """True when the server reported no usage: the tokens are estimated from the text sent and received."""


@dataclass(frozen=True)
class ModelInput:
    """What a model step is given: the masked pages and, on a retry, what was wrong last time."""

    pages: tuple[str, ...]
    doc_type: DocumentType | None = None
    """The accepted type, for an extraction step."""
    types: Sequence[DocumentType] = ()
    """The active types to choose from, for the classification step."""
    feedback: Sequence[str] = ()
    seconds_left: float | None = None
    """The model seconds the run's budget leaves this call, retries and waits included; None without a limit.

    A gateway that waits on a model ends the call when they are spent (`ModelBudgetSpentError`), so a call
    already under way cannot carry the run past its budget."""


@dataclass(frozen=True)
class ModelResult(Generic[ClaimT]):
    """A claim, or the validation errors that kept the output from being one."""

    claim: ClaimT | None
    usage: Usage
    errors: list[str] = field(default_factory=list)
    raw: str | None = None
    """The model's answer as received (recordings keep it); None when there is no text (the rules backend)."""
    recording: str | None = None
    """The file this exchange was recorded to or replayed from, when it was."""
    verified: bool | None = None
    """For a replayed answer: whether its recording carried the answer's sha256 (older ones do not)."""


class ModelGateway(Protocol):
    """The one interface every model step goes through."""

    @property
    def name(self) -> str:
        """The backend and model, e.g. "rules" or "openai:gpt-4o-mini"."""
        ...

    async def complete(self, prompt: PromptSpec[ClaimT], request: ModelInput) -> ModelResult[ClaimT]:
        """Run one step and return its claim (or the errors that made the output invalid)."""
        ...


class ModelUnavailableError(Exception):
    """A model call failed for reasons outside the output (rate limits, 5xx, timeouts) after its retries.

    The message names the step, the model and what happened; the run fails with it. `usage` is what the
    failed call cost (attempts, latency; tokens when known), when the gateway knows it: the model node
    records it as the call's `model.called` event and counts it in the run's usage and budget.
    """

    def __init__(self, message: str, *, usage: Usage | None = None, key_refused: bool = False) -> None:
        super().__init__(message)
        self.usage = usage
        self.key_refused = key_refused
        """The provider refused the API key (HTTP 401): not the model failing to answer, and only another key helps.

        One class for both: a run's error names it (`ModelUnavailableError: ...`), which `rerun --failed --error`
        picks runs by, and a run failed for its key is one to run again once the key is right."""


class ModelBudgetSpentError(ModelUnavailableError):
    """A call was ended, unanswered, when the model seconds the run had left (`ModelInput.seconds_left`) ran out.

    Not the model failing: the step sends the run where a spent budget does (review, or `fail` with
    `on_exceeded="fail"`), and the call is still counted with what it cost.
    """


class DocumentUnreadableError(Exception):
    """The document cannot be turned into text; the message is the reason shown to users."""


class DocumentStore(Protocol):
    """Content-addressed storage for originals, parsed texts and masking maps; I/O off the event loop."""

    async def read_document(self, ref: DocumentRef) -> bytes:
        """The original bytes."""
        ...

    async def save_text(self, pages: tuple[str, ...], method: str, ocr_pages: tuple[int, ...] = ()) -> TextRef:
        """Store page texts and return their reference, which names the pages (from 1) OCR read."""
        ...

    async def load_text(self, ref: TextRef) -> SourceText:
        """Load stored page texts."""
        ...

    async def save_blob(self, data: bytes) -> str:
        """Store bytes (e.g. a masking map) and return their id."""
        ...

    async def load_blob(self, blob_id: str) -> bytes:
        """Load stored bytes."""
        ...


class DeliveryFailedError(Exception):
    """A finished record could not be delivered after its attempts; the run waits as `delivery_failed`.

    The message names the target and the last error. `claimflow deliver retry RUN` sends it again, with the
    same idempotency key.
    """


class Deliverer(Protocol):
    """Sends a completed run's typed record to where the user asked (a webhook, a database table)."""

    async def deliver(self, state: WorkflowState, key: str) -> None:
        """Deliver the record of `state` under idempotency `key`, or raise DeliveryFailedError.

        `key` is the same each time the step runs again from the same checkpoint (after a crash, or a retry),
        so a receiver that deduplicates on it sees each record once.
        """
        ...


class ParsedText(NamedTuple):
    """A document's page texts, how they were obtained, and which pages OCR read."""

    pages: tuple[str, ...]
    method: str
    """text-layer, ocr, text-layer+ocr, plain, html, docx."""
    ocr_pages: tuple[int, ...] = ()
    """The pages (from 1) whose text OCR read: a scan's or photo's, not a PDF's text-layer pages."""


class Parser(Protocol):
    """Turns a document's bytes into page texts, or raises DocumentUnreadableError."""

    def __call__(self, data: bytes, filename: str) -> ParsedText:
        """Return the pages, their method and the pages OCR read."""
        ...


class Offload(Protocol):
    """Runs CPU work off the event loop the runs of a batch share, and awaits its result.

    `chars` is how many characters of text the work reads, when its cost grows with them (None when it does
    not say, e.g. parsing a PDF): an implementation may run the work over a short text in place, where
    handing it to a thread would cost more than the work.
    """

    def __call__(
        self, chars: int | None, function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> Awaitable[T]:
        """The function's result (or its exception)."""
        ...


async def on_a_thread(chars: int | None, function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:  # noqa: ARG001 - every piece of work goes to a thread
    """The plainest `Offload`: every piece of work on one of asyncio's threads, whatever its size."""
    return await asyncio.to_thread(function, *args, **kwargs)


class RecordIndex(Protocol):
    """Records by their type's duplicate key (`DocumentType.key_of`), to catch duplicates.

    A run holds its record's key from its validation on. Of two runs with the same key, the one that held it first
    is the original and the other its duplicate, whether the first has completed, is still under way or waits for
    review: two copies of a document in one batch, or approved one after the other, are never both original.
    """

    async def claim_key(self, doc_type: str, key: str | None, *, run_id: str) -> list[str]:
        """Hold the key for `run_id`; return the other runs of `doc_type` ahead of it with this key, by run id.

        Ahead: completed with the key, or holding it since before `run_id` did and still under way, in review or
        undelivered (a run run again hands its place to the new run). A run validated again with the same key keeps
        its place; with another key it takes a new one, behind the runs already holding that key; with None (a
        key field emptied in review) it lets go of the one it held.
        """
        ...


@dataclass(frozen=True)
class WorkflowContext:
    """Everything a node may touch outside state."""

    gateway: ModelGateway
    store: DocumentStore
    parser: Parser
    records: RecordIndex
    today: Callable[[], date] = date.today
    second_gateway: ModelGateway | None = None
    """A second extractor for a second opinion: both run concurrently and `arbitrate_<type>` settles them."""
    mask_patterns: MaskPatterns | None = None
    """Users' named patterns, masked besides the built-in kinds."""
    offload: Offload = on_a_thread
    """Where parsing and masking run: never on the event loop, where one long document would stall the rest."""
    deliverer: Deliverer | None = None
    """Where completed records go (CLAIMFLOW_DELIVER); None: the `deliver` step does nothing."""
