"""`--changed`: which golden cases a change of prompts or code can affect, against the baseline's record.

The baseline records each prompt (`ref -> content hash`) and each source file the results depend on
(`file -> sha256`). Every input whose hash differs selects the steps it feeds:

| changed | selected |
|---|---|
| prompt `classify@N` | `classify` |
| prompt `extract_<type>@N` | `extract_<type>` |
| `doctypes/<type>.py` (fields, labels, rules, guidance) | every case about that type |
| `types/<type>/...`: a user's own type's declaration, rules, extractor or detector | every case about that type |
| `doctypes/__init__.py` or any other file | every case |
| `state/rules/*` (the common rules) | every `rules_<type>` step and every document case |
| `routing/*` | every `route_*` step and every document case |
| `nodes/*`, `graphs/*`, `runtime/ingest/*`, `evals/generators.py` | every document case |
| `state/apply/*` | `apply`, the model steps, `review` (it applies decisions) and every document case |
| any other file of `state/` (evidence, proof, normalizing, labels, masking, the state's types) | every case |
| a case the baseline has no result for, or whose content changed since (`case_sha256`) | that case |

Document cases pass through every step of their type, so whatever code selects a step of a type selects the
document cases of that type too. A prompt does not: document cases run on the offline `rules` backend, which
reads no prompt, so a prompt edit cannot change their outcome and re-running them would only cost time. The
model-step cases of the edited step are what a prompt change is measured on (with a live `--model`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from claimflow.evals.baseline import CODE_FILES, OWN_TYPES, Baseline, case_hash
from claimflow.evals.golden import GoldenCase
from claimflow.evals.select import case_type

DOCUMENT = "document"
PROMPTS_SKIP_DOCUMENTS = "document cases not selected: they run on the offline rules backend, which reads no prompt"


@dataclass(frozen=True)
class StepChange:
    """A step selected by `--changed`: why, and for which types (None: every case of the step)."""

    step: str
    reasons: tuple[str, ...]
    doc_types: frozenset[str] | None


@dataclass(frozen=True)
class ChangedSelection:
    """The steps a change selects and the cases they hold."""

    steps: tuple[StepChange, ...]
    cases: tuple[GoldenCase, ...]
    unknown: bool = False
    """The baseline records no hashes, so every case is selected."""
    prompt_spares_documents: bool = False
    """A prompt changed and nothing else selected the document cases (they run on the rules backend)."""

    def lines(self) -> list[str]:
        """`selected <step>: <reason>` (`; ` between reasons), one line per step, or that nothing changed."""
        if self.unknown:
            return ["selected every step: the baseline records no prompt or code hashes"]
        if not self.steps:
            return ["nothing changed since the baseline: every case is taken from its stored result"]
        lines = []
        for change in self.steps:
            only = "" if not change.doc_types else f" ({', '.join(sorted(change.doc_types))} cases)"
            lines.append(f"selected {change.step}{only}: {'; '.join(change.reasons)}")
        return [*lines, PROMPTS_SKIP_DOCUMENTS] if self.prompt_spares_documents else lines


def _changed(now: Mapping[str, str], then: Mapping[str, str]) -> list[str]:
    return sorted(name for name in now.keys() | then.keys() if now.get(name) != then.get(name))


def _prompt_reason(ref: str, now: Mapping[str, str]) -> str:
    return f"prompt {ref} changed" if ref in now else f"prompt {ref} is no longer asked"


def _targets(name: str, kind: str, steps: Sequence[str]) -> Sequence[tuple[str, str | None]]:
    """(step, type or None for every type) pairs a changed prompt or code file selects."""
    model_steps = [s for s in steps if s == "classify" or s.startswith("extract_")]
    if kind == "prompt":
        return [(name.partition("@")[0], None)]  # document cases run on the rules backend: it reads no prompt
    folder, _, file = name.rpartition("/")
    if folder.startswith(f"{OWN_TYPES}/"):  # `types/<type>/<module path>`: a file of a user's own type
        return [(step, folder.split("/")[1]) for step in steps]
    if folder == "doctypes" and file != "__init__.py":
        return [(step, file.removesuffix(".py")) for step in steps]
    if folder.startswith("state/rules"):
        return [(s, None) for s in steps if s.startswith("rules_")] + [(DOCUMENT, None)]
    if folder.startswith("routing"):
        return [(s, None) for s in steps if s.startswith("route_")] + [(DOCUMENT, None)]
    if folder.startswith("runtime/backends/rules"):
        return [(s, None) for s in (*model_steps, DOCUMENT)]  # the offline backend answers model steps live
    if folder.startswith(("nodes", "graphs", "runtime/ingest")) or name in CODE_FILES:
        return [(DOCUMENT, None)]  # only document cases run the graph, the nodes, the parsers and the generators
    if folder.startswith("state/apply"):
        return [(s, None) for s in ("apply", *model_steps, "review", DOCUMENT)]
    return [(step, None) for step in steps]


def select_changed(
    cases: Sequence[GoldenCase], baseline: Baseline, prompts: Mapping[str, str], code: Mapping[str, str]
) -> ChangedSelection:
    """The cases the inputs that differ from the baseline's record can affect.

    Args:
        cases: Every case that could run.
        baseline: The baseline whose `prompts` and `code` record what its results were measured on.
        prompts: The current prompt refs -> content hashes.
        code: The current source files -> sha256.
    """
    if not baseline.prompts and not baseline.code:
        return ChangedSelection((), tuple(cases), unknown=True)
    steps = sorted({case.step for case in cases})
    about: dict[str, set[str | None]] = {}
    for case in cases:
        about.setdefault(case.step, set()).add(case_type(case))
    reasons: dict[str, list[str]] = {}
    types: dict[str, set[str] | None] = {}
    inputs = [(ref, "prompt", _prompt_reason(ref, prompts)) for ref in _changed(prompts, baseline.prompts)]
    inputs += [(file, "code", f"code {file} changed") for file in _changed(code, baseline.code)]
    for name, kind, reason in inputs:
        for step, doc_type in _targets(name, kind, steps):
            if step not in steps or (doc_type is not None and doc_type not in about[step]):
                # A type's change selects none of a step's cases when the step holds none of that type: said as a
                # reason there, it explained a step that ran for another reason (a new case) as if it ran for this.
                continue
            if reason not in reasons.setdefault(step, []):
                reasons[step].append(reason)
            had = types.get(step, set())
            types[step] = None if had is None or doc_type is None else had | {doc_type}
    edited = set()
    for case in cases:  # a case the baseline has no result for must run to have one, and one edited since
        if case.id not in baseline.cases:
            reasons.setdefault(case.step, []).append(f"case {case.id} is not in the baseline")
            types.setdefault(case.step, set())
        elif (recorded := baseline.case_sha256.get(case.id)) is not None and recorded != case_hash(case):
            edited.add(case.id)
            reasons.setdefault(case.step, []).append(f"case {case.id} changed")
            types.setdefault(case.step, set())
    chosen = [
        case
        for case in cases
        if case.id not in baseline.cases
        or case.id in edited
        or (case.step in types and ((wanted := types[case.step]) is None or case_type(case) in wanted))
    ]
    held = {case.step for case in chosen}
    changes = tuple(
        StepChange(step, tuple(reasons[step]), None if (t := types[step]) is None else frozenset(t))
        for step in steps
        if step in held
    )
    # Said only where there are document cases to spare: a folder of a user's own cases usually has none.
    spared = DOCUMENT in steps and DOCUMENT not in held and any(kind == "prompt" for _, kind, _ in inputs)
    return ChangedSelection(changes, tuple(chosen), prompt_spares_documents=spared)
