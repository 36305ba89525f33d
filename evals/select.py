"""Choosing golden cases by step and by document type, and finding the types they need that are not active."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from claimflow.evals.errors import InactiveTypeError, NoCasesError
from claimflow.evals.golden import (
    ApplyCase,
    DocumentCase,
    GoldenCase,
    ModelStepCase,
    ReviewCase,
    RouterCase,
    RuleCase,
    load_goldens,
)
from claimflow.state.schema import UNKNOWN_TYPE


def case_type(case: GoldenCase) -> str | None:
    """The document type a case is about: the type it runs for, or the type it expects (None for none)."""
    match case:
        case ModelStepCase():
            return case.doc_type or case.expected.doc_type
        case ApplyCase() | RuleCase():
            return case.doc_type
        case RouterCase() | ReviewCase():
            return case.facts.doc_type
        case DocumentCase():
            return case.expected.doc_type


def select_cases(
    cases: Sequence[GoldenCase], steps: Sequence[str] = (), doc_types: Sequence[str] = ()
) -> list[GoldenCase]:
    """The cases of the named steps (all when none) that are about one of the named types (any when none)."""
    return [
        case for case in cases if (not steps or case.step in steps) and (not doc_types or case_type(case) in doc_types)
    ]


def runs_for(case: GoldenCase) -> str | None:
    """The document type a case cannot run without: the type it checks claims or rules of, or its run was given.

    Unlike `case_type`, not the type a classification or a run is *expected* to end with: a case may expect a
    type that is not active (it is then classified as none), and that is an outcome to check, not a setup error.
    A router or review case's run was classified as its facts' type, which only an active type can be.
    """
    match case:
        case ModelStepCase() | ApplyCase() | RuleCase():
            return case.doc_type
        case RouterCase() | ReviewCase():
            return None if case.facts.doc_type == UNKNOWN_TYPE else case.facts.doc_type
        case DocumentCase():
            return None


def inactive_types(cases: Sequence[GoldenCase], active: Collection[str]) -> dict[str, list[GoldenCase]]:
    """The types cases run for that are not `active` (type name -> those cases), in the cases' order."""
    missing: dict[str, list[GoldenCase]] = {}
    for case in cases:
        name = runs_for(case)
        if name is not None and name not in active:
            missing.setdefault(name, []).append(case)
    return missing


_NAMED = 3
"""How many case files an error names per missing type."""


def choose_cases(
    folder: Path, steps: Sequence[str], doc_types: Sequence[str], active: Collection[str]
) -> tuple[list[GoldenCase], list[GoldenCase]]:
    """Every case of `folder` and those selected; refuse a folder, a selection or types that leave nothing to run.

    Args:
        folder: The goldens folder (`<step>/<case>.json` files).
        steps: `--step` (every step when empty).
        doc_types: `--type` (every type when empty).
        active: The names of the active document types.

    Raises:
        NoCasesError: The folder is missing or holds no case, or the selection matches none of its cases (a
            gate that ran nothing would pass, and CI would read that as "no regression").
        InactiveTypeError: A selected case runs for a type that is not active.
    """
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise NoCasesError(f"the goldens folder {folder} {what}: name a folder of <step>/<case>.json files")
    cases = load_goldens(folder)
    if not cases:
        raise NoCasesError(
            f"{folder} holds no golden case: cases are <step>/<case>.json files under it; "
            f"`claimflow eval capture RUN --out {folder}` writes some from reviewed runs"
        )
    chosen = select_cases(cases, steps, doc_types)
    if not chosen:
        asked = " ".join([*(f"--step {step}" for step in steps), *(f"--type {name}" for name in doc_types)])
        known_steps = ", ".join(sorted({case.step for case in cases}))
        known_types = ", ".join(sorted({name for case in cases if (name := case_type(case))}))
        raise NoCasesError(
            f"{asked} matches none of the {len(cases)} cases in {folder}; its steps: {known_steps}; "
            f"its types: {known_types or 'none'}"
        )
    missing = inactive_types(chosen, active)
    if missing:
        named = "; ".join(
            f"{name!r} ({', '.join(str(folder / c.step / f'{c.name}.json') for c in found[:_NAMED])}"
            f"{f' and {len(found) - _NAMED} more' if len(found) > _NAMED else ''})"
            for name, found in missing.items()
        )
        raise InactiveTypeError(
            f"cases run for document types that are not active: {named}; active: {', '.join(active) or 'none'}. "
            "Name the module that declares them with --types (or CLAIMFLOW_TYPES, claimflow.toml), or install "
            "its package"
        )
    return cases, chosen
