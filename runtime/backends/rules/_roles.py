"""Whose block a line of an invoice is in: the seller's, the buyer's, or a delivery address's.

Invoices print each party as a block under a heading ("Verkäufer", "Bill to:", "Käufer/Leistungsempfänger",
"Ship to"), or the buyer as the addressee under a window-envelope sender line ("Acme GmbH · Street 1 · 12345
Town"). A block runs from its heading to the next heading, or for a few lines. A line outside every block has
no role: a letterhead or a footer, which is the seller's more often than not, but not surely.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from claimflow.runtime.backends.rules._lines import Line
from claimflow.runtime.backends.rules._values import money_in

Role = Literal["seller", "buyer", "delivery"]

SELLER_WORDS = (
    r"seller|vendor|supplier|sold\s+by|issued\s+by|verk[äa]ufer|lieferant|rechnungssteller|leistungserbringer"
    r"|fournisseur|vendeur|[ée]metteur|proveedor|emisor|vendedor|fornitore|cedente(?:\s+prestatore)?"
    r"|leverancier|verkoper"
)
"""What a seller's block is headed, and a seller named after (`Seller: Acme Ltd`)."""
_BUYER_WORDS = (
    r"bill(?:ed)?\s+to|invoice\s+to|sold\s+to|buyer|customer|client|k[äa]ufer(?:\s*/\s*leistungsempf[äa]nger)?"
    r"|kunde|rechnungsempf[äa]nger|leistungsempf[äa]nger|rechnungsadresse|acheteur|destinataire|factur[ée]\s+[àa]"
    r"|adresse\s+(?:du\s+client|de\s+facturation)|cliente|comprador|klant|afnemer|committente"
)
_DELIVERY_WORDS = (
    r"ship(?:ped)?\s+to|deliver(?:ed)?\s+to|delivery\s+address|(?:abweichender\s+)?warenempf[äa]nger|lieferadresse"
    r"|lieferanschrift|adresse\s+de\s+livraison|livr[ée]\s+[àa]|direcci[óo]n\s+de\s+entrega|afleveradres"
)


def _heading(words: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{words})\s*(?::\s*(?P<rest>.*))?$", re.IGNORECASE)


HEADINGS: dict[Role, re.Pattern[str]] = {
    "seller": _heading(rf"{SELLER_WORDS}|from|absender"),
    "buyer": _heading(_BUYER_WORDS),
    "delivery": _heading(_DELIVERY_WORDS),
}
"""A line that is a party's heading, alone or followed by a colon and the start of its block."""
BUYER_MENTION = re.compile(
    rf"\b(?:{_BUYER_WORDS}|your|yours|ihr(?:e[mnrs]?)?|vos|votre|su|vostr[oa]|uw)\b", re.IGNORECASE
)  # fmt: skip
"""Words that make a labelled value on a line the buyer's ("Customer VAT ID", "USt-IdNr. Kunde", "Vos références")."""
BLOCK_LINES = 10
"""How many lines a block runs at most past its heading."""
_INLINE_LINES = 4
"""How many lines a block runs past a heading that starts it on its own line ("Bill to: Acme Ltd"): its address."""
_ENVELOPE_LINES = 6
"""How many lines under a window-envelope sender line hold its addressee."""
_SENDER = re.compile(r"\s+[·•|]\s+")


@dataclass(frozen=True)
class Block:
    """A party's block: its role, its heading's line, and the lines under the heading that belong to it."""

    role: Role
    heading: Line
    lines: tuple[Line, ...]
    envelope: bool = False
    """The addressee under a window-envelope sender line: no heading names it, so it is a guess."""


def heading_role(line: Line) -> Role | None:
    """The role a heading line names, if it is one."""
    found = _heading_of(line)
    return found[0] if found else None


def _heading_of(line: Line) -> tuple[Role, re.Match[str]] | None:
    """The role a heading line names and its match (what follows its colon is `rest`)."""
    return next(((role, m) for role, pattern in HEADINGS.items() if (m := pattern.match(line.text))), None)


def blocks(lines: Sequence[Line], pages: Sequence[str]) -> list[Block]:
    """Every party's block, in document order; a block ends at a blank line, another heading or an amount."""
    found: list[Block] = []
    for line in lines:
        heading = _heading_of(line)
        envelope = heading is None and line.page == 1 and line.index < 15 and is_sender_line(line)
        if heading is None and not envelope:
            continue
        role: Role = heading[0] if heading else "buyer"
        inline = bool(heading and heading[1].group("rest"))
        size = _ENVELOPE_LINES if envelope else _INLINE_LINES if inline else BLOCK_LINES
        body: list[Line] = []
        previous = line
        for other in lines[line.index + 1 : line.index + 1 + size]:
            if other.page != line.page or heading_role(other) is not None or _ends_block(previous, other, pages):
                break
            body.append(other)
            previous = other
        found.append(Block(role, line, tuple(body), envelope=envelope))
    return found


def _ends_block(previous: Line, line: Line, pages: Sequence[str]) -> bool:
    """A blank line before `line`, or money on it: a party's block holds names, addresses and ids, never sums."""
    gap = pages[line.page - 1][previous.end : line.start]
    return gap.count("\n") > 1 or any(money.has_cents for money in money_in(line.text))


def roles(found: Sequence[Block]) -> dict[int, Role]:
    """The role of each line in a block (its heading included), by the line's index; the first block wins."""
    placed: dict[int, Role] = {}
    for block in found:
        for line in (block.heading, *block.lines):
            placed.setdefault(line.index, block.role)
    return placed


def is_sender_line(line: Line) -> bool:
    """A window-envelope sender line: "Acme GmbH · Street 1 · 12345 Town", parts split by dots or bars."""
    parts = _SENDER.split(line.text)
    return len(parts) >= 3 and any(re.search(r"\d", part) for part in parts[1:])
