"""DocumentType: a document type as a declaration — fields, labels, rules, prompt guidance and a version."""

from __future__ import annotations

import inspect
import re
import reprlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Protocol, TypeVar

from claimflow.state.claims import ExtractionClaim
from claimflow.state.did_you_mean import did_you_mean
from claimflow.state.errors import DeclarationError, RuleFailedError
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.labels import LabelIndex, fold_label
from claimflow.state.normalize import CREDIT_MARKS, CreditMarks, compact, fold
from claimflow.state.other_labels import OTHER_LABELS
from claimflow.state.outcomes import FieldResult, RuleResult, TableRow
from claimflow.state.schema._check_input import given_values
from claimflow.state.schema._where import function_line
from claimflow.state.schema.fields import CSV_FIELD_SUFFIXES, Field, check_name, check_text
from claimflow.state.schema.rules import COMMON_RULES, Rule, RuleInput, what_raised
from claimflow.state.schema.type_words import TypeWords
from claimflow.state.user_code import fails_its_document, raised_at

_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
UNKNOWN_TYPE = "unknown"
"""The type a classification records when the document is none of the active ones."""
RESERVED_TYPE_NAMES = frozenset({UNKNOWN_TYPE})
_T = TypeVar("_T")


class OfflineExtractor(Protocol):
    """Extraction without a model, for the offline `rules` backend: the pages in, the same claims a model makes."""

    def __call__(self, pages: Sequence[str], doc_type: DocumentType, /) -> ExtractionClaim:
        """Claim the fields of a document of `doc_type` (masked page texts)."""
        ...


@dataclass(frozen=True)
class Detection:
    """How strongly offline cues say a document is of one type, with the quotes that say so.

    Scores share one scale: a title is worth about 3, each telling cue (a label, a phrase) about 1.
    """

    score: float
    quotes: Sequence[ClaimedEvidence] = ()
    max_confidence: float = 0.97
    """A ceiling on the confidence this detection may reach (e.g. a till slip titled "invoice")."""


class OfflineDetector(Protocol):
    """Offline classification cues for one type, for the `rules` backend."""

    def __call__(self, pages: Sequence[str], /) -> Detection:
        """Score the pages (masked texts) for this type."""
        ...


