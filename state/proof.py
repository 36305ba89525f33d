"""Evidence that proves the field: the quote writes the value as a whole token, under no other field's label.

`locate` (evidence.py) establishes that a quote is where the claim says. This module decides whether that
quote states *this field*:
1. the canonical value is a whole token of the quote (`2` is not written in `NW-2024-0117`; a name is not cut
   out of a longer one: `Northwind` is not the name in `Seller: Northwind Widgets Ltd`);
2. the label governing that token (labels.py) is the field's own, or none; a label of another field of the
   type (`Invoice Date` for a due date) or a counter-role label of the field (`Bill to` for a vendor)
   rejects it, and the reason names that label, as does a label of a value that is no field (`Discount`,
   `Customer No.`, `EXPIRY DATE`: other_labels.py). So does a label of another kind right before the token
   when the value reads as that kind too (`4711` after `Invoice No.` is no total), and, for a date, the
   field's own label earlier on the line when it names another date (`Invoice date: 01.03.2024, payable
   until 15.03.2024` proves no issue date of 2024-03-15). A value that begins with such a label printed as
   one is refused as a value after it is (`Bill to: Fabrikam Inc` claimed as the vendor: `LabelIndex.leading`).
An amount is not proved by a number written as a duration (`Total due in 30 days`) or a count (`Total (2 items)`,
`Page 1 of 2`), nor by a rate (`VAT 20%`, which `find_amounts` does not read as an amount). A number is not proved
by money (`€14.50`), a rate or the figures of a date; one the page prints so that it reads two ways (`14.555 kg`) is
proved by the reading the document's decimal mark gives, and where the document does not show its mark, by either
reading (14.555, 14555), in doubt (`AsWritten.doubt`): which one is meant is for a reviewer.
A date the quote prints without its year (`12 Mar`, `12.03.`, `12/03` under the field's own label) is proved by
its day and month with the year the whole document gives it (`partial_dates.py`); another year is refused, naming
the document's.
The check that decided is recorded with every verdict and shown by `claimflow explain`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from claimflow.state.documents import SourceText
from claimflow.state.evidence import Evidence
from claimflow.state.labels import LabelHit, LabelIndex, excludes_part, first_printed
from claimflow.state.normalize import (
    Span,
    check_value,
    find_amounts,
    find_numbers,
    format_number,
    normalize_value,
    parse_amount,
    parse_number,
    value_spans,
)
from claimflow.state.normalize.amounts import CreditMarks, format_amount
from claimflow.state.normalize.names import cuts_a_name
from claimflow.state.normalize.numbers import DecimalMark, decimal_mark
from claimflow.state.normalize.partial_dates import document_dates, partial_date_spans
from claimflow.state.schema import DocumentType, Field

Check = Literal[
    "unknown_field",
    "quote_not_found",
    "value_unreadable",
    "value_not_in_quote",
    "wrong_label",
    "counter_label",
    "own_label",
    "no_label",
    "row_repeated",
    "label_names_another",
    "mixed_label",
    "part_excluded",
]
"""Which check decided a field claim. `own_label` and `no_label` accept: the field's own label proves it, or no
label contradicts it. `row_repeated` refuses a table row quoting a printed row another accepted row quotes.
`label_names_another` refuses a date written after the field's own label when that label names another date
between them. `mixed_label` refuses a value under labels of two fields run together (`Tax Total`);
`part_excluded` one under the field's own label qualified as leaving a part out (`Total (excl. tax)`), unless
the field's own labels leave a part out too (a net amount's `Total excl. VAT`)."""


@dataclass(frozen=True)
class Proof:
    """The verdict on one value and its located quote."""

    ok: bool
    check: Check
    reason: str
    normalized: str | None = None
    label: str | None = None
    doubt: str | None = None
    """Why a value its quote proves is still in doubt (`AsWritten.doubt`): a reviewer settles which it is."""
    shared_from: str | None = None
    """The field whose label proved the value, where the field only shares it (`Field.shares_labels_of`)."""


@dataclass(frozen=True)
class Sharing:
    """Whose labels prove a field in one document besides its own: `shares_labels_of`, unless the page says not."""

    fields: tuple[str, ...]
    stopped_by: str | None = None
    """The `unless_printed` label the document prints, which keeps the shared labels from proving the field."""


def sharing(spec: Field, source: SourceText) -> Sharing:
    """The fields whose labels prove `spec` in `source`: none where it prints one of the field's `unless_printed`."""
    if not spec.shares_labels_of:
        return Sharing(())
    stopped_by = first_printed(source.pages, spec.unless_printed) if spec.unless_printed else None
    return Sharing((), stopped_by) if stopped_by is not None else Sharing(tuple(spec.shares_labels_of))


