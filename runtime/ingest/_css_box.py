"""Where and how big CSS draws a box: the ways a box is put out of sight with all it holds.

A box is out of sight when it is placed far off the page (offsets, margins, indents), drawn at no size
(scaled to nothing, or at most a pixel wide or high with its overflow hidden), or clipped to nothing (`clip`
on an absolutely placed box, or a `clip-path` shape of no area). Sizes given in percentages of a box whose
size is unknown here count only where they are decisive whatever that size is (`inset(50%)`, `circle(0)`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from claimflow.runtime.ingest._css_units import Dimension, dimension, length_pixels

__all__ = ["MIN_BOX_PIXELS", "OFF_SCREEN_PIXELS", "clipped_away", "collapsed", "off_screen"]

OFF_SCREEN_PIXELS = 1000.0
"""An element placed this far or further left of or above the page (`left:-9999px`, `text-indent:-9999px`,
`margin-left:-10000px`) is off the screen: no page is scrolled that way."""
MIN_BOX_PIXELS = 1.0
"""A box this narrow or this low that hides its overflow shows no readable text (the "visually hidden"
pattern's `width:1px; height:1px; overflow:hidden`)."""

_PLACED = ("absolute", "fixed")
_SCALE = re.compile(r"\bscale[xyz3d]*\((?P<args>[^()]*)\)")
_SHAPE = re.compile(r"\b(?P<name>inset|circle|ellipse|polygon)\((?P<args>[^()]*)\)")
_RECT = re.compile(r"^rect\((?P<args>[^()]*)\)$")
_FILL_RULES = ("nonzero", "evenodd")


def off_screen(found: Mapping[str, str]) -> bool:
    """Placed far off the page: far to the left, or (placed absolutely) far above it.

    Left counts the offset, margin and padding together, and the first line's indent on top of them.
    """
    placed = found.get("position") in _PLACED
    top = length_pixels(found.get("top", "")) if placed else None
    if top is not None and top <= -OFF_SCREEN_PIXELS:
        return True
    # Padding gives back what a margin or offset takes (`margin-left:-9999px; padding-left:9999px` shows the text);
    # a negative padding is not valid CSS and is ignored.
    offset = length_pixels(found.get("left", "")) if placed else None
    shift = (offset or 0.0) + (length_pixels(found.get("margin-left", "")) or 0.0)
    shift += max(length_pixels(found.get("padding-left", "")) or 0.0, 0.0)
    indent = length_pixels(found.get("text-indent", "")) or 0.0
    return min(shift, shift + indent) <= -OFF_SCREEN_PIXELS


def _scaled_away(transform: str) -> bool:
    """True if a `scale()`, `scaleX()` or `scaleY()` of the transform has a factor of zero."""
    for match in _SCALE.finditer(transform):
        for factor in re.split(r"[\s,]+", match["args"].strip()):
            try:
                if float(factor) == 0:
                    return True
            except ValueError:
                continue
    return False


def _hides_overflow(value: str) -> bool:
    return value in ("hidden", "clip")


def collapsed(found: Mapping[str, str]) -> bool:
    """Drawn at no size: scaled to nothing, or a box at most a pixel wide or high that hides what overflows it."""
    if _scaled_away(found.get("transform", "")):
        return True
    overflow = found.get("overflow", "").split()
    # `overflow: <x> <y>`; one value sets both.
    across = found.get("overflow-x") or (overflow[0] if overflow else "")
    down = found.get("overflow-y") or (overflow[-1] if overflow else "")
    for hides, names in ((across, ("width", "max-width")), (down, ("height", "max-height"))):
        if not _hides_overflow(hides):
            continue
        for name in names:
            size = length_pixels(found.get(name, ""))
            if size is not None and size <= MIN_BOX_PIXELS:
                return True
    return False


def _clip_rect_empty(value: str) -> bool:
    """True if `clip: rect(top, right, bottom, left)` leaves nothing: bottom not below top, or right not past left.

    `auto` is the box's own edge, whose place is not known here: only two lengths are compared.
    """
    match = _RECT.match(value.strip())
    if match is None:
        return False
    edges = [length_pixels(edge) for edge in re.split(r"\s*,\s*|\s+", match["args"].strip())]
    if len(edges) != 4:
        return False
    top, right, bottom, left = edges
    return (top is not None and bottom is not None and bottom <= top) or (
        left is not None and right is not None and right <= left
    )


def _no_span(near: Dimension | None, far: Dimension | None) -> bool:
    """True if insets from both sides meet: a share of 100% or more, and no negative length to give it back."""
    if near is None or far is None:
        return False
    share = sum(number for number, unit in (near, far) if unit == "%")
    pixels = sum(number for number, unit in (near, far) if unit == "px")
    return share >= 100 and pixels >= 0


def _inset_empty(args: str) -> bool:
    values = [dimension(value) for value in args.split(" round ")[0].split()]
    if not 1 <= len(values) <= 4:
        return False
    top, right, bottom, left = _sides(values)
    return _no_span(top, bottom) or _no_span(left, right)


def _sides(values: list[Dimension | None]) -> tuple[Dimension | None, ...]:
    """Top, right, bottom and left of one to four values, as `margin` spreads them."""
    if len(values) == 1:
        return values[0], values[0], values[0], values[0]
    if len(values) == 2:
        return values[0], values[1], values[0], values[1]
    if len(values) == 3:
        return values[0], values[1], values[2], values[1]
    return tuple(values)


def _radii_empty(args: str, count: int) -> bool:
    """True if a `circle()` radius or either `ellipse()` radius is zero."""
    radii = args.split(" at ")[0].split()
    return len(radii) == count and any(dimension(radius) == (0.0, "px") for radius in radii)


def _polygon_empty(args: str) -> bool:
    """True if the polygon's points all lie on one line (or are one point): it encloses no area.

    Each axis must use one kind of unit (zeros go with any): scaling one axis keeps points on a line, so
    percentages and pixels need not be converted, but a line through both cannot be judged.
    """
    parts = [part.strip() for part in args.split(",")]
    if parts and parts[0] in _FILL_RULES:
        parts = parts[1:]
    points: list[tuple[float, float]] = []
    units: tuple[set[str], set[str]] = (set(), set())
    for part in parts:
        coordinates = [found for value in part.split() if (found := dimension(value)) is not None]
        if len(coordinates) != 2 or len(part.split()) != 2:
            return False
        for axis, (number, unit) in enumerate(coordinates):
            if number != 0:
                units[axis].add(unit)
        points.append((coordinates[0][0], coordinates[1][0]))
    if not points or len(units[0]) > 1 or len(units[1]) > 1:
        return False
    first = points[0]
    second = next((point for point in points if point != first), None)
    if second is None:
        return True
    dx, dy = second[0] - first[0], second[1] - first[1]
    return all(abs(dx * (y - first[1]) - dy * (x - first[0])) < 1e-9 for x, y in points)


def _shape_empty(value: str) -> bool:
    """True if a `clip-path` basic shape encloses no area; other values (`url()`, a box keyword) are kept."""
    match = _SHAPE.search(value)
    if match is None:
        return False
    name, args = match["name"], re.sub(r"\s+", " ", match["args"].strip())
    if name == "inset":
        return _inset_empty(args)
    if name == "polygon":
        return _polygon_empty(args)
    return _radii_empty(args, 1 if name == "circle" else 2)


def clipped_away(found: Mapping[str, str]) -> bool:
    """Clipped to nothing: `clip: rect()` of no area on an absolutely placed box, or a `clip-path` of no area."""
    if found.get("position") in _PLACED and _clip_rect_empty(found.get("clip", "")):
        return True
    return _shape_empty(found.get("clip-path", ""))
