"""The committed baseline per model and the regression gate against it.

`evals/baseline.<model>.json` (for another goldens folder, `<folder>/baseline.<model>.json`) records which
cases passed, the per-step metrics, the prompts (ref and content hash) and the source hashes of the code the
results depend on (apply, routers, rules, types), and the model they were measured with. The gate fails when a
case flips from pass to fail, a case the baseline does not know fails, a metric drops by more than its
tolerance, or a live model did not answer a case.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from claimflow.evals.baseline_checks import check_metrics, check_tolerances
from claimflow.evals.baseline_kind import refuse_other_kind
from claimflow.evals.builtin import builtin_workflow_types
from claimflow.evals.errors import BaselineError, problems
from claimflow.evals.golden import ModelStepCase
from claimflow.evals.metrics import HIGHER_IS_BETTER
from claimflow.evals.result import CaseResult
from claimflow.prompts import CLASSIFY, PromptSpec, describe_types, extract_prompt
from claimflow.runtime.file_lock import locked
from claimflow.runtime.whole_file import write_whole
from claimflow.state.schema import DocumentType

if TYPE_CHECKING:
    from claimflow.evals.unmeasured import Unmeasured

HERE = Path(__file__).parent
ROOT = HERE.parent
"""The tree whose folders the code hashes cover."""
CODE_FOLDERS = (
    "state",
    "routing",
    "doctypes",
    "nodes",
    "graphs",
    "runtime/ingest",
    "runtime/backends/rules",
)
"""What decides a case's outcome: the pure steps, the types, and what a document case runs besides them.

All of `state/`, not only its apply functions and rules: apply accepts a claim by what the evidence, proof,
normalizing and label checks beside them say, and a document case masks its text with the code there too.
A document case runs the nodes as `graphs/` wires them.
"""
CODE_FILES = ("evals/generators.py",)
"""Single files recorded beside `CODE_FOLDERS`: the generators write a document case's file, so editing one
changes what the case runs on as much as editing the case would."""
OWN_TYPES = "types"
"""The prefix of a user's own type's files in a baseline's code record: `types/<type>/<module path>`."""
DEFAULT_TOLERANCES: dict[str, float] = {name: 0.0 for name in HIGHER_IS_BETTER}
"""How far each metric may drop before the gate fails: by default not at all (the goldens are deterministic)."""