def _not_shared_here(spec: Field, others: Sequence[str], shares: Sharing) -> str:
    """Why a label `spec` would share does not prove it in this document, if that is why it is refused."""
    if shares.stopped_by is None or not any(name in spec.shares_labels_of for name in others):
        return ""
    return (f"; {spec.name} shares that label only in a document that prints none of its unless_printed labels,"
            f" and this one prints {shares.stopped_by!r}")  # fmt: skip


def _verdict(spec: Field, normalized: str, hit: LabelHit | None, shares: Sharing, under: str = "stands under") -> Proof:
    """The verdict of the label governing a value; `under` says where the value stands to a refusing label."""
    if hit is None:
        return Proof(True, "no_label", f"{spec.kind} {normalized!r} is written in the quote; no label contradicts it",
                     normalized)  # fmt: skip
    if hit.mixed:
        return Proof(False, "mixed_label", f"{normalized!r} {under} {hit.text!r}, which {hit.mixed}: it proves "
                     f"neither alone", normalized, hit.text)  # fmt: skip
    if hit.excluding and hit.owned_by(spec.name, counter=False) and not any(map(excludes_part, spec.labels)):
        return Proof(False, "part_excluded", f"{normalized!r} {under} {hit.text!r} {hit.excluding!r}, which "
                     f"leaves a part out; no label of {spec.name} does", normalized, hit.text)  # fmt: skip
    if hit.owned_by(spec.name, counter=False):
        return Proof(True, "own_label", f"{spec.kind} {normalized!r} is written under {hit.text!r}, a label of "
                     f"{spec.name}", normalized, hit.text)  # fmt: skip
    shared = sorted({owner.field for owner in hit.owners if owner.field in shares.fields and not owner.counter})
    if shared:
        return Proof(True, "own_label", f"{spec.kind} {normalized!r} is written under {hit.text!r}, a label of "
                     f"{shared[0]} that {spec.name} shares", normalized, hit.text, shared_from=shared[0])  # fmt: skip
    if hit.owned_by(spec.name, counter=True):
        return Proof(False, "counter_label", f"{normalized!r} {under} {hit.text!r}, which marks another role"
                     f" than {spec.name}", normalized, hit.text)  # fmt: skip
    others = sorted({owner.field for owner in hit.owners if not owner.counter and not owner.other})
    if others:
        return Proof(False, "wrong_label", f"{normalized!r} {under} {hit.text!r}, the label of "
                     f"{', '.join(others)}, not of {spec.name}{_not_shared_here(spec, others, shares)}", normalized,
                     hit.text)  # fmt: skip
    if any(owner.other for owner in hit.owners):
        return Proof(False, "wrong_label", f"{normalized!r} {under} {hit.text!r}, the label of "
                     f"{_ANOTHER_VALUE}, not of {spec.name}", normalized, hit.text)  # fmt: skip
    return Proof(True, "no_label", f"{spec.kind} {normalized!r} is written in the quote; no label contradicts it",
                 normalized)  # fmt: skip


