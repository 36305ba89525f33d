"""The engine's words in an API answer: a reviewer's `claimflow` command named as the request that does the same.

The engine says what to do about a refused decision or a review it cannot take as commands (`claimflow review
show`, `claimflow review assign`), which is right in a terminal. A client of the REST API answering reviews has
the API, not the CLI: each such command is named as the request that does the same for the run at hand. Commands
with no request of their own (an operator's: `recover`, `status`, `db migrate`) are left as they are.
"""

from __future__ import annotations

import re

from claimflow.runtime.refusal_places import placed
from claimflow.state.errors import DecisionProblem

__all__ = ["at_body", "decision_words", "for_the_api"]

_COMMAND = re.compile(r"`claimflow (?P<command>review show|review assign|review list|show|explain|runs)(?: [^`]*)?`")
"""A backticked reviewer's command, with whatever arguments it was given."""


_OPTIONS = (
    (re.compile(r"\(`--set FIELD=VALUE`\)"), '(`"edits": {"FIELD": ["VALUE"]}`)'),
    (
        re.compile(r"\(`--set (?P<table>\w+)\.ROW\.COLUMN=VALUE`\)"),
        r'(`"rows": {"\g<table>": {"cells": {"ROW": {"COLUMN": "VALUE"}}}}`)',
    ),
    (re.compile(r"\(`--drop-row (?P<table>\w+)\.ROW`\)"), r'(`"rows": {"\g<table>": {"drop": [ROW]}}`)'),
    (re.compile(r"\(`--reject`\)"), '(`"action": "reject"` with a `"reason"`)'),
    (re.compile(r"\bset doc_type\b"), 'set `"doc_type"`'),
    (re.compile(r"\(rerun\)"), "(`POST /v1/runs/{id}/rerun`)"),
)
"""`review decide`'s options a refused decision names, and the decision's JSON that does the same."""


def decision_words(text: str) -> str:
    """`text` (a refused decision's reason) with the options of `review decide` it names given as the JSON's keys."""
    for option, in_json in _OPTIONS:
        text = option.sub(in_json, text)
    return text


def at_body(problem: str) -> str:
    """`problem` in the API's words, after the body field it concerns when it names one (`body.edits.total: ...`).

    A problem about one field's value starts with the field's name, which its place then says: it is not repeated.
    """
    if not isinstance(problem, DecisionProblem):
        return decision_words(problem)
    return "body." + decision_words(placed(problem))


def for_the_api(text: str, run_id: str | None) -> str:
    """`text` with each reviewer's command it names given as the API request that does the same for `run_id`.

    Without a run (a message about no run in particular) only the commands that need none are renamed.
    """

    def request(found: re.Match[str]) -> str:
        command = found["command"]
        if command == "review list":
            return "`GET /v1/reviews`"
        if command == "runs":
            return "`GET /v1/runs`"
        if run_id is None:
            return found[0]
        return {
            "review show": f"`GET /v1/reviews/{run_id}`",
            "review assign": f"`POST /v1/reviews/{run_id}/assign` (an admin's)",
            "show": f"`GET /v1/runs/{run_id}`",
            "explain": f"`GET /v1/runs/{run_id}/explain`",
        }[command]

    return _COMMAND.sub(request, decision_words(text))