@dataclass(frozen=True, eq=False)
class DocumentType:
    """A document type claimflow classifies, extracts, checks and reviews.

    Args:
        name: Lower-case identifier (`purchase_order`); names the graph nodes and the prompt
            (`extract_purchase_order@<version>`, with `+t<n>` where claimflow's shared part of the prompt
            renders the type otherwise than its first version did: `prompts.extract.TEMPLATE`).
        description: One sentence a classifier (model or rules) reads to recognise the type.
        fields: The fields, in record order.
        rules: Business rules (`@rule` functions) over the accepted values.
        guidance: The type's own part of the extraction prompt; the shared part is claimflow's.
        version: The version of this declaration and its prompt; change it whenever the guidance or
            the fields change (a data directory refuses a changed prompt under an old version).
        titles: How documents of this type are headed (`Purchase Order`, `Bestellung`); offline
            classification looks for them. Defaults to the name in words.
        extractor: Offline extraction for the `rules` backend; without one, claimflow's label-driven
            extractor reads each field beside or below its labels.
        detector: Offline classification cues; without one, titles and field labels are counted.
        duplicate_key: Fields that together identify a document (vendor and number); rules see the runs ahead
            of this one with the same values in `RuleInput.earlier_runs` (completed with them, or under way or
            waiting for review with them since before it).
        risk_field: An amount field whose value, at or above the policy's high-risk amount, makes the
            document high-risk (stricter confidence, mandatory review).
        keywords: Words, besides the titles and the fields' labels, that a document of this type prints
            and others rarely do (`Cashier`, `Whereas`). A classification as this type is accepted only if
            one of its quotes holds a title, one of the fields' own labels or a keyword.
        credit_marks: What `CR` and `DR` printed after an amount mean, wherever an amount of the type is read
            (the evidence check, the offline extractor). `"accounting"` (the default): `100.00 CR` is a credit to
            the customer and reads negative, as on a credit note; `DR` is no sign. `"statement"`, as a bank
            prints an account's lines: `100.00 CR` is money in (positive), `100.00 DR` money out (negative).
            Brackets `(100.00)` and a minus `100.00-`, `-£100.00` read negative under both.
    """

    name: str
    description: str
    fields: Sequence[Field]
    rules: Sequence[Rule] = ()
    guidance: str = ""
    version: str = "1"
    titles: Sequence[str] = ()
    extractor: OfflineExtractor | None = None
    detector: OfflineDetector | None = None
    duplicate_key: Sequence[str] = ()
    risk_field: str | None = None
    keywords: Sequence[str] = ()
    credit_marks: CreditMarks = "accounting"
    declared_in: str | None = field(init=False, default=None, compare=False)
    """`file:line` of the declaration (the code that built it), for messages and `claimflow types`."""
    _by_name: Mapping[str, Field] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "declared_in", _caller())
        what = f"document type {self.name!r}"
        check_name("document type", self.name)
        if self.name in RESERVED_TYPE_NAMES:
            raise DeclarationError(f"{what}: the name is reserved (classifiers answer 'unknown' when no type fits)")
        if not isinstance(self.description, str) or not self.description.strip():
            raise DeclarationError(f"{what}: give a description; classifiers read it to recognise the type")
        if not isinstance(self.version, str) or not _VERSION.match(self.version):
            raise DeclarationError(f"{what}: version {self.version!r} must be a short string such as '1' or '2.1'")
        check_text(what, guidance=self.guidance)
        fields = _listed(what, "fields", "Field(...) declarations", self.fields)
        for spec in fields:
            if not isinstance(spec, Field):
                raise DeclarationError(f"{what}: fields must be Field(...) declarations, got {spec!r}")
        if not fields:
            raise DeclarationError(f"{what}: declare at least one field")
        object.__setattr__(self, "fields", fields)
        self._check_unique(what, "field", [spec.name for spec in fields])
        object.__setattr__(self, "_by_name", {spec.name: spec for spec in fields})
        self._check_csv_columns(what)
        self._check_labels(what)
        self._check_rules(what)
        self._check_keys(what)
        titles = _phrases(what, "titles", self.titles)
        object.__setattr__(self, "titles", titles or (self.name.replace("_", " "),))
        object.__setattr__(self, "keywords", _phrases(what, "keywords", self.keywords))
        if self.credit_marks not in CREDIT_MARKS:
            raise DeclarationError(
                f"{what}: credit_marks {self.credit_marks!r} is not one of {', '.join(map(repr, CREDIT_MARKS))}"
                f"{did_you_mean(self.credit_marks, CREDIT_MARKS)}: 'accounting' (the default) reads 100.00 CR as a"
                " credit, negative; 'statement' reads 100.00 CR as money in and 100.00 DR as money out"
            )
        for hook in ("extractor", "detector"):
            value = getattr(self, hook)
            if value is not None and not callable(value):
                raise DeclarationError(f"{what}: {hook} {value!r} is not a function")
            if inspect.iscoroutinefunction(value):
                raise DeclarationError(f"{what}: {hook} {_qualified(value)} is async; it must be a plain function")

    @staticmethod
    def _check_unique(what: str, noun: str, names: Sequence[str]) -> None:
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise DeclarationError(f"{what}: duplicate {noun}(s) {', '.join(repeated)}")

    def _check_csv_columns(self, what: str) -> None:
        # The records CSV writes each value field's status, confidence, decider, pages and quotes in columns
        # `<field>_status`, ...: a value field so named would share such a column with it, and one would be lost.
        for spec in self.value_fields:
            for suffix in CSV_FIELD_SUFFIXES:
                other = self._by_name.get(f"{spec.name}_{suffix}")
                if other is not None and not other.is_table:
                    raise DeclarationError(
                        f"{what}: fields {spec.name} and {other.name} would share a CSV column (the CSV export writes"
                        f" the {suffix.replace('_', ' ')} of {spec.name} as {other.name}); rename {other.name},"
                        f" e.g. to {spec.name + '_state' if suffix == 'status' else suffix + '_of_' + spec.name}"
                        f"{_at(other)}"
                    )

    def _check_labels(self, what: str) -> None:
        # A label two fields claim cannot tell them apart, which is all a label is for.
        seen: dict[str, str] = {}
        for spec in self.fields:
            for label in spec.labels:
                other = seen.setdefault(fold_label(label), spec.name)
                if other != spec.name:
                    raise DeclarationError(
                        f"{what}: label {label!r} is declared by both {other} and {spec.name}{_at(spec)}"
                    )
        for spec in self.fields:
            for name in spec.shares_labels_of:
                shared = self._by_name.get(name)
                if shared is None or shared is spec or shared.kind != spec.kind:
                    kinds = [other.name for other in self.value_fields if other.kind == spec.kind and other is not spec]
                    raise DeclarationError(
                        f"{what}: field {spec.name} shares the labels of {name!r}, which is no other {spec.kind} field"
                        f" of the type; {spec.kind} fields: {', '.join(kinds) or 'none'}{_at(spec)}"
                    )

    def _check_rules(self, what: str) -> None:
        rules = _listed(what, "rules", "@rule functions", self.rules)
        for item in rules:
            if not isinstance(item, Rule):
                raise DeclarationError(f"{what}: rules must be @rule functions, got {item!r}")
            unknown = [name + did_you_mean(name, self._by_name) for name in item.fields if name not in self._by_name]
            if unknown:
                raise DeclarationError(
                    f"{what}: rule {item.name!r} names unknown field(s) {', '.join(unknown)};"
                    f" fields: {', '.join(self._by_name)}{_at(item)}"
                )
        self._check_unique(what, "rule", [item.name for item in rules])
        # A rule named like a common rule that runs for the type: its results would read as the common rule's in
        # review reasons, `explain` and rule cases. (A rule of the type's own that judges duplicates takes the place
        # of `not_seen_before`, which then does not run: it may have its name.)
        common = {
            "required_fields_present": True,
            "date_plausible": any(spec.kind == "date" for spec in self.value_fields),
            "not_seen_before": bool(self.duplicate_key) and all(item.reason != "duplicate" for item in rules),
        }
        for item in rules:
            if common.get(item.name, False):
                raise DeclarationError(
                    f"{what}: rule {item.name!r} has the name of a rule the type runs before its own"
                    f" ({', '.join(name for name in COMMON_RULES if common[name])}); give it a name of its own"
                    f"{_at(item)}"
                )
        object.__setattr__(self, "rules", rules)

    def _check_keys(self, what: str) -> None:
        key = (self.duplicate_key,) if isinstance(self.duplicate_key, str) else self.duplicate_key
        key = _listed(what, "duplicate_key", "field names", key)
        single = [spec.name for spec in self.value_fields if not spec.multiple]
        for name in key:
            if name not in single:
                near = did_you_mean(name, single) if name not in self._by_name else ""
                raise DeclarationError(
                    f"{what}: duplicate_key names {name!r}, which is not a single-valued field{near}"
                )
        object.__setattr__(self, "duplicate_key", key)
        if self.risk_field is not None:
            spec = self._by_name.get(self.risk_field)
            if spec is None or spec.kind != "amount":
                amounts = [other.name for other in self.fields if other.kind == "amount"]
                near = did_you_mean(self.risk_field, amounts) if spec is None else ""
                raise DeclarationError(
                    f"{what}: risk_field {self.risk_field!r} is not an amount field of the type{near}"
                )
            if spec.multiple:
                # Which of several amounts would reach the high-risk bar? None would, and no document would be risky.
                raise DeclarationError(f"{what}: risk_field {self.risk_field!r} holds several values; name one amount")

    # reading ------------------------------------------------------------------------------
    def field(self, name: str) -> Field | None:
        """The field with this name, or None."""
        return self._by_name.get(name)

    @property
    def value_fields(self) -> tuple[Field, ...]:
        """Fields holding one or more values (everything but tables)."""
        return tuple(spec for spec in self.fields if not spec.is_table)

    @property
    def table_fields(self) -> tuple[Field, ...]:
        """Fields holding rows (line items)."""
        return tuple(spec for spec in self.fields if spec.is_table)

    @cached_property
    def labels(self) -> LabelIndex:
        """Every label and counter-label of the type's fields, and labels of values that are no field of it."""
        return LabelIndex(self.value_fields, OTHER_LABELS)

    @cached_property
    def naming_words(self) -> TypeWords:
        """The titles, the fields' own labels and the keywords: a classification must quote one of them."""
        labels = (label for spec in self.value_fields for label in spec.labels)
        return TypeWords((*self.titles, *labels, *self.keywords))

    def key_of(self, values: Mapping[str, FieldResult]) -> str | None:
        """The record's duplicate key, normalised (identifiers by letters and digits, text case-folded).

        None when the type has no key or any key field lacks an accepted or edited value.
        """
        parts: list[str] = []
        for name in self.duplicate_key:
            result, spec = values.get(name), self._by_name[name]
            if result is None or result.status not in ("accepted", "edited") or not isinstance(result.value, str):
                return None
            parts.append(compact(result.value) if spec.kind == "identifier" else fold(result.value))
        return "\x1f".join(parts) if parts else None

    def check(
        self,
        values: Mapping[str, str | list[str] | Sequence[Mapping[str, str | None]]],
        *,
        tables: Mapping[str, Sequence[Mapping[str, str | None]]] | None = None,
        today: date | None = None,
        tolerance: Decimal = Decimal("0.01"),
        earlier_runs: Sequence[str] = (),
    ) -> list[RuleResult]:
        """Run the type's own rules on plain canonical values: for testing rules without a graph.

        Args:
            values: Field name -> canonical text (`"237.30"`, `"2024-03-14"`, `"true"`), a list of texts for a
                field that holds several values, or a table's rows (as in `tables`).
            tables: Table name -> rows, each a dict of column -> canonical text (`{"amount": "12.50"}`).
            today: The date rules see as today (default: today).
            tolerance: How far sums may differ and still agree (the policy's amount tolerance).
            earlier_runs: Runs ahead of this one with the same `duplicate_key` values.

        Raises:
            ValueError: A field or column the type does not declare, or a value that is not canonical text.
            RuleFailedError: A rule raised (the message ends with the file and line that raised, as a run's error
                does), or read a field it may not (`RuleFieldError`).
        """
        results, rows = given_values(self.name, self._by_name, values, tables)
        try:
            return run_rules(self, results, rows, today=today or date.today(), tolerance=tolerance,
                             earlier_runs=tuple(earlier_runs))  # fmt: skip
        except RuleFailedError as error:
            # Said as the engine says a document's: the rule's own line, which a test's long traceback buries.
            where = raised_at(error)
            if not where:
                raise
            raise RuleFailedError(f"{error}{where}") from error.__cause__

    def describe(self) -> dict[str, object]:
        """The declaration as plain data: fields, labels, rules, prompt version (hooks by name)."""
        return {
            "name": self.name,
            "description": self.description,
            "version": self.version,
            "titles": list(self.titles),
            "keywords": list(self.keywords),
            "fields": [spec.describe() for spec in self.fields],
            "rules": [item.describe() for item in self.rules],
            "guidance": self.guidance,
            "duplicate_key": list(self.duplicate_key),
            "risk_field": self.risk_field,
            "credit_marks": self.credit_marks,
            "extractor": _qualified(self.extractor),
            "detector": _qualified(self.detector),
        }