_TIME_UNIT_AFTER = re.compile(
    r"[^\S\n]*(?:days?|weeks?|months?|years?|tagen?|wochen?|monaten?|monate|jahren?|jours?|semaines?|mois|ans"
    r"|années?|días|dias|semanas|meses|años|anos|giorni|settimane|mesi|anni|dagen|weken|maanden|jaar|hari|bulan"
    r"|tahun)(?!\w)",
    re.IGNORECASE,
)
"""A unit of time right after a number: `30 days` is a duration, never an amount (`Total due in 30 days`)."""

_COUNTED_AFTER = re.compile(
    r"[^\S\n]*(?:items?|pcs|pieces?|units?|articles?|artikel|positionen|stück|stk|stck|stuks|artículos|articulos"
    r"|unidades|articoli|pezzi|unités?|pièces?)(?!\w)",
    re.IGNORECASE,
)
"""What is counted, right after a number: `2 items` is a count, never an amount (`Total (2 items)`)."""

_MEASURED_AFTER = re.compile(
    r"[^\S\n]*(?:(?:k|m|c|d)?g|grams?|gramm|kilos?|kilograms?|kilogramm|lbs?|oz|ounces?|tonnes?|tons?"
    r"|(?:k|c|m)m|km/h|ft|feet|foot|yards?|yd|miles?|meters?|metres?|meter|mètres?|metros?"
    r"|(?:m|c|d)?l|litres?|liters?|liter|gal|gallons?|m[²³23]|sq\.?[^\S\n]?(?:ft|m)|qm|cbm"
    r"|[kmg]?wh|kw|mw|hp|kcal|°[cf])(?!\w)",
    re.IGNORECASE,
)
"""A unit of measure right after a number: `14.555 kg` is a weight, never an amount (`Gross weight: 14.555 kg`).

A bare `m` and `t` are left out: after money `m` is millions (`£5m`), and either is too short to tell."""

_OF_A_COUNT_BEFORE = re.compile(r"\d[^\S\n]*(?:of|von|de|sur|di|van)[^\S\n]*\Z", re.IGNORECASE)
"""A number and `of` right before a number: `1 of 2` counts pages or parts, it is no amount (`Page 1 of 2`)."""


def _not_money(page: str, start: int, end: int) -> str | None:
    """How the number at `start`..`end` is written if not as an amount (`a duration`, `a count`, `a measure`)."""
    if _TIME_UNIT_AFTER.match(page, end):
        return "a duration"
    if _COUNTED_AFTER.match(page, end) or _OF_A_COUNT_BEFORE.search(page, max(0, start - 12), start):
        return "a count"
    if _MEASURED_AFTER.match(page, end):
        return "a measure"
    return None


def not_an_amount(normalized: str, page: str, spans: Sequence[tuple[int, int]], *, cell: bool = False) -> str | None:
    """Why `normalized` proves no amount where `spans` (page offsets) all write it as no money, else None.

    A field's value and a table's amount cell are held to it alike: the `2` of a `Page 1 of 2` footer is no
    amount, whether claimed as a total or as the last row of a table. A `cell` may carry a unit or what it
    counts (`3 Stk.` under a quantity column declared as an amount, as tables were before the `number` kind),
    so there only a figure counted `of` another is refused.
    """

    def no_money(start: int, end: int) -> str | None:
        if cell:
            return "a count" if _OF_A_COUNT_BEFORE.search(page, max(0, start - 12), start) else None
        return _not_money(page, start, end)

    if not spans or any(no_money(start, end) is None for start, end in spans):
        return None
    return f"{normalized!r} is written as {no_money(*spans[0])} ({_name_around(page, *spans[0])!r}), not as an amount"


_ANOTHER_VALUE = "a value that is no field"
"""How a reason names the owner of a label of another value (`Discount`, `Customer No.`: other_labels.py)."""

_PREFERENCE: dict[Check, int] = {"own_label": 0, "no_label": 1}


