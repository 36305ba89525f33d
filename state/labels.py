"""Labels: the words a document prints for a field, and which label governs a value on the page.

A document type declares, per field, its labels (`Invoice No.`, `Rechnungsnummer`) and counter-labels
(`Bill to` for a vendor's name). To judge a quoted value, code asks which label *governs* it. Only labels of
fields of the value's own kind count: `Total` names an amount, so it never governs the `€` beside it, and
`Effective Date` never governs the term written after it. Among those:
1. the nearest label before the value on its line, when what stands between them is short: punctuation, a
   currency, a percentage and at most two words, but no other amount or date (in prose, `the Effective Date
   and continues for a term of two years` leaves the term unlabelled);
2. otherwise a heading: the line directly above, when it holds only labels (`Due date` above `11.04.2024`,
   matched by column when it holds several: the value's start under a label's start or, for figures set flush
   right, its end under a label's end, or the one label it stands under). A text value (a name, an address)
   may sit a few lines below its heading, walking up through the lines of its block (`Bill to:` above a
   customer's address).
A label that only qualifies another (`Total incl. VAT`, `Nettobetrag zzgl. 19% MwSt.`) governs nothing; a label
whose value a qualifier says leaves a part out (`Total (excl. tax): 100.00`) governs it as `excluding`.
Labels of two fields of one kind run together (`Tax Total`) are one label: the other field's, when one of them
only says "the sum of" (`Total`, `Gesamtbetrag`), else one that is `mixed` and proves neither.
Besides the fields' labels, the index knows labels of values that are no field (`other_labels.py`: `Discount`,
`Customer No.`, `Expiry Date`), unless a field declares one as its own. To judge evidence they govern like any
label, and a field's label run together with one of the same kind (`TOTAL SAVED`, `DATE DUE`) is that other
label: a longer phrase that names another value is never the field's own label. `find` leaves them out unless
asked, so readers of the type's labels (the offline extractor) see only the fields'.
A value whose governing label belongs to another field, or is a counter-label of its own field, is not
proved by its quote. Nor is one a label of another kind stands right before, when the value reads as that kind
too (`4711` after `Invoice No.` is the invoice number, not an amount; `EUR` after `Total` is still a currency):
`nearest_on_line` finds that label, whatever its kind.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from claimflow.state.normalize import find_amounts, find_dates, find_percentages, is_currency_code

MAX_BLOCK_LINES = 6
"""How far up a block heading may stand above the text value it governs."""
MAX_GAP_WORDS = 2
"""Words a label and its value may have between them (`Total amount in EUR`): more is a sentence, not a form."""
MAX_GAP_CHARS = 40
"""Characters a label and its value may have between them (tab stops and padding included)."""
COLUMN_SLACK = 2
"""How far a value may start from its heading's column and still sit under it."""


class Labelled(Protocol):
    """A field as far as labels go: its name, its kind, its labels and its counter-labels."""

    @property
    def name(self) -> str:
        """The field's name."""
        ...

    @property
    def kind(self) -> str:
        """The kind of value the field holds."""
        ...

    @property
    def labels(self) -> Sequence[str]:
        """Words that name the field."""
        ...

    @property
    def counter_labels(self) -> Sequence[str]:
        """Words that name another role for the same kind of value."""
        ...


def fold_label(label: str) -> str:
    """A label as it is compared: case-folded, a trailing dot or colon and doubled spaces dropped ("PO #" stays)."""
    return " ".join(label.casefold().strip(" .:").split())


@dataclass(frozen=True)
class LabelOwner:
    """A field that declared a label, and whether as its own label or as a counter-role label."""

    field: str
    counter: bool = False
    kind: str = "text"
    """The kind of the field: a label governs only values of its field's kind."""
    other: bool = False
    """A label of a value that is no field of the type (`field` is empty): it contradicts every field."""


@dataclass(frozen=True)
class LabelHit:
    """A label printed in a text: where, as printed, and who declared it."""

    start: int
    end: int
    text: str
    owners: tuple[LabelOwner, ...]
    mixed: str = ""
    """Set when the phrase runs labels of two fields together (`Tax Total`): it names neither alone (says whose)."""
    excluding: str = ""
    """The qualifier between the label and its value that takes part of what the label names away (`excl. tax`
    in `Total (excl. tax): 100.00`): it proves only a field whose own labels say as much (`Total excl. VAT`)."""

    def owned_by(self, field: str, *, counter: bool) -> bool:
        """True when `field` declared this label (as a counter-label when `counter`)."""
        return any(owner.field == field and owner.counter == counter for owner in self.owners)

    def names(self, kind: str) -> bool:
        """True when a field of this kind declared the label."""
        return any(owner.kind == kind for owner in self.owners)

    @property
    def other(self) -> bool:
        """True when the label names only values that are no field of the type."""
        return all(owner.other for owner in self.owners)


