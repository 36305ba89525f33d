"""Seconds the offline reading of one text takes (classification and every built-in extractor), by text size.

Usage:
    python benchmarks/text_reading_time.py [--sizes 10000,40000,100000] [--texts amounts,digits,printable,html]

Texts, each (but for its title) one long line, the shapes that made the reading quadratic before it was made linear:
- amounts: a title line "INVOICE", then "1.00 " repeated `size` times;
- digits: `size` characters drawn from digits, separators, spaces and currency signs and codes;
- printable: `size` characters drawn from `string.printable`;
- html: `size` random bytes named `.html`, parsed and masked as a run would.
Each text is read once (no repeats: the point is how time grows with size, not a precise figure). Doubling the
size should roughly double the time; the document limits (CLAIMFLOW_MAX_PAGE_CHARS, 500,000 by default)
keep any one page below the largest size here.

Measured on the shared 2-core machine (load average about 5, so read the growth, not the figures), seconds of
the invoice extractor alone over "INVOICE" and `1.00 ` repeated:
- before: 10,000 15.1 s, 20,000 70.1 s (quadratic; 40,000 took 61 s through one extractor, over 4 minutes here);
- after: 10,000 1.9 s, 20,000 3.9 s, 40,000 7.0 s, 80,000 11.4 s.
Classification and all three extractors, before -> after: `1.00 ` x 10,000 (no title) 24.1 s -> 4.1 s;
printable 40,000 22.2 s -> 1.8 s; digits 20,000 over 200 s (stopped) -> 2.5 s, and 100,000 9.5 s after.
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import time
from collections.abc import Callable

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.backends import rules
from claimflow.runtime.ingest import IngestLimits, parse_document
from claimflow.state.masking import mask_pages


def _amounts(size: int) -> tuple[str, ...]:
    return ("INVOICE\n" + "1.00 " * size,)


def _drawn(alphabet: str) -> Callable[[int], tuple[str, ...]]:
    def make(size: int) -> tuple[str, ...]:
        rng = random.Random(3)
        return ("".join(rng.choice(alphabet) for _ in range(size)),)

    return make


def _html(size: int) -> tuple[str, ...]:
    unlimited = IngestLimits(max_page_chars=10**9, max_chars=10**9)
    return parse_document(random.Random(7).randbytes(size), "random.html", unlimited).pages


TEXTS: dict[str, Callable[[int], tuple[str, ...]]] = {
    "amounts": _amounts,
    "digits": _drawn("0123456789.,  $€EUR\t"),
    "printable": _drawn(string.printable),
    "html": _html,
}


def read(pages: tuple[str, ...]) -> dict[str, float]:
    """Seconds for masking, classification and each built-in extractor over `pages`."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    masked = mask_pages(pages, None).pages
    timings["mask"] = time.perf_counter() - started
    started = time.perf_counter()
    rules.classify(masked, BUILTIN_TYPES)
    timings["classify"] = time.perf_counter() - started
    for doc_type in BUILTIN_TYPES:
        started = time.perf_counter()
        rules.extract(doc_type, masked)
        timings[doc_type.name] = time.perf_counter() - started
    return timings


def main() -> None:
    """Print one line per text and size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,40000,100000")
    parser.add_argument("--texts", default=",".join(TEXTS))
    args = parser.parse_args()
    for name in args.texts.split(","):
        for size in map(int, args.sizes.split(",")):
            pages = TEXTS[name](size)
            timings = read(pages)
            parts = "  ".join(f"{step} {seconds:6.2f}" for step, seconds in timings.items())
            chars = sum(map(len, pages))
            sys.stdout.write(
                f"{name:9} {size:>8,} ({chars:>9,} chars)  total {sum(timings.values()):6.2f} s  {parts}\n"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