def _reads_as(kind: str, normalized: str) -> bool:
    """Whether a value could be another field's, of `kind`: a kind whose values have a form of their own."""
    if kind == "amount":
        return parse_amount(normalized) is not None
    if kind == "date":
        return normalize_value("date", normalized) is not None
    if kind == "identifier":
        return any(char.isdigit() for char in normalized)
    if kind == "number":
        return parse_number(normalized) is not None
    return False


def _other_kinds_label(spec: Field, normalized: str, labels: LabelIndex, page: str, start: int) -> Proof | None:
    """A rejection when a label of another kind stands right before the value and the value reads as that kind."""
    hit = labels.nearest_on_line(page, start)
    if hit is None:
        return None
    others = sorted(
        {o.field or _ANOTHER_VALUE for o in hit.owners
         if not o.counter and o.kind != spec.kind and _reads_as(o.kind, normalized)}
    )  # fmt: skip
    if not others:
        return None
    return Proof(False, "wrong_label", f"{normalized!r} stands under {hit.text!r}, the label of {', '.join(others)}, "
                 f"not of {spec.name}", normalized, hit.text)  # fmt: skip


def _own_label_names_another(spec: Field, normalized: str, labels: LabelIndex, page: str, start: int) -> Proof | None:
    """A rejection when the field's own date label, earlier on the line, names another date than this one.

    Dates only: a date between a date label and this one is the date the label names, where a number between an
    amount's label and an amount may be a count (`Total (2 items): 24.00`). Not for a field of several dates.
    """
    if spec.kind != "date" or spec.multiple:
        return None
    named = labels.date_named_before(page, start)
    if named is None or not named[0].owned_by(spec.name, counter=False):
        return None
    hit, other = named
    return Proof(False, "label_names_another", f"{normalized!r} is not the date {hit.text!r} names on its line: "
                 f"that is {other!r}", normalized, hit.text)  # fmt: skip


def _judge_one(
    spec: Field, normalized: str, labels: LabelIndex, page: str, start: int, end: int, shares: Sharing
) -> Proof:
    leading = labels.leading(page, start, end, spec.kind)
    if leading is not None and not (quoted := _verdict(spec, normalized, leading, shares, "begins with")).ok:
        return quoted  # the value quotes its own label: `Bill to: Fabrikam Inc` is the buyer's, as after it
    verdict = _verdict(spec, normalized, labels.governing(page, start, spec.kind, end), shares)
    if verdict.check != "no_label":
        return verdict
    return (
        _other_kinds_label(spec, normalized, labels, page, start)
        or _own_label_names_another(spec, normalized, labels, page, start)
        or verdict
    )


def _as_money(spec: Field, normalized: str, quote: str) -> str | None:
    """Why a number is not written in a quote that writes it as money (`€14.50`), if that is why."""
    if spec.kind != "number" or not value_spans("amount", normalized, quote):
        return None
    return f"{normalized!r} is written as an amount in quote {quote!r}, not as a number"


def judge_spans(
    spec: Field, normalized: str, labels: LabelIndex, page: str, spans: list[Span], shares: Sharing
) -> Proof:
    """The best verdict over every place the value is written (page offsets of each token); `shares`: `sharing`."""
    verdicts = [_judge_one(spec, normalized, labels, page, start, end, shares) for start, end in spans]
    accepted = sorted((v for v in verdicts if v.ok), key=lambda v: _PREFERENCE.get(v.check, 9))
    return accepted[0] if accepted else verdicts[0]


