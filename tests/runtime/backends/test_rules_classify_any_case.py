"""The offline classifier's case-free patterns find, on a line lowered once, what they find on the line itself.

`_AnyCase` searches an ASCII line for a pattern that ignores case as that pattern's case-matching twin in the line
lowered. Lines are built from the patterns' own words in every case, and near misses, so a twin that disagreed
with its pattern (a letter written in upper case, an escape such as `\\W` lowered to `\\w`) would show.
"""

from __future__ import annotations

import random
import re
from functools import cache

import pytest

from claimflow.runtime.backends.rules import _classify
from claimflow.runtime.backends.rules._classify import _ANY_CUE, _REAL_INVOICE, _SETTLED, _AnyCase, _lowered
from claimflow.runtime.backends.rules._lines import split_lines

WORDS = (
    "invoice", "number", "no", "date", "#", "due", "payment", "terms", "bill", "to", "buyer", "vat", "id", "reg",
    "iban", "bic", "swift", "bank", "details", "purchase", "order", "po", "net", "30", "days", "subtotal", "ttc",
    "cashier", "kasse", "server", "change", "cash", "tendered", "bar", "thank", "you", "y0u", "rounding", "qty",
    "table", "visa", "mastercard", "card", "approval", "code", "member", "receipt", "bill no", "12.03.2024", "18:46",
    "whereas", "hereby", "agree", "governing", "law", "confidential", "information", "witness", "signature",
    "terminate", "shall", "not", "be", "indemnify", "liability", "mwst", "tva", "iva", "btw", "remittance",
    "zahlungsbedingungen", "bankverbindung", "purchaser", "cashback", "tab", "invoiced", "dues", "a", "x1",
    " ", " ", " ", ":", "-", ".", ",", "/", "(", ")", "_", "1", "42",
)  # fmt: skip
LINES = 3000


def _cased(word: str, rng: random.Random) -> str:
    form = rng.randrange(4)
    if form == 0:
        return word
    if form == 1:
        return word.upper()
    if form == 2:
        return word.title()
    return "".join(c.upper() if rng.random() < 0.5 else c for c in word)


@cache
def _lines(seed: int) -> tuple[str, ...]:
    rng = random.Random(seed)
    return tuple(" ".join(_cased(rng.choice(WORDS), rng) for _ in range(rng.randint(1, 9))) for _ in range(LINES))


def _gates() -> list[tuple[str, _AnyCase]]:
    named = [(f"cues of {kind}", gate) for kind, gate in _ANY_CUE.items() if gate is not None]
    return [*named, ("real invoice", _REAL_INVOICE), ("settled", _SETTLED)]


@pytest.mark.parametrize(("name", "gate"), _gates(), ids=[name for name, _ in _gates()])
@pytest.mark.parametrize("seed", [1, 2])
def test_a_lowered_ascii_line_is_found_as_the_pattern_finds_the_line(name: str, gate: _AnyCase, seed: int) -> None:
    found = 0
    for text in _lines(seed):
        expected = gate.pattern.search(text) is not None
        assert gate.found(text, text.lower()) == expected, (name, text)
        found += expected
    assert 0 < found < LINES  # the lines hold both: matches and misses


def test_the_gates_have_twins_and_a_pattern_with_upper_case_has_none() -> None:
    assert all(gate._twin is not None for _, gate in _gates())  # else the classifier searches as before, slowly
    summary = _AnyCase(_classify._TAX_SUMMARY)  # written with \W: lowered it would mean \w
    assert summary._twin is None
    assert summary.found("VAT@20% incl.", "vat@20% incl.") == bool(_classify._TAX_SUMMARY.search("VAT@20% incl."))
    assert _AnyCase(re.compile("cash"))._twin is None  # a pattern that matches case is searched as it is
    # A character outside ASCII that folds to an ASCII letter: the twin would miss "CASH" and "tip".
    for folding in (re.compile("ca\u017fh", re.IGNORECASE), re.compile("t\u0131p", re.IGNORECASE)):
        assert _AnyCase(folding)._twin is None
        assert _AnyCase(folding).found("CASH TIP", "cash tip")


def test_a_line_that_is_not_ascii_is_searched_as_it_is() -> None:
    lines = list(split_lines(["Caſh 60.00\nCASH 60.00\nEspèces 60,00"]))
    lowered = _lowered(lines)
    assert lowered == (None, "cash 60.00", None)
    # The long s folds to an s when case is ignored: its line is found, as the pattern finds it.
    assert _SETTLED.pattern.search(lines[0].text) is not None
    assert [_SETTLED.found(line.text, low) for line, low in zip(lines, lowered, strict=True)] == [True, True, True]
