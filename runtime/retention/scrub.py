"""What erasing a run keeps of its stored JSON (event data, final state, review decisions), and what it blanks.

The rule is an allowlist of keys, so a key no one listed is erased rather than kept:
- a text under a key of `KEPT_KEYS` stays: names and vocabularies claimflow itself writes (a field's name, the rule
  that fired, the check that decided, the node, the model and prompt, a status, an outcome, an id, a time);
- everything under a key of `WHOLE_KEYS` stays as it is: settings and measurements (the policy, the model usage);
- every other text becomes `ERASED`: values, quotes, reasons and messages (they quote values), comments, file
  names, errors. The dicts it sits in stay, with their keys (field and column names), so the JSON keeps its shape;
- numbers, true/false and nulls stay wherever they are: positions in the text, confidences, counts, tokens, cost,
  latency. A document's values are always kept as text (`FieldResult.value`, a claim's `value`), so none is a number.

Under a key of `VALUE_MAPS` (a reviewer's edits, a table row's cells) the keys are field names a document type
chose, which may be spelled as a kept key: their texts are erased whatever the key.
"""

from __future__ import annotations

from typing import Any

ERASED = "[erased]"
"""What an erased text reads as."""

KEPT_KEYS = frozenset(
    {
        # which run, event, step and node
        "run_id", "event_id", "claim_id", "interrupt_id", "step", "router", "type", "at", "rerun", "job_id",
        "worker_id", "owner", "old_version", "new_version", "workflow", "workflow_version",
        # which field, table, type and rule
        "field", "fields", "table", "name", "kind", "doc_type", "doc_types", "editable_fields", "follows",
        "rule", "target", "code", "severity", "check", "label", "origin", "decided_by",
        # verdicts and states
        "status", "outcome", "action", "allowed_actions", "then",
        # models and prompts
        "model", "prompt", "prompt_hash", "source", "candidates",
        # the document's kind and content addresses (sha256 of bytes no longer stored), how its text was read
        "document_id", "text_id", "mapping_id", "media_type", "method", "placeholders",
        # who reviewed: the reviewers, not the document's subject
        "reviewer", "assignee", "group",
    }
)  # fmt: skip
"""Keys whose text (or list of texts) is kept: names and vocabularies claimflow writes, never a document's words."""

WHOLE_KEYS = frozenset({"policy", "usage", "attempts", "kinds", "budget"})
"""Keys whose value is kept whole: settings and measurements (the policy, model usage, PII kinds counted)."""

VALUE_MAPS = frozenset({"edits", "cells", "rejected_rows"})
"""Keys of dicts keyed by field, column or table names whose texts are all erased, whatever the name."""


def scrub(value: Any, *, keep: bool = False) -> Any:
    """`value` with every text not under a kept key replaced by `ERASED` (see the module's rule)."""
    if isinstance(value, dict):
        return {key: _scrub_entry(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, keep=keep) for item in value]
    if isinstance(value, str) and not keep:
        return ERASED
    return value


def _scrub_entry(key: str, value: Any) -> Any:
    if key in WHOLE_KEYS:
        return value
    if key in VALUE_MAPS and isinstance(value, dict):
        return {name: scrub(item) for name, item in value.items()}
    return scrub(value, keep=key in KEPT_KEYS)


__all__ = ["ERASED", "KEPT_KEYS", "VALUE_MAPS", "WHOLE_KEYS", "scrub"]
