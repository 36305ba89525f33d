"""The field names a golden case gives or expects, checked against its document type before anything runs.

A case file is checked for its shape when it loads, but which fields a type has is known only once the active
types are: a rule case whose `values` misspell a field would otherwise run its rules without that value and
could pass for the wrong reason, and an expectation about a field the type does not have could never be met.
So could a rule case whose value is not the canonical text of its field's kind (a date `01.05.2024`, an amount
`lots`): the rules read it as no value, as `DocumentType.check` refuses to; or whose table row names a column
the table does not have. A case filed under another type's step (`rules_invoice/` for a receipt) would run, and be
counted, as that step's. And a rule case that expects a result of a rule its type does not have (a misspelt name)
could never pass: it failed as a regression of the rules, where the case itself is what is wrong. Nor could an
extraction case that expects a table's rows under `expected.fields`, where a table has no value of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from claimflow.evals.errors import CaseFileError
from claimflow.evals.generators import generator_problem
from claimflow.evals.golden import DocumentCase, GoldenCase, ModelStepCase, ReviewCase, RuleCase, TableRowValues
from claimflow.evals.select import case_type
from claimflow.state.did_you_mean import did_you_mean
from claimflow.state.normalize import not_canonical
from claimflow.state.rules import rule_names
from claimflow.state.schema import DocumentType, DocumentTypes


def _named(case: GoldenCase) -> Iterator[tuple[str, str]]:
    """(where in the case, field name) for every field the case names."""
    match case:
        case RuleCase():
            yield from (("values", name) for name in case.values)
            yield from (("tables", name) for name in case.tables)
        case ModelStepCase():
            yield from (("expected.fields", name) for name in case.expected.fields)
            yield from (("expected.tables", name) for name in case.expected.tables)
        case ReviewCase():
            yield from (("expected.fields", name) for name in case.expected.fields)
        case DocumentCase():
            yield from (("expected.fields", name) for name in case.expected.fields)


def _unknown(where: str, name: str, doc_type: DocumentType, case: GoldenCase) -> str:
    fields = [spec.name for spec in doc_type.fields]
    return (
        f"case {case.id}: {where} names {name!r}, which {doc_type.name} does not have{did_you_mean(name, fields)}; "
        f"its fields: {', '.join(fields)}"
    )


def _file(case: GoldenCase) -> str:
    return f"{case.step}/{case.name}.json"


def _tables(case: RuleCase | ModelStepCase) -> tuple[str, Mapping[str, Sequence[TableRowValues]]]:
    """Where a case gives table rows, and the rows: a rule case's input, an extraction case's expectation."""
    return ("tables", case.tables) if isinstance(case, RuleCase) else ("expected.tables", case.expected.tables)


def _unknown_columns(case: RuleCase | ModelStepCase, doc_type: DocumentType) -> Iterator[str]:
    """The cells of a case's rows whose column the table does not declare: no rule reads them, no row has them."""
    where, tables = _tables(case)
    for table, rows in tables.items():
        spec = doc_type.field(table)
        if spec is None or not spec.is_table:
            continue  # an unknown table is reported as an unknown field, a value field as misplaced
        columns = [column.name for column in spec.columns]
        for number, row in enumerate(rows, start=1):
            yield from (
                f"case {case.id}: {where}.{table} row {number} names column {column!r}, which {table} does not"
                f" have{did_you_mean(column, columns)}; its columns: {', '.join(columns)}"
                for column in row.cells
                if column not in columns
            )


def _misplaced(case: ModelStepCase, doc_type: DocumentType) -> Iterator[str]:
    """An extraction case's table expected as a field, or a field expected as a table: neither could ever be met.

    A table has no value of its own (apply accepts its rows), so `expected.fields` naming one always failed, as
    `expected.tables` naming a field would.
    """
    where = f"case {case.id} ({_file(case)})"
    for name in case.expected.fields:
        spec = doc_type.field(name)
        if spec is not None and spec.is_table:
            yield (
                f"{where}: expected.fields names {name!r}, a table of {doc_type.name}; expect its rows under"
                f' expected.tables ("{name}": [{{"cells": {{column: text}}}}, ...])'
            )
    for name in case.expected.tables:
        spec = doc_type.field(name)
        if spec is not None and not spec.is_table:
            yield (
                f"{where}: expected.tables names {name!r}, which is no table of {doc_type.name}; expect it under"
                " expected.fields"
            )


def _step_for(case: GoldenCase) -> str | None:
    """The step a case of one type belongs to (`rules_<type>`, `extract_<type>`, `classify`); None for any step."""
    match case:
        case RuleCase():
            return f"rules_{case.doc_type}"
        case ModelStepCase():
            return f"extract_{case.doc_type}" if case.doc_type is not None else "classify"
        case _:
            return None


