"""Short, realistic till receipts as text files, for the engine benchmarks.

Each receipt has a registered shop name, a street address with a postcode closed by a phone line, a dated
sale, a few items and a total, so the offline `rules` backend reads it with confidence and the run completes
without review. `seed` varies shops, items and numbers, so no two receipts of one batch (nor of two batches
with different seeds) are duplicates of each other.
"""

from __future__ import annotations

import random
from pathlib import Path

SHOPS = (
    ("Tailspin Coffee Ltd", "Hauptstrasse 12", "10115 Berlin", "EUR"),
    ("Northwind Bakery GmbH", "Lindenweg 4", "80331 Muenchen", "EUR"),
    ("Contoso Market BV", "Damstraat 21", "1012 JM Amsterdam", "EUR"),
    ("Fabrikam Books SARL", "12 rue de la Paix", "75002 Paris", "EUR"),
    ("Wingtip Hardware AG", "Bahnhofstrasse 8", "8001 Zuerich", "CHF"),
)
ITEMS = (
    ("Flat white", "3.20"),
    ("Croissant", "2.80"),
    ("Rye bread", "4.10"),
    ("Notebook A5", "6.90"),
    ("Batteries AA 4x", "5.49"),
    ("Orange juice", "2.60"),
    ("Screwdriver set", "12.95"),
    ("Paperback", "9.99"),
)


def receipt_text(number: int, rng: random.Random) -> str:
    """One receipt: shop, address, phone, number, date and time, two to four items, total, cash and change."""
    name, street, town, currency = SHOPS[number % len(SHOPS)]
    lines = [name, street, town, f"Tel: +49 30 {rng.randint(1000000, 9999999)}", "RECEIPT"]
    lines += [f"Receipt No: R-{number:06d}-{rng.randint(100, 999)}", "Cashier: Anna"]
    lines.append(
        f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2024 {rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}"
    )
    cents = 0
    for item, price in rng.sample(ITEMS, rng.randint(2, 4)):
        quantity = rng.randint(1, 3)
        amount = quantity * round(float(price) * 100)
        cents += amount
        lines.append(f"{item} {quantity} x {price}  {amount / 100:.2f}")
    paid = (cents // 1000 + 1) * 1000
    lines += [f"TOTAL {currency} {cents / 100:.2f}", f"CASH {paid / 100:.2f}", f"CHANGE {(paid - cents) / 100:.2f}"]
    lines.append("Thank you for your visit")
    return "\n".join(lines) + "\n"


def write_receipts(folder: Path, count: int, seed: int = 0) -> list[Path]:
    """Write `count` receipts into `folder` (created if needed) and return their paths in order."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        path = folder / f"receipt-{seed:03d}-{index:04d}.txt"
        path.write_text(receipt_text(seed * 10_000 + index, rng), encoding="utf-8")
        paths.append(path)
    return paths