def _part(word: str) -> str:
    # "No." matches "No", "No." and "No:"; the label's own punctuation inside a word is kept ("Rechnungs-Nr").
    bare = word.rstrip(".:")
    return re.escape(bare) + (r"\.?" if word.endswith(".") else "")


def _label_pattern(label: str) -> str:
    parts = [_part(word) for word in label.split() if word.rstrip(".:")]
    body = r"[^\S\n]+".join(parts)
    # A word hyphened to a number is part of a code, no label: "BUYER" in "PO-BUYER-7788" labels nothing.
    before = r"(?<!\w)(?<!\d-)" if label[0].isalnum() else ""
    after = r"(?!\w)(?!-\d)" if label.rstrip(".:")[-1:].isalnum() else ""
    return before + body + after


_WORD = re.compile(r"[^\W\d_]+")
_QUALIFIER = re.compile(
    r"(?<!\w)(?:incl|inc|inkl|including|inclusive|excl|exkl|excluding|exclusive|zzgl|zuzügl|plus|ohne|hors|sans|avec"
    r"|con|sin|iva\s+incluido)\.?(?:[^\S\n]+of)?[^\S\n]*(?:\(?[^\S\n]*[-\u2212]?\d{1,3}(?:[.,]\d{1,4})?[^\S\n]*%[^\S\n]*)?[(\[]?[^\S\n]*$",
    re.IGNORECASE,
)
"""A word that makes the label after it a qualifier of another ("incl. VAT", "zzgl. 19 % MwSt.")."""


def _holds_a_value(gap: str) -> bool:
    """True when `gap` writes an amount or a date of its own (a rate, `19 %`, is no value)."""
    for match in reversed(find_percentages(gap)):
        gap = gap[: match.start] + " " * (match.end - match.start) + gap[match.end :]
    return bool(find_amounts(gap) or find_dates(gap))


def _governs_across(gap: str) -> bool:
    """True when a label can govern a value across `gap`: short, no value of its own, at most two words."""
    if len(gap.strip()) > MAX_GAP_CHARS or _holds_a_value(gap):
        return False  # a sentence, or the label governs that other value
    words = [word for word in _WORD.findall(gap) if not is_currency_code(word.upper())]
    return len(words) <= MAX_GAP_WORDS


_JOINED = re.compile(r"[^\S\n]?(?:-[^\S\n]?)?")
"""What may stand between two labels read as one phrase (`TOTAL SAVED`, `EXPIRY-DATE`): one space or a hyphen;
two spaces or more part the columns of a heading row (`Order Date      Delivery Date`)."""


def _joined(text: str, first: LabelHit, second: LabelHit, offset: int) -> LabelHit | None:
    """The one label two adjacent labels of one kind make when one of them names another value, else None."""
    if not (first.other or second.other) or not _JOINED.fullmatch(text[first.end - offset : second.start - offset]):
        return None
    kinds = {owner.kind for owner in first.owners} & {owner.kind for owner in second.owners}
    owners = tuple(dict.fromkeys(o for o in (*first.owners, *second.owners) if o.other and o.kind in kinds))
    if not owners:
        return None
    return LabelHit(first.start, second.end, text[first.start - offset : second.end - offset], owners)


_SUM = re.compile(
    r"(?:grand\s+)?(?:total|totals|sum|totale|totaal|gesamt|jumlah)"
    r"|(?!netto|brutto|steuer|zwischen)\w*(?:summe|betrag)|totaalbedrag|montant\s+total|importe\s+total",
    re.IGNORECASE,
)
"""A label that only says "the sum of": run together with another field's label it means that field's sum, in
either order (`Tax Total` and `Total Tax` are the tax, `Gesamtbetrag Netto` the net amount). German compounds
of a sum (`-summe`, `-betrag`) are sums, but for those that name their part (`Nettobetrag`, `Steuerbetrag`)."""


def _is_sum(hit: LabelHit) -> bool:
    return _SUM.fullmatch(" ".join(hit.text.strip(" .:").split())) is not None