def _listed(what: str, setting: str, holding: str, values: Sequence[_T]) -> tuple[_T, ...]:
    """A setting that takes a list, as a tuple; anything else (one Field, one rule, None) is refused by name."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise DeclarationError(f"{what}: {setting} must be a list of {holding}, got {reprlib.repr(values)}")
    return tuple(values)


def _phrases(what: str, setting: str, values: Sequence[str]) -> tuple[str, ...]:
    """Non-empty strings with their spacing collapsed (a lone string is one phrase, not its letters)."""
    items = _listed(what, setting, "strings", [values] if isinstance(values, str) else values)
    odd = [item for item in items if not isinstance(item, str)]
    if odd:
        raise DeclarationError(f"{what}: {setting} must be strings, got {odd[0]!r}")
    return tuple(" ".join(item.split()) for item in items if isinstance(item, str) and item.strip())


def _at(part: Field | Rule) -> str:
    """` (net: types.py:12)`: where a field or a rule was declared, for a type's message about it; else nothing.

    The type's own line is the message's already (`invalid document type in types.py:3`); this is the part's.
    """
    where = part.declared_in if isinstance(part, Field) else function_line(part.function)
    return f" ({part.name}: {where})" if where else ""


def _caller() -> str | None:
    """`file:line` of the code that declared a type: the first frame outside this module and generated code."""
    frame = inspect.currentframe()
    while frame is not None and (frame.f_code.co_filename in (__file__, "<string>")):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else None


def _qualified(function: object) -> str | None:
    if function is None:
        return None
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', repr(function))}"


def run_rules(
    doc_type: DocumentType,
    values: Mapping[str, FieldResult],
    tables: Mapping[str, Sequence[TableRow]],
    *,
    today: date,
    tolerance: Decimal,
    earlier_runs: tuple[str, ...],
) -> list[RuleResult]:
    """Every rule of the type that applies, in declaration order."""
    results = []
    for item in doc_type.rules:
        given = RuleInput(
            item.name, item.fields, values, tables, today, tolerance, earlier_runs, doc_type.name, doc_type._by_name
        )
        try:
            result = item(given)
        except RuleFailedError:
            raise  # a name the rule may not read (RuleFieldError), or no result: its message names the rule, type
        # The user's own code: its failure names it, and fails this document only. SystemExit too (a rule that
        # calls sys.exit, or a library that does), and on a worker thread a KeyboardInterrupt: let through, they
        # would end the whole batch with no word (`fails_its_document`).
        except BaseException as error:
            if not fails_its_document(error):
                raise
            raise RuleFailedError(
                f"rule {item.name!r} of document type {doc_type.name!r} raised {what_raised(error)}"
            ) from error
        if result is not None:
            results.append(result)
    return results