class Baseline(BaseModel):
    """The content of a baseline file."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(min_length=1)
    """The `--model` value the results were measured with."""
    prompts: dict[str, str] = Field(default_factory=dict)
    """Prompt ref (`name@version`) -> content hash."""
    code: dict[str, str] = Field(default_factory=dict)
    """Source file (relative to the tree) -> sha256."""
    tolerances: dict[str, float] = Field(default_factory=dict)
    """Metric -> allowed drop, overriding the defaults."""
    metrics: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Step -> metric -> value."""
    cases: dict[str, bool] = Field(default_factory=dict)
    """Case id -> passed."""
    case_sha256: dict[str, str] = Field(default_factory=dict)
    """Case id -> `case_hash` of the case its result was measured on: `--changed` runs a case edited since."""

    @field_validator("tolerances")
    @classmethod
    def _tolerances(cls, tolerances: dict[str, float]) -> dict[str, float]:
        return check_tolerances(tolerances)

    @field_validator("metrics")
    @classmethod
    def _metrics(cls, metrics: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return check_metrics(metrics)


def baseline_path(model: str, folder: Path = HERE) -> Path:
    """`<folder>/baseline.<model>.json` (the package's `evals/` by default), the model's unsafe characters as `-`.

    Args:
        model: The `--model` value the baseline measures.
        folder: Where the file lives: `evals/` for the package's own goldens, a user's goldens folder for theirs
            (their results must never be gated against, or written into, the installed package's file).
    """
    safe = "".join(c if c.isalnum() or c in "._-" else "-" for c in model)
    return folder / f"baseline.{safe}.json"


def measured_hash(spec: PromptSpec[Any], offered: Iterable[DocumentType]) -> str:
    """What a baseline records of a prompt it measured: its content hash; classify's with the types it lists.

    Classify's text lists the active types (name, description, the words that name them), filled in as it is sent:
    a type added, removed or described otherwise changes what a model reads under the same version. Runs do not
    pin that list (a data directory takes a new type, and classify keeps its version), so the gate does: classify
    cases recorded under another list are not measured by replay (`unmeasured_cases`).
    """
    if spec.ref != CLASSIFY.ref:
        return spec.content_hash
    digest = hashlib.sha256(spec.content_hash.encode())
    digest.update(describe_types(tuple(offered)).encode())
    return digest.hexdigest()


def prompt_hashes(
    types: Iterable[DocumentType] | None = None, offered: Iterable[DocumentType] | None = None
) -> dict[str, str]:
    """Every prompt the goldens can ask: ref -> `measured_hash` (classify, and the extraction of each of `types`).

    Args:
        types: The types the cases are about; the built-in ones by default.
        offered: The active types, which classify lists; the built-in ones by default.
    """
    hashes = {CLASSIFY.ref: measured_hash(CLASSIFY, builtin_workflow_types() if offered is None else offered)}
    for doc_type in builtin_workflow_types() if types is None else types:
        spec = extract_prompt(doc_type)
        hashes[spec.ref] = spec.content_hash
    return hashes


def code_hashes(root: Path = ROOT, types: Iterable[DocumentType] = ()) -> dict[str, str]:
    """sha256 of every file of `CODE_FOLDERS` and `CODE_FILES`, and of the files of `types` declared outside them.

    Args:
        root: The tree of the folders: the state and its checks, the routers, the built-in types, the nodes.
        types: The types the cases are about. A user's own type's files (`own_type_files`) are recorded as
            `types/<type>/<module path>`, so that editing its rules, labels or guidance selects its cases.
    """
    files = sorted(p for folder in CODE_FOLDERS for p in (root / folder).rglob("*.py") if "__pycache__" not in p.parts)
    files += [root / name for name in CODE_FILES if (root / name).is_file()]
    hashes = {p.relative_to(root).as_posix(): _sha256(p) for p in files}
    recorded = [(root / folder).resolve() for folder in CODE_FOLDERS]
    for doc_type in types:
        for file in own_type_files(doc_type):
            if not any(file.is_relative_to(folder) for folder in recorded):  # a built-in's file is recorded above
                hashes[f"{OWN_TYPES}/{doc_type.name}/{file.relative_to(_import_root(file)).as_posix()}"] = _sha256(file)
    return dict(sorted(hashes.items()))


def own_type_files(doc_type: DocumentType) -> list[Path]:
    """The source files that make a type what it is: its declaration, its rules, its extractor and detector.

    Modules these import are not among them (keep what decides a case in the modules of the type and its rules).
    """
    found = [doc_type.declared_in.rsplit(":", 1)[0]] if doc_type.declared_in else []
    for function in (*(rule.function for rule in doc_type.rules), doc_type.extractor, doc_type.detector):
        try:
            source = None if function is None else inspect.getsourcefile(function)
        except TypeError:  # a built-in function or a callable object: no source file of its own
            source = None
        found += [source] if source else []
    return sorted({path.resolve() for path in map(Path, found) if path.is_file()})


def _import_root(file: Path) -> Path:
    """The folder a module is imported from: above its outermost package, so the key is its module path."""
    folder = file.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def case_hash(case: BaseModel) -> str:
    """The sha256 of a case's content as loaded (its file's layout and key order do not count).

    An extraction case that expects no table's rows hashes as before `expected.tables` existed: a baseline written
    then does not take every such case for an edited one.
    """
    unjudged = isinstance(case, ModelStepCase) and not case.expected.tables
    content = case.model_dump_json(exclude={"expected": {"tables"}} if unjudged else None)
    return hashlib.sha256(content.encode()).hexdigest()


def measure_baseline(
    model: str,
    results: Sequence[CaseResult],
    metrics: Mapping[str, Mapping[str, Any]],
    tolerances: Mapping[str, float],
    prompts: Mapping[str, str] | None = None,
    code: Mapping[str, str] | None = None,
    cases: Mapping[str, str] | None = None,
) -> Baseline:
    """The baseline these results make (keeping the tolerances the old file configured).

    `prompts` are the hashes of the prompts the cases ask (`prompt_hashes(types)`) and `code` those of the code
    (`code_hashes(types=...)`); the built-in ones by default. `cases` are the results' cases' `case_hash`es.
    """
    kept = {step: {k: v for k, v in row.items() if k != "fields"} for step, row in metrics.items()}
    return Baseline(
        model=model, prompts=dict(prompt_hashes() if prompts is None else prompts),
        code=dict(code_hashes() if code is None else code),
        tolerances=DEFAULT_TOLERANCES | dict(tolerances), metrics=kept,
        cases={r.id: r.passed for r in sorted(results, key=lambda r: r.id)},
        case_sha256={r.id: cases[r.id] for r in sorted(results, key=lambda r: r.id) if cases and r.id in cases},
    )  # fmt: skip


_FIX = "fix the file, or delete it and write a new one with --update-baseline"
"""What to do about a baseline file that does not load."""


def load_baseline(path: Path, model: str) -> Baseline:
    """The baseline at `path`; an empty one for `model` when there is none yet.

    Raises:
        BaselineError: The file is not JSON or not a baseline (a labelled set's, say); the message names it and
            its problems.
    """
    if not path.exists():
        return Baseline(model=model)
    data = read_baseline_json(path)
    refuse_other_kind(path, data, "golden")
    if isinstance(data, dict) and data and all(isinstance(v, bool) for v in data.values()):
        return Baseline(model=model, cases=data)  # the earlier format: case id -> passed, nothing else
    try:
        return Baseline.model_validate(data)
    except ValidationError as error:
        raise not_a_baseline(path, error) from None


def read_baseline_json(path: Path) -> Any:
    """The JSON in a baseline file (of golden cases or of a labelled set); BaselineError naming it if not JSON."""
    try:
        return json.loads(path.read_bytes())
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path} is not a valid baseline: not JSON ({error}); {_FIX}") from None
    except OSError as error:  # a folder, or a file it may not read: said with its name, as a malformed one is
        raise BaselineError(f"the baseline {path} cannot be read: {error.strerror or error}") from None