def prove(doc_type: DocumentType, spec: Field, value: str, evidence: Evidence, source: SourceText) -> Proof:
    """Does the located quote `evidence` prove that `spec` has `value`?"""
    checked = check_value(spec.kind, value, evidence.quote, spec.choices, marks=doc_type.credit_marks)  # type: ignore[arg-type]
    if checked.normalized is None:
        return Proof(False, "value_unreadable", checked.reason)
    if not checked.ok and spec.kind == "date":
        return _prove_yearless(doc_type, spec, checked.normalized, checked.reason, evidence, source)
    if not checked.ok:
        return Proof(False, "value_not_in_quote", _as_money(spec, checked.normalized, evidence.quote) or checked.reason,
                     checked.normalized)  # fmt: skip
    page = source.page(evidence.page)
    spans = [(evidence.start + start, evidence.start + end) for start, end in checked.spans]
    doubt: str | None = None
    if spec.kind == "amount":
        refused = not_an_amount(checked.normalized, page, spans)
        if refused is not None:
            return Proof(False, "value_not_in_quote", refused, checked.normalized)
        spans = [(start, end) for start, end in spans if _not_money(page, start, end) is None]
    if spec.kind in ("amount", "number"):
        decimal = decimal_mark(source.pages) if spec.kind == "number" else None
        figures = figures_as_written(page, spans, checked.normalized, doc_type.credit_marks, spec.kind, decimal=decimal)
        if figures.refusal is not None:
            return Proof(False, "value_not_in_quote", figures.refusal, checked.normalized)
        spans, doubt = figures.spans, figures.doubt
    if spec.kind == "text":
        whole = [(start, end) for start, end in spans if not cuts_a_name(page, start, end)]
        if not whole:
            start, end = spans[0]
            name = _name_around(page, start, end)
            return Proof(False, "value_not_in_quote", f"{checked.normalized!r} is only part of the name {name!r}",
                         checked.normalized)  # fmt: skip
        spans = whole
    verdict = judge_spans(spec, checked.normalized, doc_type.labels, page, spans, sharing(spec, source))
    return replace(verdict, doubt=doubt) if verdict.ok and doubt else verdict


def _prove_yearless(
    doc_type: DocumentType, spec: Field, normalized: str, reason: str, evidence: Evidence, source: SourceText
) -> Proof:
    """A date the quote prints without its year (`12 Mar`), proved with the year the whole document gives it.

    `12/03` reads as a date only under the field's own label: elsewhere a slash between two numbers is as often a
    fraction or a ratio.
    """
    found, why = partial_date_spans(normalized, evidence.quote, document_dates(source.pages), slashed=True)
    if not found:
        return Proof(False, "value_not_in_quote", why or reason, normalized)
    page = source.page(evidence.page)
    spans = {form: [(evidence.start + start, evidence.start + end) for start, end, f in found if f == form]
             for form in ("named", "dotted", "slashed")}  # fmt: skip
    worded = spans["named"] + spans["dotted"]
    shares = sharing(spec, source)
    verdict = judge_spans(spec, normalized, doc_type.labels, page, worded, shares) if worded else None
    if verdict is not None and verdict.ok:
        return verdict
    if spans["slashed"]:
        slashed = judge_spans(spec, normalized, doc_type.labels, page, spans["slashed"], shares)
        if slashed.check == "own_label" or (verdict is None and not slashed.ok):
            return slashed
        if verdict is None:
            written = page[spans["slashed"][0][0] : spans["slashed"][0][1]]
            return Proof(False, "value_not_in_quote", f"{written!r} reads as a date only under a label of "
                         f"{spec.name}: a slash between two numbers is as often a fraction", normalized)  # fmt: skip
    assert verdict is not None  # `found` holds a partial date of some form
    return verdict


@dataclass(frozen=True)
class _Reading:
    """A value the page's line reads where a quote's figure stands, and the figures (page offsets) it reads."""

    value: Decimal
    start: int
    end: int


