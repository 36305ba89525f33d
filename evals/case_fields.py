"""The field names a golden case gives or expects, checked against its document type before anything runs.

A case file is checked for its shape when it loads, but which fields a type has is known only once the active
types are: a rule case whose `values` misspell a field would otherwise run its rules without that value and
could pass for the wrong reason, and an expectation about a field the type does not have could never be met.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from difflib import get_close_matches

from claimflow.evals.errors import CaseFileError
from claimflow.evals.golden import DocumentCase, GoldenCase, ModelStepCase, ReviewCase, RuleCase
from claimflow.evals.select import case_type
from claimflow.state.schema import DocumentType, DocumentTypes


def _named(case: GoldenCase) -> Iterator[tuple[str, str]]:
    """(where in the case, field name) for every field the case names."""
    match case:
        case RuleCase():
            yield from (("values", name) for name in case.values)
            yield from (("tables", name) for name in case.tables)
        case ModelStepCase():
            yield from (("expected.fields", name) for name in case.expected.fields)
        case ReviewCase():
            yield from (("expected.fields", name) for name in case.expected.fields)
        case DocumentCase():
            yield from (("expected.fields", name) for name in case.expected.fields)


def _unknown(where: str, name: str, doc_type: DocumentType, case: GoldenCase) -> str:
    fields = [spec.name for spec in doc_type.fields]
    near = get_close_matches(name, fields, n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    return (
        f"case {case.id}: {where} names {name!r}, which {doc_type.name} does not have{hint}; "
        f"its fields: {', '.join(fields)}"
    )


def check_case_fields(cases: Sequence[GoldenCase], types: DocumentTypes) -> None:
    """Refuse cases that name a field their document type does not have.

    Cases whose type is not active, or unknown (a classification's), are left to the checks that own them.

    Raises:
        CaseFileError: Naming each such case, where it names the field, and the type's fields.
    """
    problems = []
    for case in cases:
        # A review that changes the type leaves the fields of the type it chose.
        name = (case.expected.doc_type if isinstance(case, ReviewCase) else None) or case_type(case)
        doc_type = types.find(name) if name else None
        if doc_type is None:
            continue
        problems += [
            _unknown(where, field, doc_type, case) for where, field in _named(case) if doc_type.field(field) is None
        ]
    if problems:
        raise CaseFileError("; ".join(problems))