def not_a_baseline(path: Path, error: ValidationError) -> BaselineError:
    """The error of a baseline file whose JSON is not a baseline: its problems, and what to do."""
    return BaselineError(f"{path} is not a valid baseline: {problems(error)}; {_FIX}")


def write_baseline(path: Path, baseline: BaseModel) -> None:
    """Write a baseline file (sorted keys, so its diff shows what changed)."""
    write_whole(path, json.dumps(baseline.model_dump(), indent=2, sort_keys=True) + "\n")


def update_baseline_file(path: Path, model: str, merge: Callable[[Baseline], Baseline]) -> Baseline:
    """Read the baseline at `path` again, merge this run's results into it with `merge`, and write it whole.

    All three under an exclusive lock (`runtime/file_lock.py`): two `--update-baseline` runs of different steps at
    once each read the file before they ran their cases, and each wrote what it had read with its own results, so
    the one that wrote last dropped the other's. Now the second waits, and merges into what the first wrote.
    Returns what was written.

    Raises:
        BaselineError: The file no longer loads (see `load_baseline`).
        OSError: The lock file or the baseline cannot be written; it names the file.
    """
    with locked(path):
        merged = merge(load_baseline(path, model))
        write_baseline(path, merged)
    return merged


@dataclass(frozen=True)
class Flip:
    """A case whose outcome changed against the baseline."""

    id: str
    before: str
    """passed, failed or new."""
    after: str
    expected: Any = None
    got: Any = None
    message: str = ""


@dataclass(frozen=True)
class Drop:
    """A metric that fell by more than its tolerance."""

    step: str
    metric: str
    before: float
    after: float | None
    tolerance: float