def _mixed(text: str, first: LabelHit, second: LabelHit, offset: int) -> LabelHit | None:
    """The phrase two adjacent labels of different fields of one kind make (`Tax Total`), else None.

    Read as the nearer label alone, `Tax Total: 19.00` proved an invoice's total. When one of the two only says
    "the sum of" (`Total`, `Gesamtbetrag`), the phrase is the other's label (`Tax Total` is the tax); otherwise
    which field it means is for a declaration to say (the longer label wins), and the phrase proves neither.
    """
    if first.other or second.other or not _JOINED.fullmatch(text[first.end - offset : second.start - offset]):
        return None
    kinds = {owner.kind for owner in first.owners} & {owner.kind for owner in second.owners}
    roles = [{(o.field, o.counter) for o in hit.owners if o.kind in kinds} for hit in (first, second)]
    if not kinds or roles[0] == roles[1]:
        return None
    phrase = text[first.start - offset : second.end - offset]
    sums = _is_sum(first), _is_sum(second)
    if sums[0] != sums[1]:
        named = second if sums[0] else first
        owners = tuple(o for o in named.owners if o.kind in kinds)
        return replace(named, start=first.start, end=second.end, text=phrase, owners=owners)
    owners = tuple(dict.fromkeys(o for o in (*first.owners, *second.owners) if o.kind in kinds))
    *most, last = sorted({owner.field for owner in owners})
    return LabelHit(first.start, second.end, phrase, owners,
                    mixed=f"runs the labels of {', '.join(most)} and {last} together")  # fmt: skip


_EXCLUDING = re.compile(
    r"(?<!\w)(?:excl|exkl|excluding|exclusive|ohne|hors|sans|sin|before|pre|net[^\S\n]+of|zzgl|zuzügl)(?!\w)\.?"
    r"(?:[^\S\n]*-?[^\S\n]*[^\W\d_]+)?",
    re.IGNORECASE,
)
"""A word that takes part of a total away (`excl. tax`, `ohne MwSt.`, `before discount`, `hors taxes`), with the
word after it."""


def excludes_part(label: str) -> bool:
    """True when a label says its value leaves a part out (`Total excl. VAT`, `Summe ohne USt.`, `Hors taxes`)."""
    return _EXCLUDING.search(label) is not None


def _excluding_across(gap: str) -> re.Match[str] | None:
    """The qualifier in a short gap between a label and its value that leaves a part out (`excl. GST`), if any."""
    found = _EXCLUDING.search(gap)
    if found is None or len(gap.strip()) > MAX_GAP_CHARS or _holds_a_value(gap):
        return None
    return found


_AS_A_LABEL = re.compile(r"[^\S\n]*[:：]|\t|[^\S\n]{2}|[^\S\n]*\n")
"""What follows a word printed as a label rather than as part of a name: a colon, a tab, a wider gap, a line end."""


def _first(label: str) -> str:
    """The character a label's match starts with, as one case of it: the key its alternatives are grouped under."""
    lower = label[0].lower()
    return lower if len(lower) == 1 else label[0]