def _page_reads(
    page: str, start: int, end: int, marks: CreditMarks, kind: str, decimal: DecimalMark | None = None
) -> list[_Reading]:
    """The values the page's line can be read as where the quote's figure `start`..`end` stands, signs included.

    A quote is read on its own, so where it is cut decides a sign or a number: `- £612.40` cut from `Total -
    £612.40` (a separator) reads negative, `£612.40` cut from `Refund: -£612.40` or `612.40` from `(612.40)`
    positive, `612.40` cut from `1,612.40` a smaller number, `14.50` cut from `€14.50` a number where the page
    writes money. The line is what the document says; where it reads several ways (`19 285,00`: 19 and 285.00, or
    19285.00; the number `14.555`: 14.555 or 14555), each counts, except that a number reads only as the
    document's `decimal` mark says, where it shows one. Empty when it reads no `kind` there.
    """
    line_start, line = _line_of(page, start, end)
    if kind == "number":
        found = [(m.start, m.end, (m.read_with(decimal)[0],) if decimal else m.readings) for m in find_numbers(line)]
    else:
        found = [(m.start, m.end, (m.value,)) for m in find_amounts(line, marks=marks)]
    return [
        _Reading(value, line_start + found_start, line_start + found_end)
        for found_start, found_end, values in found
        if line_start + found_start <= start and end <= line_start + found_end
        for value in values
    ]


def _apart(places: Sequence[Span], taken: Sequence[Span]) -> list[Span]:
    """Of `places`, those that share no character with any of `taken`."""
    return [(start, end) for start, end in places if all(end <= t_start or t_end <= start for t_start, t_end in taken)]


def _each_apart(cells: Sequence[Sequence[Span]], taken: Sequence[Span] = ()) -> bool:
    """Whether each cell can stand at one of its places, apart from `taken` and from one another."""
    if not cells:
        return True
    return any(_each_apart(cells[1:], [*taken, place]) for place in _apart(cells[0], taken))


def _drawn_apart(reading: _Reading, span: Span, drawn: Sequence[Sequence[Span]]) -> bool:
    """Whether a reading of the figure at `span` keeps to the cells the claim draws around it (`drawn`: their places).

    A figure read with a space as a thousands separator (`1 100.00` for the `1` of `Gadget 1 100.00 100.00`) runs
    into the next figure; where the row's other cells, as claimed, need that figure, the claim reads the space as
    the end of a cell, and the wider reading is not the row's.
    """
    if (reading.start, reading.end) == span or not drawn:
        return True
    return _each_apart(drawn, [(reading.start, reading.end)])


@dataclass(frozen=True)
class AsWritten:
    """Of a value's figures in its quote, those the page's lines read as it too; why none does, or why in doubt."""

    spans: list[Span]
    """The figures (page offsets) the page's line reads as the value."""
    refusal: str | None = None
    """With none, why not, in words."""
    doubt: str | None = None
    """Why a number its figures prove is still in doubt: each reads two ways, and the document does not say which."""


def figures_as_written(
    page: str, spans: list[Span], normalized: str, marks: CreditMarks, kind: str, *, decimal: DecimalMark | None = None,
    drawn: Sequence[Sequence[Span]] = (),
) -> AsWritten:  # fmt: skip
    """Of an amount's or a number's figures in its quote (page offsets), those the page's line reads as it too.

    With none, why not, in words: the quote was cut so that its sign (or its number) reads otherwise than the page
    writes it (`_page_reads`), or the document's decimal mark (`decimal`, from `decimal_mark`) reads a number
    that reads two ways (`1.500`) the other way. A figure the line reads as no amount is left to the quote's
    reading; one it reads as no number is money, a rate or a date there (`€14.50` cut to `14.50`), and proves
    no number. A number whose every kept figure reads two ways, in a document that does not show its mark or with
    a space that may group it (`1 100.00`), is proved in doubt (`_two_way_doubt`). `drawn`: the places of the other
    figure cells of a table row the value is claimed in, which no reading of it runs into (`_drawn_apart`).
    """
    value = parse_number(normalized) if kind == "number" else parse_amount(normalized)
    readings = [
        [one for one in _page_reads(page, start, end, marks, kind, decimal) if _drawn_apart(one, (start, end), drawn)]
        for start, end in spans
    ]
    kept = [
        (span, read)
        for span, read in zip(spans, readings, strict=True)
        if any(one.value == value for one in read) or (kind == "amount" and not read)
    ]
    if kept or not spans:
        doubt = _two_way_doubt(page, kept) if kind == "number" else None
        return AsWritten([span for span, _ in kept], doubt=doubt)
    line = _name_around(page, *spans[0])
    if not readings[0]:
        return AsWritten([], f"the page writes {line!r}, where {normalized} is no {kind}: money, a rate or a date")
    written, claimed = readings[0][0].value, value or Decimal(0)
    shown = format_number(written) if kind == "number" else format_amount(written)
    if decimal is not None and any(one.value == value for one in _page_reads(page, *spans[0], marks, kind)):
        mark = "a dot" if decimal == "." else "a comma"
        why = f"the document's figures mark decimals with {mark}"
        return AsWritten([], f"the page writes {line!r}, which reads {shown} there, not {normalized}: {why}")
    cut = "where the quote is cut changes the sign" if abs(written) == abs(claimed) else "the quote cuts the number"
    return AsWritten([], f"the page writes {line!r}, which reads {shown} there, not {normalized}: {cut}")


