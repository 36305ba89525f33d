"""`eval calibrate --report`: each field's precision curve, as one self-contained HTML page or as Markdown.

For every type and field, the curve shows, per candidate threshold (a confidence the model claimed), the
precision of the values claimed at or above it and the Wilson lower bound on that precision, against the target.
The threshold chosen is the lowest confidence whose bound reaches the target with enough values; the page draws it
as a vertical line. Charts are inline SVG: no script, nothing fetched, every name escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from claimflow.evals.calibrate import CurvePoint, FieldThreshold

WIDTH, HEIGHT, MARGIN = 420, 220, 36
"""The chart's size in pixels and the room left for its axes."""

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;color:#1f2933}section{margin-bottom:2.5em}"
    "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #d5dbe1;padding:2px 8px;text-align:right}"
    "th:first-child,td:first-child{text-align:left}.chosen{font-weight:600}.legend{font-size:12px;color:#52606d}"
    "svg text{font-size:11px;fill:#52606d}"
)


def _x(confidence: float) -> float:
    return MARGIN + confidence * (WIDTH - 2 * MARGIN)


def _y(share: float) -> float:
    return HEIGHT - MARGIN - share * (HEIGHT - 2 * MARGIN)


def _polyline(points: Sequence[CurvePoint], share: str, style: str) -> str:
    # Highest confidence first in the curve; drawn left to right.
    coords = " ".join(f"{_x(p.confidence):.1f},{_y(getattr(p, share)):.1f}" for p in reversed(points))
    return f"<polyline points='{coords}' fill='none' {style}/>"


def chart(found: FieldThreshold, target: float) -> str:
    """One field's curve as an inline SVG: precision (solid), lower bound (dashed), target and chosen threshold."""
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{HEIGHT}' role='img' "
        f"aria-label='precision by threshold for {html.escape(found.field)}'>",
        f"<rect x='{MARGIN}' y='{MARGIN}' width='{WIDTH - 2 * MARGIN}' height='{HEIGHT - 2 * MARGIN}' "
        "fill='#f8fafc' stroke='#d5dbe1'/>",
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f"<text x='{_x(tick):.1f}' y='{HEIGHT - MARGIN + 14}' text-anchor='middle'>{tick:g}</text>")
        parts.append(f"<text x='{MARGIN - 4}' y='{_y(tick) + 4:.1f}' text-anchor='end'>{tick:g}</text>")
    parts.append(
        f"<line x1='{MARGIN}' x2='{WIDTH - MARGIN}' y1='{_y(target):.1f}' y2='{_y(target):.1f}' "
        "stroke='#c2410c' stroke-dasharray='2 3'/>"
    )
    if found.threshold is not None:
        x = _x(found.threshold)
        parts.append(f"<line class='threshold' x1='{x:.1f}' x2='{x:.1f}' y1='{MARGIN}' y2='{HEIGHT - MARGIN}' "
                     "stroke='#15803d' stroke-width='2'/>")  # fmt: skip
    if found.curve:
        parts.append(_polyline(found.curve, "precision", "class='precision' stroke='#1d4ed8' stroke-width='2'"))
        parts.append(_polyline(found.curve, "lower_bound", "class='bound' stroke='#1d4ed8' stroke-dasharray='5 4'"))
    for point in found.curve:  # a marker per threshold: a curve of one point is a point
        x = _x(point.confidence)
        parts.append(f"<circle cx='{x:.1f}' cy='{_y(point.precision):.1f}' r='3.5' fill='#1d4ed8'/>")
        parts.append(f"<circle cx='{x:.1f}' cy='{_y(point.lower_bound):.1f}' r='3.5' fill='#fff' stroke='#1d4ed8'/>")
    parts.append(f"<text x='{WIDTH / 2}' y='{HEIGHT - 4}' text-anchor='middle'>threshold (claimed confidence)</text>")
    return "".join(parts) + "</svg>"


def _decision(found: FieldThreshold) -> str:
    if found.threshold is None:
        return "always review: no threshold reaches the target with enough values"
    bound = f"{found.n} values, lower bound {found.lower_bound:.3f}"
    return f"auto-accept at confidence {found.threshold:.3f} and above ({bound})"


def _points_table(found: FieldThreshold) -> str:
    rows = []
    for point in found.curve:
        chosen = " class='chosen'" if point.confidence == found.threshold else ""
        rows.append(
            f"<tr{chosen}><td>{point.confidence:.3f}</td><td>{point.n}</td><td>{point.right}</td>"
            f"<td>{point.precision:.3f}</td><td>{point.lower_bound:.3f}</td></tr>"
        )
    head = "<tr><th>threshold</th><th>values at or above</th><th>right</th><th>precision</th><th>lower bound</th></tr>"
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def html_page(chosen: Sequence[FieldThreshold], *, target: float, level: float) -> str:
    """The calibration as one HTML page: per type and field, its decision, its curve and its points."""
    e = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Calibration</title>",
        f"<style>{_STYLE}</style></head><body><h1>Calibration</h1>",
        f"<p>Target precision {target:g}, Wilson lower bound at level {level:g}. "
        "<span class='legend'>Solid line and dots: precision of the values at or above each threshold; dashed line and "
        "rings: its lower bound; "
        "dotted: the target; green: the threshold chosen.</span></p>",
    ]
    for found in chosen:
        parts += [
            f"<section><h2>{e(found.doc_type)}.{e(found.field)}</h2><p>{e(_decision(found))}</p>",
            chart(found, target),
            _points_table(found),
            "</section>",
        ]
    return "".join(parts) + "</body></html>\n"


def markdown(chosen: Sequence[FieldThreshold], *, target: float, level: float) -> str:
    """The calibration as Markdown: per type and field, its decision and its points."""
    lines = ["# Calibration", "", f"Target precision {target:g}, Wilson lower bound at level {level:g}.", ""]
    for found in chosen:
        lines += [f"## {found.doc_type}.{found.field}", "", _decision(found), ""]
        lines += ["| threshold | values at or above | right | precision | lower bound |", "|---|---|---|---|---|"]
        lines += [
            f"| {p.confidence:.3f} | {p.n} | {p.right} | {p.precision:.3f} | {p.lower_bound:.3f} |" for p in found.curve
        ]
        lines.append("")
    return "\n".join(lines)


def write_calibration_report(path: Path, chosen: Sequence[FieldThreshold], *, target: float, level: float) -> None:
    """Markdown when `path` ends in .md, else HTML."""
    write = markdown if path.suffix.lower() == ".md" else html_page
    path.write_text(write(chosen, target=target, level=level), encoding="utf-8")
