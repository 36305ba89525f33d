"""Invoice totals: labelled amounts, cross-checked by arithmetic (net + tax = total).

A label alone is weak evidence: "Total" may be a subtotal, a page total or the amount still due.
Three labelled amounts that add up are strong evidence, so confidence follows the arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import product

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._labels import AmountRole, amount_role
from claimflow.runtime.backends.rules._lines import Line, Span, span_of
from claimflow.runtime.backends.rules._values import money_in
from claimflow.state.normalize import format_amount

# How specific a label is for its role: "Gesamtbetrag brutto" says more than "Betrag".
_STRENGTH: dict[AmountRole, int] = {"gross": 3, "total": 2, "due": 1, "net": 3, "lines": 1, "tax": 2}
_MAX_LABEL = 70


@dataclass(frozen=True)
class Amount:
    """One labelled amount."""

    role: AmountRole
    value: Decimal
    span: Span
    line: int
    last_on_line: bool


def _next_line_value(lines: Sequence[Line], i: int) -> tuple[Line, int, Decimal] | None:
    # Tables often print the label above its value; accept a next line that holds only the amount.
    if i + 1 >= len(lines) or lines[i + 1].page != lines[i].page:
        return None
    nxt = lines[i + 1]
    monies = [m for m in money_in(nxt.text) if m.has_cents]
    if len(monies) != 1 or len(nxt.text) > (monies[0].end - monies[0].start) + 6:
        return None
    return nxt, monies[0].end, monies[0].value


def labelled_amounts(lines: Sequence[Line]) -> list[Amount]:
    """Every amount that follows a total, net or tax label on its line (or just below it)."""
    found: list[Amount] = []
    for i, line in enumerate(lines):
        monies = [m for m in money_in(line.text) if m.has_cents]
        label = line.text[: monies[0].start] if monies else line.text
        if not label.strip() or len(label) > _MAX_LABEL:
            continue
        role = amount_role(label)
        if role is None or role == "skip":
            continue
        if monies:
            for m in monies:
                span = span_of(line, 0, m.end)
                found.append(Amount(role, m.value, span, line.index, m is monies[-1]))
        elif below := _next_line_value(lines, i):
            nxt, end, value = below
            found.append(Amount(role, value, Span(line.page, line.start, nxt.start + end), line.index, True))
    return found


def _score(*amounts: Amount) -> float:
    return sum(_STRENGTH[a.role] + (0.5 if a.last_on_line else 0.0) for a in amounts)


def _finding(field: str, amount: Amount, confidence: float) -> Finding:
    return Finding(field, format_amount(amount.value), confidence, amount.span)


def _arithmetic(amounts: Sequence[Amount]) -> list[Finding] | None:
    # A credit note's sums are all negative: net, tax and total of one sign (a tax of zero goes with either).
    totals = [a for a in amounts if a.role in ("gross", "total", "due") and a.value]
    nets = [a for a in amounts if a.role in ("net", "lines") and a.value]
    taxes = [a for a in amounts if a.role == "tax"]
    ranked: list[tuple[float, Amount, Amount, Amount | None]] = []
    for g, n, t in product(totals, nets, [*taxes, None]):
        tax = t.value if t else Decimal(0)
        one_sign = (n.value > 0) == (g.value > 0) and tax * g.value >= 0
        if not one_sign or n.value + tax != g.value or (t is not None and t.span == n.span):
            continue
        # Without a printed tax, net = total is weaker evidence than a sum that adds up.
        score = _score(g, n) + (_score(t) if t else -1.0) + (0.5 if g.line > n.line else 0.0)
        ranked.append((score, g, n, t))
    if not ranked:
        return None
    ranked.sort(key=lambda item: -item[0])
    score, g, n, t = ranked[0]
    rivals = {item[1].value for item in ranked if item[0] == score}
    doubt = 0.15 if len(rivals) > 1 else 0.0
    weak_total = 0.07 if g.role == "due" else 0.0
    weak_net = 0.15 if n.role == "lines" else 0.0
    if t is None:
        return [
            _finding("total_amount", g, 0.82 - doubt - weak_total - weak_net),
            _finding("net_amount", n, 0.75 - doubt - weak_net),
        ]
    return [
        _finding("total_amount", g, 0.93 - doubt - weak_total),
        _finding("net_amount", n, 0.9 - doubt - weak_net),
        _finding("tax_amount", t, 0.9 - doubt),
    ]


def _single(amounts: Sequence[Amount], roles: tuple[AmountRole, ...], field: str, top: float) -> Finding | None:
    pool = [a for a in amounts if a.role in roles and a.value > 0]
    if not pool:
        return None
    best_role = min(pool, key=lambda a: roles.index(a.role)).role
    pool = [a for a in pool if a.role == best_role and a.last_on_line] or pool
    values = {a.value for a in pool}
    # The last of several is usually the final figure; several different values mean real doubt.
    chosen = pool[-1] if len(values) > 1 else pool[0]
    confidence = top - 0.1 * roles.index(best_role) - (0.15 if len(values) > 1 else 0.0)
    return _finding(field, chosen, confidence)


def invoice_totals(lines: Sequence[Line]) -> list[Finding]:
    """Findings for total_amount, net_amount and tax_amount."""
    amounts = labelled_amounts(lines)
    if checked := _arithmetic(amounts):
        return checked
    out = [
        _single(amounts, ("gross", "total", "due"), "total_amount", 0.72),
        _single(amounts, ("net",), "net_amount", 0.6),
        _single(amounts, ("tax",), "tax_amount", 0.55),
    ]
    return [f for f in out if f is not None]
