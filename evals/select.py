"""Choosing golden cases by step and by document type."""

from __future__ import annotations

from collections.abc import Sequence

from claimflow.evals.golden import ApplyCase, DocumentCase, GoldenCase, ModelStepCase, ReviewCase, RouterCase, RuleCase


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
