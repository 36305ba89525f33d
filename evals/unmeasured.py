"""Model-step cases a replay cannot measure: their claim was recorded under another prompt than the one in force.

Replay serves each case's recorded claim. That claim answered the prompt the case names (`prompt`, and
`prompt_sha256` where the case keeps it; a hand-written case keeps none, and then the text is the one the replay
baseline recorded for that prompt); once the prompt in force is another version or another text, the
replay still checks apply and the router on the old answer, but says nothing of what the new prompt makes a
model answer. Such a case counts as not measured, and the gate does not pass, until a live model measured it
under the prompt in force: a live baseline beside the replay one (`baseline.<model>.json`, written by
`claimflow eval --model M --update-baseline`) that records this prompt, with this hash, and a result for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from claimflow.evals.baseline import Baseline, measured_hash, not_a_baseline, read_baseline_json
from claimflow.evals.errors import BaselineError
from claimflow.evals.golden import GoldenCase, ModelStepCase
from claimflow.prompts import CLASSIFY, PromptSpec, extract_prompt
from claimflow.state.schema import DocumentTypes

OFFLINE_MODELS = ("replay", "rules")
"""The `--model` values whose baselines measure no prompt."""

_LISTED_OTHER_TYPES = "listed other document types than the active ones (one added, removed or described otherwise)"
_AS_RECORDED = "as the replay baseline recorded it"


@dataclass(frozen=True)
class Unmeasured:
    """A model-step case whose recorded claim answered another prompt than the one in force."""

    id: str
    recorded: str
    """The prompt the recorded claim answered (`name@version`)."""
    now: str
    """The prompt in force (`name@version`)."""
    reason: str
    """The line the gate prints: what was recorded, what is in force, and how to measure it."""

    def as_json(self) -> dict[str, Any]:
        """The object `--json` lists under `gate.unmeasured`."""
        return {"id": self.id, "recorded": self.recorded, "now": self.now, "reason": self.reason}


def prompt_in_force(case: ModelStepCase, types: DocumentTypes) -> PromptSpec[Any]:
    """The prompt the case's step asks now: classify, or the extraction prompt of the case's type."""
    return CLASSIFY if case.doc_type is None else extract_prompt(types.get(case.doc_type))


def live_baselines(folder: Path) -> tuple[list[tuple[str, Baseline]], list[BaselineError]]:
    """The baselines of live models in `folder` (file name, content), and why each one's file does not load.

    A file that is not JSON, or a live model's golden baseline that is not valid, may hold the very measurement
    a case needs (a merge conflict, a hand edit): passed over, the gate would say to measure again what was
    measured. JSON that is no golden baseline (a labelled set's, of `eval dataset`) is passed over.
    """
    found, broken = [], []
    for path in sorted(folder.glob("baseline.*.json")):
        try:
            data = read_baseline_json(path)
        except BaselineError as error:
            broken.append(error)
            continue
        if not isinstance(data, dict) or data.get("model", OFFLINE_MODELS[0]) in OFFLINE_MODELS or "documents" in data:
            # An offline model's (the gate itself reports a broken file of its own model), the earlier format (no
            # model, no prompts), or a labelled set's: none records a prompt a live model answered.
            continue
        try:
            found.append((path.name, Baseline.model_validate(data)))
        except ValidationError as error:
            broken.append(not_a_baseline(path, error))
    return found, broken


def _measured(case: ModelStepCase, in_force: str, spec: PromptSpec[Any], live: Sequence[tuple[str, Baseline]]) -> bool:
    """Whether a live baseline measured the case under the prompt in force (`in_force`: its `measured_hash`)."""
    return any(baseline.prompts.get(spec.ref) == in_force and case.id in baseline.cases for _, baseline in live)


def _recorded_under(
    case: ModelStepCase, spec: PromptSpec[Any], in_force: str, recorded: Mapping[str, str]
) -> str | None:
    """How the case's prompt differs from the one in force; None when it is the one in force.

    `in_force` is the prompt's `measured_hash` now. A case without `prompt_sha256` (written by hand) answered the
    text the replay baseline recorded for its prompt (`recorded`, ref -> hash): the case was measured when that
    baseline was written. For classify, whose `prompt_sha256` is its text's alone, the replay baseline also says
    which document types the prompt listed; one that recorded the text's hash alone (written before it said so)
    tells nothing of them.
    """
    name, _, version = spec.ref.partition("@")
    if case.prompt != spec.ref:
        now = f"@{version}" if case.prompt.partition("@")[0] == name else spec.ref
        return f"recorded under {case.prompt}, the prompt is now {now}"
    kept = recorded.get(case.prompt)
    answered = case.prompt_sha256 if case.prompt_sha256 is not None else kept
    if answered is not None and answered not in (spec.content_hash, in_force):
        if spec.ref == CLASSIFY.ref and (case.prompt_sha256 is None or case.prompt_sha256 == spec.content_hash):
            return f"recorded while {case.prompt} {_LISTED_OTHER_TYPES}, or read another text, {_AS_RECORDED}"
        where = "" if case.prompt_sha256 is not None else " (as the replay baseline recorded it)"
        return (
            f"recorded under {case.prompt} with sha256 {answered[:12]}{where}, the prompt in force has "
            f"{spec.content_hash[:12]} (its text changed under the same version)"
        )
    if spec.ref == CLASSIFY.ref and kept not in (None, spec.content_hash, in_force):
        return f"recorded while {case.prompt} {_LISTED_OTHER_TYPES}, {_AS_RECORDED}"
    return None


def unmeasured_cases(
    cases: Sequence[GoldenCase], types: DocumentTypes, folder: Path, recorded: Mapping[str, str]
) -> list[Unmeasured]:
    """The model-step cases among `cases` that replay cannot measure and no live baseline in `folder` did.

    `recorded` are the prompts (ref -> hash) of the replay baseline the run gates against, as it was before the
    run: what a case without `prompt_sha256` answered.
    """
    live, broken = live_baselines(folder)
    models = ", ".join(sorted({baseline.model for _, baseline in live})) or "M"
    found = []
    for case in cases:
        if not isinstance(case, ModelStepCase) or case.replay_only:
            continue  # a replay-only claim is deliberately wrong: it tests apply, not any prompt
        spec = prompt_in_force(case, types)
        in_force = measured_hash(spec, types)
        differs = _recorded_under(case, spec, in_force, recorded)
        if differs is None or _measured(case, in_force, spec, live):
            continue
        if broken:
            # The measurement may be in the file that does not load: fix it rather than pay for a new one.
            raise BaselineError(f"replay cannot tell whether a live model measured {case.id}: {broken[0]}")
        advice = f"run with --model {models} to measure it, then --model {models} --update-baseline"
        if case.prompt == spec.ref and _LISTED_OTHER_TYPES not in differs:
            # The text changed, not the version: runs would refuse it (its version is pinned). Classify's list of
            # types is not pinned: a data directory takes a new type under the same version.
            owner = f"the {case.doc_type} type's `version`" if case.doc_type is not None else "the prompt's version"
            advice = f"bump {owner} (a data directory that ran {spec.ref} refuses a changed text under it); {advice}"
        found.append(Unmeasured(case.id, case.prompt, spec.ref, f"{case.id}: {differs}: {advice}"))
    return found