def _misfiled(case: GoldenCase) -> str | None:
    want = _step_for(case)
    if want is None or case.step == want:
        return None
    doc_type = getattr(case, "doc_type", None)
    says = f"its doc_type is {doc_type!r}" if doc_type is not None else "it names no doc_type (a classify case)"
    return (
        f"case {case.id} ({_file(case)}): filed under step {case.step!r}, but {says}, which is step {want!r}'s;"
        f" move it to {want}/ or correct its doc_type"
    )


def _unreadable(case: RuleCase | ModelStepCase, doc_type: DocumentType) -> Iterator[str]:
    """A rule case's values, and a case's cells, that are not the canonical text of their kind (`not_canonical`).

    Its rules would read such a rule case's value as no value; an accepted row never holds such a cell.
    """
    where = f"case {case.id} ({_file(case)})"
    for name, value in case.values.items() if isinstance(case, RuleCase) else ():
        spec = doc_type.field(name)
        if spec is None or spec.is_table:
            continue  # an unknown name is reported as such; a table's rows are in `tables`
        for item in [value] if isinstance(value, str) else value:
            problem = not_canonical(spec.kind, item, spec.choices)  # type: ignore[arg-type]
            if problem is not None:
                yield f"{where}: values: {spec.kind} field {name!r}: {problem}"
    given, tables = _tables(case)
    for table, rows in tables.items():
        spec = doc_type.field(table)
        for number, row in enumerate(rows, start=1):
            for column, cell in row.cells.items():
                declared = spec.column(column) if spec is not None and spec.is_table else None
                if declared is None or cell is None:
                    continue
                problem = not_canonical(declared.kind, cell, declared.choices)
                if problem is not None:
                    yield f"{where}: {given}: {declared.kind} column {table}.{column} row {number}: {problem}"


def _unmakeable(case: GoldenCase) -> str | None:
    """A document case whose generator or parameters do not exist: it could never run, so it is no failing case."""
    if not isinstance(case, DocumentCase):
        return None
    problem = generator_problem(case.generator, case.params)
    return None if problem is None else f"case {case.id} ({_file(case)}): {problem}"


def _unknown_rules(case: RuleCase, doc_type: DocumentType) -> Iterator[str]:
    """A rule case's expected results of rules its type does not have: no run could ever record them."""
    known = rule_names(doc_type)
    for number, want in enumerate(case.expected):
        if want.rule not in known:
            yield (
                f"case {case.id} ({_file(case)}): expected[{number}] names rule {want.rule!r}, which {doc_type.name}"
                f" does not have{did_you_mean(want.rule, known)}; its rules: {', '.join(known)}"
            )


def check_case_fields(cases: Sequence[GoldenCase], types: DocumentTypes) -> None:
    """Refuse cases that name a field, column or rule their type lacks, misfiled ones, and rule values no rule reads.

    And document cases whose generator, or a parameter of it, does not exist: run, they failed as a regression
    (exit 1), and a baseline written then recorded them as known failures that no later run would notice.

    A case is misfiled when its step is another type's. Cases whose type is not active, or unknown (a
    classification's), are left to the checks that own them for the rest.

    Raises:
        CaseFileError: Naming each such case, where it names the field (or column), and the type's fields (the
            table's columns); or its file, the field (or cell), its kind and the canonical text to give; or its
            file, its step and the step its doc_type belongs to; or its file, the expected result naming a rule
            the type does not have, and the type's rules (`state.rules.rule_names`); or an extraction case's
            table expected as a field (or a field as a table).
    """
    problems = [problem for check in (_misfiled, _unmakeable) for problem in map(check, cases) if problem is not None]
    for case in cases:
        # A review that changes the type leaves the fields of the type it chose.
        name = (case.expected.doc_type if isinstance(case, ReviewCase) else None) or case_type(case)
        doc_type = types.find(name) if name else None
        if doc_type is None:
            continue
        problems += [
            _unknown(where, field, doc_type, case) for where, field in _named(case) if doc_type.field(field) is None
        ]
        if isinstance(case, RuleCase):
            problems += [
                *_unknown_columns(case, doc_type),
                *_unreadable(case, doc_type),
                *_unknown_rules(case, doc_type),
            ]
        if isinstance(case, ModelStepCase) and case.doc_type is not None:
            problems += [*_misplaced(case, doc_type), *_unknown_columns(case, doc_type), *_unreadable(case, doc_type)]
    if problems:
        raise CaseFileError("; ".join(problems))