@dataclass(frozen=True)
class GateVerdict:
    """What changed against the baseline; `failed` when anything got worse."""

    flips: list[Flip] = field(default_factory=list)
    """Cases that went from pass to fail: these fail the gate."""
    changes: list[Flip] = field(default_factory=list)
    """Every case whose outcome differs from the baseline (fixed, new, broken)."""
    drops: list[Drop] = field(default_factory=list)
    changed_inputs: list[str] = field(default_factory=list)
    """Prompts and code files whose hash differs from the baseline's."""
    inputs_added: list[str] = field(default_factory=list)
    """Of `changed_inputs`, those the baseline has no hash for (a prompt's new version, a new file)."""
    inputs_gone: list[str] = field(default_factory=list)
    """Of `changed_inputs`, those no longer in force (a prompt's old version, a file removed)."""
    unmeasured: list[Unmeasured] = field(default_factory=list)
    """Replay only: cases whose claim answered another prompt than the one in force (`evals/unmeasured.py`)."""
    unanswered: list[str] = field(default_factory=list)
    """Cases a live model did not answer (`evals/unanswered.py`): failed, and never a pass, whatever the baseline."""
    gone: list[str] = field(default_factory=list)
    """Cases the baseline has a result for that the goldens folder no longer holds: named, not failed (deleting a
    case is an edit the diff shows), and dropped from the baseline when it is next written."""

    @property
    def new_failures(self) -> list[Flip]:
        """Cases the baseline does not know that fail: these fail the gate too.

        A case states what must hold; one added failing is broken, not a known failure, until a baseline
        written with `--update-baseline` records it as one.
        """
        return [change for change in self.changes if change.before == "new" and change.after == "failed"]

    @property
    def regressed(self) -> bool:
        """A case flipped from pass to fail, a new case failed, or a metric dropped beyond its tolerance."""
        return bool(self.flips or self.new_failures or self.drops)

    @property
    def failed(self) -> bool:
        """The gate does not pass: a regression, a case the model did not answer, or a prompt replay cannot measure."""
        return self.regressed or bool(self.unanswered) or bool(self.unmeasured)


def _state(passed: bool | None) -> str:
    return "new" if passed is None else "passed" if passed else "failed"


def gate(
    results: Sequence[CaseResult],
    metrics: Mapping[str, Mapping[str, Any]],
    baseline: Baseline,
    *,
    check_metrics: bool = True,
    prompts: Mapping[str, str] | None = None,
    code: Mapping[str, str] | None = None,
) -> GateVerdict:
    """Compare results and metrics with the baseline.

    Args:
        results: The cases run now (steps or types not run are not compared).
        metrics: `step_metrics(results)`.
        baseline: The committed baseline for the model.
        check_metrics: Compare metrics too; off when only part of a step's cases ran (a type filter).
        prompts: The hashes of the prompts the cases ask (`prompt_hashes(types)`); the built-in ones by default.
        code: The hashes of the code (`code_hashes(types=...)`); the built-in types' by default.
    """
    changes = [
        Flip(r.id, _state(baseline.cases.get(r.id)), _state(r.passed), r.expected, r.got, r.message)
        for r in results
        if baseline.cases.get(r.id) != r.passed
    ]
    flips = [change for change in changes if change.before == "passed"]
    tolerances = DEFAULT_TOLERANCES | baseline.tolerances
    drops = []
    for step, row in metrics.items() if check_metrics else ():
        for name in HIGHER_IS_BETTER:
            before, after = baseline.metrics.get(step, {}).get(name), row.get(name)
            if isinstance(before, int | float) and (after is None or after < before - tolerances.get(name, 0.0)):
                drops.append(Drop(step, name, float(before), after, tolerances.get(name, 0.0)))
    now = dict(prompt_hashes() if prompts is None else prompts) | dict(code_hashes() if code is None else code)
    then = baseline.prompts | baseline.code
    changed_inputs = sorted(name for name in now.keys() | then.keys() if now.get(name) != then.get(name))
    unanswered = [r.id for r in results if r.unanswered is not None]
    if not then:
        return GateVerdict(flips, changes, drops, [], unanswered=unanswered)
    return GateVerdict(
        flips, changes, drops, changed_inputs, unanswered=unanswered,
        inputs_added=[name for name in changed_inputs if name not in then],
        inputs_gone=[name for name in changed_inputs if name not in now],
    )  # fmt: skip