def _alternatives(labels: Sequence[str]) -> tuple[re.Pattern[str] | None, list[int]]:
    """One pattern of the labels, each its own group, longest first; and the labels' indexes in group order.

    Hundreds of labels (a type's and those of other values) would be tried one by one at every character of a
    line. Grouped by their first character behind a look-ahead on it, and those that start a word behind one
    look-behind, a position tries only the labels that can start there, in the same order: the same matches.
    """
    if not labels:
        return None, []
    groups: dict[tuple[bool, str], list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault((label[0].isalnum(), _first(label)), []).append(index)
    branches, order = [], []
    for starts_word in (True, False):
        dispatch = []
        for (word, first), indexes in groups.items():
            if word == starts_word:
                group = "|".join(f"({_label_pattern(labels[index])})" for index in indexes)
                dispatch.append(f"(?={re.escape(first)})(?:{group})")
                order += indexes
        if dispatch:
            branches.append(("(?<!\\w)(?<!\\d-)" if starts_word else "") + "(?:" + "|".join(dispatch) + ")")
    return re.compile("|".join(branches), re.IGNORECASE), order


@functools.lru_cache(maxsize=64)
def _pattern_of(labels: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern of `labels`, the longest first, compiled once for each set of labels asked about."""
    return _alternatives(sorted(labels, key=lambda label: -len(fold_label(label))))[0]


def _in_an_address(page: str, start: int, end: int) -> bool:
    """Whether the words at `start:end` are part of an e-mail address or a host name (`payments@...`, `x.paid.com`)."""
    return page[end : end + 1] == "@" or (start > 0 and page[start - 1] in "@.")


def first_printed(pages: Sequence[str], labels: Sequence[str]) -> str | None:
    """The first of `labels` a page prints (as a label is matched: whole words, any case), as printed; or None.

    Where two start at the same place the longer is found (`Rounding Amount`, not `Rounding`). Words of an e-mail
    address or a host name are no label (`payments@example.com` prints no `Payments`).
    """
    pattern = _pattern_of(tuple(labels))
    if pattern is None:
        return None
    for page in pages:
        for found in pattern.finditer(page):
            if not _in_an_address(page, found.start(), found.end()):
                return found.group(0)
    return None


class LabelIndex:
    """Every label of a document type's fields, found leftmost-longest in page text.

    `other_labels` (kind -> labels) are labels of values that are no field; one a field declares as its own
    label is that field's.
    """

    def __init__(self, fields: Iterable[Labelled], other_labels: Mapping[str, Sequence[str]] | None = None) -> None:
        owners: dict[str, list[LabelOwner]] = {}
        printed: dict[str, str] = {}
        for spec in fields:
            for label, counter in [*((x, False) for x in spec.labels), *((x, True) for x in spec.counter_labels)]:
                key = fold_label(label)
                if not key:
                    continue
                owners.setdefault(key, []).append(LabelOwner(spec.name, counter, spec.kind))
                printed.setdefault(key, label)
        for kind, labels in (other_labels or {}).items():
            for label in labels:
                key = fold_label(label)
                if key and not any(not owner.counter for owner in owners.get(key, ())):
                    owners.setdefault(key, []).append(LabelOwner("", False, kind, other=True))
                    printed.setdefault(key, label)
        self._owners = {key: tuple(found) for key, found in owners.items()}
        # Longest first: at one position "Net total" wins over "Total", "Total incl. VAT" over "Total".
        ordered = sorted(printed.items(), key=lambda item: -len(item[0]))
        self._pattern, order = _alternatives([label for _, label in ordered])
        self._keys = [ordered[index][0] for index in order]
        # The fields' labels alone: a label of another value never hides one (`Order No.` in `Purchase Order No.`).
        own = [(key, label) for key, label in ordered if not all(o.other for o in self._owners[key])]
        self._field_pattern, order = _alternatives([label for _, label in own])
        self._field_keys = [own[index][0] for index in order]

    def __bool__(self) -> bool:
        return self._pattern is not None

    def find(self, text: str, offset: int = 0, *, others: bool = False, runs: bool = False) -> list[LabelHit]:
        """Every label in `text` (non-overlapping, leftmost-longest); offsets are shifted by `offset`.

        Only the fields' labels, unless `others`: then labels of other values too, each joined with a field's
        label of its kind that it touches (`TOTAL SAVED` is one label, of another value than the total). With
        `runs` too, labels of two fields that touch are one (`Tax Total`, see `_mixed`): before a value on its
        line, not in a heading row, whose labels stand side by side a space apart in many text layers
        (`Order Date Invoice Date Due Date`).
        """
        pattern, keys = (self._pattern, self._keys) if others else (self._field_pattern, self._field_keys)
        if pattern is None:
            return []
        hits: list[LabelHit] = []
        for m in pattern.finditer(text):
            key = keys[(m.lastindex or 1) - 1]
            hit = LabelHit(m.start() + offset, m.end() + offset, m.group(0), self._owners[key])
            if not others:
                fields = tuple(owner for owner in hit.owners if not owner.other)
                if fields:
                    hits.append(LabelHit(hit.start, hit.end, hit.text, fields))
            elif hits and (
                joined := _joined(text, hits[-1], hit, offset) or (runs and _mixed(text, hits[-1], hit, offset))
            ):
                hits[-1] = joined
            else:
                hits.append(hit)
        return hits

    def _governing_hits(self, text: str, offset: int, kind: str | None) -> list[LabelHit]:
        """Labels in `text` that may govern a value of `kind` (their field's kind, or any: None), not qualifiers."""
        return [
            hit
            for hit in self.find(text, offset, others=True, runs=True)
            if (kind is None or hit.names(kind)) and not _QUALIFIER.search(text[: hit.start - offset])
        ]

    def governing(self, page: str, start: int, kind: str, end: int | None = None) -> LabelHit | None:
        """The label that governs a value of `kind` at `start` (to `end`) in `page`, or None when none does."""
        if self._pattern is None:
            return None
        line_start = page.rfind("\n", 0, start) + 1
        before = self._governing_hits(page[line_start:start], line_start, kind)
        if before:
            nearest, gap = before[-1], page[before[-1].end : start]
            if excluding := _excluding_across(gap):
                return self._qualified(page, nearest, excluding)
            return nearest if _governs_across(gap) else None
        lines = MAX_BLOCK_LINES if kind == "text" else 1
        width = 0 if end is None else end - start
        return self._heading(page, line_start, (start - line_start, width), kind, lines)

    def _qualified(self, page: str, label: LabelHit, excluding: re.Match[str]) -> LabelHit:
        """`label` with the qualifier after it that leaves a part out.

        A field's label when the two read as one (`Total (excl. VAT)` is the declared `Total excl. VAT`), else
        `label` marked as leaving a part out.
        """
        qualifier = excluding.group(0)
        key = fold_label(f"{label.text} {qualifier}")
        owners = tuple(owner for owner in self._owners.get(key, ()) if not owner.other)
        if owners:
            end = label.end + excluding.end()
            return LabelHit(label.start, end, page[label.start : end], owners)
        return replace(label, excluding=qualifier)

    def leading(self, page: str, start: int, end: int, kind: str) -> LabelHit | None:
        """The label of `kind` the value at `start`..`end` itself begins with, where it is printed as a label.

        A value quoted with its label (`Bill to: Fabrikam Inc`) is under that label as much as one printed after
        it. A label is printed as one when a colon, a tab or a wider gap follows it in the value, or when it has
        several words (`Bill to Fabrikam Inc`): a name may begin with a one-word label (`Client Solutions Ltd`).
        """
        if self._pattern is None:
            return None
        hits = self._governing_hits(page[start:end], start, kind)
        if not hits or hits[0].start != start:
            return None
        hit = hits[0]
        return hit if _AS_A_LABEL.match(page, hit.end, end) or len(hit.text.split()) > 1 else None

    def nearest_on_line(self, page: str, start: int) -> LabelHit | None:
        """The label of any kind that stands right before `start` on its line (as `governing` reads a gap)."""
        if self._pattern is None:
            return None
        line_start = page.rfind("\n", 0, start) + 1
        before = self._governing_hits(page[line_start:start], line_start, None)
        if not before or not _governs_across(page[before[-1].end : start]):
            return None
        return before[-1]

    def date_named_before(self, page: str, start: int) -> tuple[LabelHit, str] | None:
        """A date label before `start` on its line that names another date between them: the label and that date.

        In `Invoice date: 01.03.2024, payable until 15.03.2024` the label names 01.03.2024; the date after it is
        unlabelled (`governing` finds no label for it), but it is not what `Invoice date` says.
        """
        if self._pattern is None:
            return None
        line_start = page.rfind("\n", 0, start) + 1
        before = self._governing_hits(page[line_start:start], line_start, "date")
        if not before:
            return None
        gap = page[before[-1].end : start]
        dates = find_dates(gap)
        if not dates or not _governs_across(gap[: dates[0].start]):
            return None
        return before[-1], gap[dates[0].start : dates[0].end]

    def _heading(self, page: str, line_start: int, columns: tuple[int, int], kind: str, lines: int) -> LabelHit | None:
        end = line_start - 1
        for _ in range(lines):
            if end < 0:
                return None
            begin = page.rfind("\n", 0, end) + 1
            line = page[begin:end]
            if not line.strip():
                return None  # a blank line ends the block
            hits = self.find(line, begin, others=True)
            if hits:
                heading = _heading_label(line, begin, hits, columns)
                return heading if heading is not None and heading.names(kind) else None
            end = begin - 1
        return None


def _heading_label(line: str, begin: int, hits: Sequence[LabelHit], columns: tuple[int, int]) -> LabelHit | None:
    """The label of a heading line that stands over the value at `columns` (its column and its width)."""
    column, width = columns
    rest = list(line)
    for hit in hits:
        rest[hit.start - begin : hit.end - begin] = " " * (hit.end - hit.start)
    if any(char.isalnum() for char in rest):
        return None  # a label with its own value ("Nummer: 549910"): not a heading of what follows
    if len(hits) == 1:
        return hits[0]
    aligned = [hit for hit in hits if abs(hit.start - begin - column) <= COLUMN_SLACK]
    if len(aligned) == 1:
        return aligned[0]
    if width:  # figures are set flush right under their headings: aligned by their ends, or under one label
        ends = [hit for hit in hits if abs(hit.end - begin - (column + width)) <= COLUMN_SLACK]
        if len(ends) == 1:
            return ends[0]
        under = [hit for hit in hits if hit.start - begin < column + width and column < hit.end - begin]
        if len(under) == 1:
            return under[0]
    # Not aligned (text layers rarely keep columns), but every label says the same: that is the heading.
    return hits[0] if len({hit.owners for hit in hits}) == 1 else None
