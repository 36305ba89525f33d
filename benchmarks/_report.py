"""Printing repeated, interleaved measurements: one row per repetition, then the median and the minimum."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping, Sequence


def milliseconds(work: Callable[[], object]) -> float:
    """Milliseconds `work()` took."""
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def table(columns: Mapping[str, Sequence[float]], digits: int = 1) -> None:
    """Print each column's value per repetition, then its median and min (columns of equal length)."""
    width = max(12, *(len(name) + 2 for name in columns))
    print("rep".ljust(8) + "".join(name.rjust(width) for name in columns))
    rows = max(len(values) for values in columns.values())
    for index in range(rows):
        print(f"{index + 1:<8}" + "".join(f"{values[index]:{width}.{digits}f}" for values in columns.values()))
    print("median".ljust(8) + "".join(f"{statistics.median(v):{width}.{digits}f}" for v in columns.values()))
    print("min".ljust(8) + "".join(f"{min(v):{width}.{digits}f}" for v in columns.values()))


def ratio_of_medians(numerator: Sequence[float], denominator: Sequence[float]) -> float:
    """median(numerator) / median(denominator)."""
    return statistics.median(numerator) / statistics.median(denominator)


def per_rep_ratio(numerator: Sequence[float], denominator: Sequence[float]) -> list[float]:
    """The ratio within each repetition (A and B measured back to back)."""
    return [a / b for a, b in zip(numerator, denominator, strict=True)]
