"""Sets of text spans that answer "does this span overlap one of them?" by binary search, not by a scan.

Finding amounts or dates checks every match against the spans already taken; scanning a list for that is
quadratic in the number of matches (a line of 40,000 amounts took a minute). Kept sorted, the question costs
a logarithm.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable


class Spans:
    """Disjoint half-open spans `[start, end)`, kept in order."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    @classmethod
    def union(cls, spans: Iterable[tuple[int, int]]) -> Spans:
        """The union of spans that may overlap, merged into disjoint ones (overlap questions stay the same)."""
        merged = cls()
        for start, end in sorted(spans):
            if merged._ends and start <= merged._ends[-1]:
                merged._ends[-1] = max(merged._ends[-1], end)
            else:
                merged._starts.append(start)
                merged._ends.append(end)
        return merged

    def overlaps(self, start: int, end: int) -> bool:
        """Whether `[start, end)` shares a character with one of the spans."""
        # Disjoint spans in order have their ends in order too: the first one ending after `start` is the
        # only candidate, since every later one starts after it.
        index = bisect_right(self._ends, start)
        return index < len(self._starts) and self._starts[index] < end

    def add(self, start: int, end: int) -> None:
        """Add a span that overlaps none of them (check `overlaps` first)."""
        index = bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)


def any_within(sorted_points: list[int], low: int, high: int) -> bool:
    """Whether a sorted list holds a point in `[low, high]`."""
    index = bisect_left(sorted_points, low)
    return index < len(sorted_points) and sorted_points[index] <= high
