"""The evaluation as a report file: Markdown, JUnit XML (`evals/junit.py`), or a self-contained HTML page."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from claimflow.evals.evaluation import Evaluation
from claimflow.evals.junit import junit_xml
from claimflow.runtime.whole_file import write_whole

MEASURES = (
    "type_accuracy", "precision", "recall", "exact_match", "evidence_validity", "accept_reject_agreement",
    "route_accuracy", "review_rate",
)  # fmt: skip
"""The measures that fit some kinds of step, in the order tables show them."""
COLUMNS = ("cases", "passed", "failed", *MEASURES, "input_tokens", "output_tokens", "cost", "latency_ms")
"""The per-step table's columns, in order."""
FROM_BASELINE = "(from baseline)"
"""After a step's name: `--changed` ran none of its cases, so its figures are the baseline's."""
CARRIED_NOTE = (
    f"{FROM_BASELINE}: --changed ran none of the step's cases; its figures (tokens, cost and ms too) are the "
    "baseline's, not measured in this run"
)
"""Under a table with a step marked `FROM_BASELINE`."""
KEPT_FAILING = "not run (--changed): failing as the baseline recorded it; nothing of it was measured in this run"
"""What the report says of a failing case `--changed` took from the baseline: it has no expected or got to show."""
GONE = "no longer in the goldens folder"
"""What the report says of a case the baseline has a result for and the folder no longer holds."""


def cell(value: Any) -> str:
    """A metric as the tables show it: shares as percentages, `-` where the step has no such measure."""
    if value is None:
        return "-"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.3f}"
    return str(int(value)) if isinstance(value, float) else str(value)


def _rows(evaluation: Evaluation) -> list[list[str]]:
    return [
        [f"{step} {FROM_BASELINE}" if step in evaluation.carried else step, *(_column(row, c) for c in COLUMNS)]
        for step, row in evaluation.metrics.items()
    ]


def _column(row: dict[str, Any], name: str) -> str:
    """A step's figure as `cell` shows it; a cost the step has but cannot price (a model with no price) is unknown."""
    return "unknown" if name == "cost" and name in row and row[name] is None else cell(row.get(name))


def _data(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _md_text(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(evaluation: Evaluation) -> str:
    """The report as Markdown."""
    lines = [f"# Golden cases: {evaluation.model}", "", "| step | " + " | ".join(COLUMNS) + " |"]
    lines.append("|---" * (len(COLUMNS) + 1) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in _rows(evaluation)]
    lines += ["", CARRIED_NOTE] if evaluation.carried else []
    lines += ["", f"## Changed against {evaluation.baseline.name}", ""]
    changes = evaluation.verdict.changes
    listed = [f"- `{c.id}`: {c.before} -> {c.after}" for c in changes]
    listed += [f"- `{case}`: {GONE}" for case in evaluation.verdict.gone]
    lines += listed or ["none"]
    for drop in evaluation.verdict.drops:
        lines.append(f"- metric {drop.step}.{drop.metric}: {cell(drop.before)} -> {cell(drop.after)}")
    unmeasured = evaluation.verdict.unmeasured
    if unmeasured:
        lines += ["", "## Not measured: recorded under another prompt", ""]
        lines += [f"- {_md_text(case.reason)}" for case in unmeasured]
    lines += ["", "## Failing cases", ""]
    failing = [r for r in evaluation.results if not r.passed]
    for r in failing:
        if r.from_baseline:
            lines += [f"### {r.id}", "", KEPT_FAILING, ""]
            continue
        lines += [
            f"### {r.id}",
            "",
            f"- expected: `{_md_text(_data(r.expected))}`",
            f"- got: `{_md_text(_data(r.got))}`",
        ]
        lines += [f"- quote: `{_md_text(r.quote)}`"] if r.quote else []
        lines += ["", "```", r.message, "```", ""]
    return "\n".join(lines if failing else [*lines, "none"]) + "\n"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
    "padding:2px 6px;text-align:right}td:first-child{text-align:left}pre{background:#f6f6f6;padding:6px;"
    "white-space:pre-wrap}"
)


def html_page(evaluation: Evaluation) -> str:
    """The report as one HTML page (inline style, no scripts, nothing fetched); every case text is escaped."""
    e = html.escape
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>Golden cases: {e(evaluation.model)}</title>",
        f"<style>{_STYLE}</style></head><body><h1>Golden cases: {e(evaluation.model)}</h1>",
        "<h2>Per step</h2>", _table(["step", *COLUMNS], _rows(evaluation)),
        f"<p>{e(CARRIED_NOTE)}</p>" if evaluation.carried else "",
        f"<h2>Changed against {e(evaluation.baseline.name)}</h2>",
    ]  # fmt: skip
    changes = [[c.id, c.before, c.after] for c in evaluation.verdict.changes]
    drops = [[f"{d.step}.{d.metric}", cell(d.before), cell(d.after)] for d in evaluation.verdict.drops]
    changes += [[case, "in the baseline", GONE] for case in evaluation.verdict.gone]
    parts.append(_table(["case or metric", "before", "after"], changes + drops) if changes or drops else "<p>none</p>")
    unmeasured = evaluation.verdict.unmeasured
    if unmeasured:
        parts.append("<h2>Not measured: recorded under another prompt</h2>")
        parts.append("<ul>" + "".join(f"<li>{e(case.reason)}</li>" for case in unmeasured) + "</ul>")
    parts.append("<h2>Failing cases</h2>")
    failing = [r for r in evaluation.results if not r.passed]
    for r in failing:
        if r.from_baseline:
            parts += [f"<h3>{e(r.id)}</h3>", f"<p>{e(KEPT_FAILING)}</p>"]
            continue
        parts += [
            f"<h3>{e(r.id)}</h3>", "<p>expected</p>", f"<pre>{e(_data(r.expected))}</pre>",
            "<p>got</p>", f"<pre>{e(_data(r.got))}</pre>",
        ]  # fmt: skip
        parts += [f"<p>quote</p><pre>{e(r.quote)}</pre>"] if r.quote else []
        parts.append(f"<pre>{e(r.message)}</pre>")
    parts.append("" if failing else "<p>none</p>")
    return "".join(parts) + "</body></html>\n"


def write_report(path: Path, evaluation: Evaluation) -> None:
    """Markdown when `path` ends in .md, JUnit XML when in .xml, else HTML."""
    suffix = path.suffix.lower()
    text = (
        markdown(evaluation)
        if suffix == ".md"
        else junit_xml(evaluation)
        if suffix == ".xml"
        else html_page(evaluation)
    )
    write_whole(path, text)
