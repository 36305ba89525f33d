"""Pages of runs: which runs a page holds, and the SQL both registries read it with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString

from claimflow.state.schema import UNKNOWN_TYPE


@dataclass(frozen=True)
class RunPage:
    """Which runs a page of `page_runs` holds: filters, the position after which it starts, and its size."""

    statuses: tuple[str, ...] | None = None
    """Registry statuses to keep; None for all."""
    doc_type: str | None = None
    """Only runs of this type; `unknown` keeps the runs of no known type, those the classifier found none fits and
    those never classified (failed before it: a corrupt PDF, a file over the size limit; or no type accepted)."""
    doc_types: tuple[str, ...] | None = None
    """Only runs of these types (a caller limited to them); None for all."""
    since: float | None = None
    """Only runs created at or after this time (Unix seconds)."""
    after: tuple[float, str] | None = None
    """The (created_at, run_id) of the last run of the previous page."""
    created_before: float | None = None
    """Only runs created before this time (a registry that commits runs out of creation order sets it)."""
    limit: int = 50


def page_sql(page: RunPage, mark: LiteralString) -> tuple[LiteralString, list[Any]]:
    """The WHERE, ORDER BY and LIMIT of a page of runs, with `mark` as the placeholder (every backend uses this)."""
    clauses: list[LiteralString] = []
    args: list[Any] = []
    for column, values in (("status", page.statuses), ("doc_type", page.doc_types)):
        if values is not None:
            clauses.append(f"{column} IN ({', '.join([mark] * len(values))})" if values else "1 = 0")
            args += values
    if page.doc_type == UNKNOWN_TYPE:  # a run's type is null until one is accepted
        clauses.append(f"(doc_type = {mark} OR doc_type IS NULL)")
        args.append(page.doc_type)
    elif page.doc_type is not None:
        clauses.append(f"doc_type = {mark}")
        args.append(page.doc_type)
    if page.since is not None:
        clauses.append(f"created_at >= {mark}")
        args.append(page.since)
    if page.created_before is not None:
        clauses.append(f"created_at < {mark}")
        args.append(page.created_before)
    if page.after is not None:
        # Creation order with the run id to break ties: a run created later is always after the position.
        clauses.append(f"(created_at > {mark} OR (created_at = {mark} AND run_id > {mark}))")
        args += [page.after[0], page.after[0], page.after[1]]
    where: LiteralString = " WHERE " + " AND ".join(clauses) if clauses else ""
    return where + f" ORDER BY created_at, run_id LIMIT {mark}", [*args, page.limit]