_UNSETTLED = "the document's figures do not show whether a dot or a comma marks its decimals"
"""Why a figure with one separator before three digits (`1.500`) reads two ways."""


def _two_way_doubt(page: str, kept: list[tuple[Span, list[_Reading]]]) -> str | None:
    """Why a number its figures prove is in doubt: each kept figure reads two ways (`1.500 kg`: 1.5 or 1500).

    Where the document's other figures show its decimal mark, `_page_reads` gave each figure that reading only;
    where they do not, the quote proves that the page writes the figure, not which of its two values is meant.
    A figure a space may group with the next (`1 250`) reads as one number or as the first of two: the reason
    names that space, whatever the document's decimal mark.
    """
    if not kept or any(len({one.value for one in read}) < 2 for _, read in kept):
        return None  # one of the places writes it one way only: that place proves it
    span, read = kept[0]
    own = [one for one in read if (one.start, one.end) == span]
    wider = [one for one in read if (one.start, one.end) != span]
    either = " or ".join(format_number(value) for value in dict.fromkeys(one.value for one in [*own, *wider]))
    why = [_UNSETTLED] if len({one.value for one in own}) > 1 else []
    if wider:
        grouped = page[wider[0].start : wider[0].end]
        why.append(f"a space may group the thousands of one number ({grouped!r}) or part two values")
    return f"the page writes {_name_around(page, *span)!r}, which reads {either}: {'; '.join(why)}"


def _line_of(page: str, start: int, end: int) -> tuple[int, str]:
    """Where the line of the page holding `start`..`end` starts, and the line (without its line break)."""
    line_start = page.rfind("\n", 0, start) + 1
    line_end = page.find("\n", end)
    return line_start, page[line_start : len(page) if line_end < 0 else line_end]


def _name_around(page: str, start: int, end: int) -> str:
    """The value's line, stripped: what the value was cut out of, or what the page writes around it."""
    return _line_of(page, start, end)[1].strip()


def find_proving_evidence(doc_type: DocumentType, spec: Field, normalized: str, source: SourceText) -> Evidence | None:
    """The first place in the source that writes `normalized` and proves `spec` (for values without a quote)."""
    shares = sharing(spec, source)
    for number, page in enumerate(source.pages, start=1):
        for start, end in value_spans(spec.kind, normalized, page, spec.choices, marks=doc_type.credit_marks):
            if spec.kind == "text" and cuts_a_name(page, start, end):
                continue
            if spec.kind == "amount" and _not_money(page, start, end) is not None:
                continue
            if judge_spans(spec, normalized, doc_type.labels, page, [(start, end)], shares).ok:
                return Evidence(page=number, start=start, end=end, quote=page[start:end])
    return None
