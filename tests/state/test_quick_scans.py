"""The quick scans change no find: only where, and how fast, the patterns are tried.

A pattern of the masking detectors, the date, currency or amount finder led by a lookahead of the characters it can
open with (`(?=[+0(])`) is tried only at those characters; `emails.find` runs its address patterns only on a text
holding an at-sign, or a written-out dot for an address spelled out; `find_dates` and `find_amounts` read no text
without a digit. Each must find exactly what the pattern without the shortcut finds. Texts are built from pieces
that make numbers, addresses, labels, IBANs, dates and currencies (and near misses of each) in every order, so a
lookahead that left out a character a find can open with ("(" of "(+49) 30 ...") makes one of them differ.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from functools import cache
from types import ModuleType

import pytest

from claimflow.state._masking import cards, emails, ibans, national_ids, phones, truncated_cards
from claimflow.state.normalize import amounts, currency, dates

PIECES = (
    "Tel", "Tel.:", "TEL", "Phone", "phone no", "Fax", "Tel/Fax:", "Mobile", "Téléphone", "Teléfono", "call", "cell",
    "Handy", "tlf", "+49", "+1", "+44 ", "(+49)", "(0049)", "0049", "00", "(0)", "(030)", "030", "0171", "1", "12",
    "555", "123-4567", "123", "4567", "1234", "7946", "0958", "2024", "19", "20", "4111", "5500", "0000", "1111",
    "DE89", "3704", "0044", "0532", "0130", "GB29", "NWBK", "6016", "IBAN", "iban:", "jane", "o'brien", "j.doe",
    "@", "\uff20", "(at)", "[AT]", " at ", " dot ", "(dot)", "[dot]", "example", ".com", ".de", "com", "localhost",
    "mail", "x", "No", "nr", "Total", "EUR", "12,50", "1.234,56", " ", " ", " ", "  ", "\u00a0", "\n", "\n", "-",
    "\u2013", ".", ",", "/", ":", "\t", "(", ")", "4111 1111 1111 1111", "5500-0000-0000-0004", "DE 89",
    "12.03.2024", "3 March 2024", "March 3, 2024", "2024-03-12", "12/03/24", "15th day of ", "May", ", 2020",
    "1er janvier 2024", "Dez.", "août", "Oct", "31", "USD", "CHF", "eur", "€", "£", "$", "Rs", "kr",
    "-12.50", "\u22123,00", "1 234,56", "1\u00a0234.56", "(12.00)", "0.125", "2,5000", "12%", "CR", "DR",
    "RM", "zł", "US$", "HK$", "Fr.", "euro", "EUROS", "Ringgit", "Kč", "Ft", "₹",
    "Tel: 0171\n1234567", "+44 20\n7946 0958", "1 555 123 4567", "+1 555 123 4567", "555-123-4567",
    "(555) 123-4567", "555.123.4567",
    "SSN", "Soc. Sec. No.", "123-45-6789", "45", "6789", "AB", "AB 12 34 56 C", "NI number", "BSN", "111222333",
    "Steuer-ID", "IdNr.", "86 095 742 719", "NIR", "2 69 05 49 588 157 80", "DNI", "NIE", "12345678Z", "X1234567L",
    "****", "XXXX", "11**", "\u2022\u2022\u2022\u2022", "xxxx", "Card ending ", "VISA ends with ",
    " ext. ", "x", "(ext 12)",
)  # fmt: skip
TEXTS = 4000
"""Texts built; each of 3 to 40 pieces."""


@cache
def _texts(seed: int = 7) -> tuple[str, ...]:
    """The texts of one seed, built once for every test that reads them."""
    rng = random.Random(seed)
    return tuple("".join(rng.choice(PIECES) for _ in range(rng.randint(3, 40))) for _ in range(TEXTS))


_LEADING_LOOKAHEAD = re.compile(r"^((?:\(\?i\))?)\(\?=(?:\[[^\]]*\]|\\d)\)")


def _quick_patterns(module: ModuleType) -> Iterator[tuple[str, re.Pattern[str]]]:
    for name, value in vars(module).items():
        if isinstance(value, re.Pattern) and _LEADING_LOOKAHEAD.match(value.pattern):
            yield f"{module.__name__.rsplit('.', 1)[-1]}.{name}", value


def _plain(quick: re.Pattern[str]) -> re.Pattern[str]:
    """`quick` without its leading lookahead."""
    plain = re.compile(_LEADING_LOOKAHEAD.sub(r"\1", quick.pattern), quick.flags)
    assert plain.pattern != quick.pattern
    return plain


QUICK = dict(
    item
    for module in (phones, cards, truncated_cards, ibans, national_ids, dates, currency, amounts)
    for item in _quick_patterns(module)
)


def test_the_patterns_that_open_with_a_lookahead_are_all_checked() -> None:
    assert {
        "phones._INTERNATIONAL", "phones._US", "phones._US_SPACED", "phones._NATIONAL", "phones._LABELLED",
        "phones._LABELLED_WRAPPED", "phones._LABEL_ABOVE", "phones._INTERNATIONAL_WRAPPED", "cards._GROUPED",
        "cards._WRAPPED", "cards._COMPACT", "ibans._START", "ibans._SPACED_START", "dates._ISO", "dates._NUMERIC",
        "dates._DAY_MONTH_YEAR", "dates._MONTH_DAY_YEAR", "currency._CODE", "currency._SYMBOL",
        "amounts._GROUPED", "amounts._PLAIN", "amounts._SPACED", "national_ids._LABEL", "national_ids._SSN",
        "national_ids._NINO", "truncated_cards._SHAPE",
    } <= set(QUICK)  # fmt: skip


@pytest.mark.parametrize("name", sorted(QUICK))
def test_a_leading_lookahead_finds_what_the_pattern_without_it_finds(name: str) -> None:
    quick = QUICK[name]
    plain = _plain(quick)
    found = 0
    for text in _texts():
        spans = [m.span() for m in quick.finditer(text)]
        assert spans == [m.span() for m in plain.finditer(text)], text
        found += len(spans)
    assert found > 0  # the texts make finds of every pattern, or the comparison would say nothing


def _emails_without_shortcuts(text: str) -> list[tuple[int, int]]:
    """`emails.find` as it read before the quick scans: both patterns over every text."""
    spans = [(m.start(), end) for m in emails._ADDRESS.finditer(text) if (end := emails._address_end(m)) is not None]
    spans += [m.span() for m in emails._SPELLED_OUT.finditer(text) if emails._real_top_level_domain(m["domain"])]
    return spans


def test_emails_skipped_scans_lose_no_address() -> None:
    found = skipped = 0
    for text in _texts(seed=11):
        spans = list(emails.find(text))
        assert spans == _emails_without_shortcuts(text), text
        found += len(spans)
        skipped += emails._AT_ANYWHERE.search(text) is None or emails._DOT_WORD.search(text) is None
    assert found > 0 and skipped > 0


@pytest.mark.parametrize(
    "text",
    [
        "jane (at) example (dot) com",
        "write to jane at example dot com today",
        "jane\uff20example.com",
        "root@localhost",
        "no address here, only 12.50 EUR",
    ],
)
def test_emails_found_as_before_on_written_out_forms(text: str) -> None:
    assert list(emails.find(text)) == _emails_without_shortcuts(text)


def test_find_dates_finds_what_it_found_without_its_quick_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(seed=13)
    quick = [dates.find_dates(text) for text in texts]
    monkeypatch.setattr(dates, "_DIGIT", re.compile(""))  # every text read
    for name in ("_ISO", "_NUMERIC", "_DAY_MONTH_YEAR", "_MONTH_DAY_YEAR"):
        monkeypatch.setattr(dates, name, _plain(getattr(dates, name)))
    assert quick == [dates.find_dates(text) for text in texts]
    assert sum(map(len, quick)) > 100 and sum(not found for found in quick) > 100


def test_find_amounts_finds_what_it_found_without_its_quick_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(seed=17)
    quick = [amounts.find_amounts(text) for text in texts]
    monkeypatch.setattr(amounts, "_DIGIT", re.compile(""))  # every text read
    for name in ("_GROUPED", "_PLAIN", "_SPACED"):
        monkeypatch.setattr(amounts, name, _plain(getattr(amounts, name)))
    assert quick == [amounts.find_amounts(text) for text in texts]
    assert sum(map(len, quick)) > 100 and sum(not found for found in quick) > 10


@pytest.mark.parametrize("name", ["_DAY_MONTH_YEAR", "_MONTH_DAY_YEAR", "_NO_SHORT_YEAR_AFTER"])
def test_month_names_grouped_by_first_letter_find_what_one_alternation_finds(name: str) -> None:
    grouped = getattr(dates, name)
    one_alternation = "|".join(sorted(map(re.escape, dates._MONTHS), key=len, reverse=True))
    assert dates._MONTH_NAMES in grouped.pattern
    plain = re.compile(grouped.pattern.replace(dates._MONTH_NAMES, one_alternation), grouped.flags)
    texts = [*_texts(seed=19), *(f"{day} {month} 2024" for day in ("1", "15th", "3.") for month in dates._MONTHS)]
    found = 0
    for text in texts:
        spans = [(m.span(), m.groupdict()) for m in grouped.finditer(text)]
        assert spans == [(m.span(), m.groupdict()) for m in plain.finditer(text)], text
        found += len(spans)
    assert found > len(dates._MONTHS)
