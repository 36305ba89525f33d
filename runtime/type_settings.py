"""Settings that name document types or their fields, checked against the active types once they are known.

The settings load before the types are discovered, so a name in them cannot be checked then: the policy file's
`field_thresholds` (type and field), its review settings per type (`review.due`, `on_overdue`, `escalate_to`)
and `CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT_<TYPE>`. A misspelt one would set nothing and say nothing; each is
refused here, naming the setting and the names it may use, by every command that runs documents and by
`claimflow check`. Commands that only look at runs (`runs`, `show`, `export`, `review list`) warn and go on:
what these settings govern is never used in looking, and the operator who misspelt one must still see the runs.
"""

from __future__ import annotations

from claimflow.runtime.settings import OUTPUT_CAP, Settings, SettingsError
from claimflow.state.did_you_mean import did_you_mean
from claimflow.state.policy import Policy
from claimflow.state.review_policy import ANY_TYPE
from claimflow.state.schema import UNKNOWN_TYPE, DocumentTypes


def check_type_settings(settings: Settings, types: DocumentTypes) -> None:
    """Raise SettingsError (one line) when a setting names a type or field that no active type has."""
    problem = type_settings_problem(settings, types)
    if problem is not None:
        raise SettingsError(problem)


def type_settings_problem(settings: Settings, types: DocumentTypes) -> str | None:
    """What the settings name that no active type has, as one line; None when every name is known."""
    found: list[str] = []
    policy = _policy_problems(settings.policy, types)
    if policy:
        source = f"CLAIMFLOW_POLICY={settings.policy_file!r}" if settings.policy_file else "the policy"
        found.append(f"{source}: {'; '.join(policy)}")
    found += _cap_problems(settings, types)
    return "; ".join(found) or None


def _active(types: DocumentTypes) -> str:
    return ", ".join(types.names)


def _policy_problems(policy: Policy, types: DocumentTypes) -> list[str]:
    problems: list[str] = []
    for name, thresholds in policy.field_thresholds.items():
        doc_type = types.find(name)
        if doc_type is None:
            problems.append(f"field_thresholds.{name}: no active document type {name!r} (active: {_active(types)})")
            continue
        # Only fields holding values have a confidence bar; a table's rows are accepted with their evidence.
        fields = [spec.name for spec in doc_type.value_fields]
        tables = {spec.name for spec in doc_type.table_fields}
        for field in thresholds:
            if field in tables:
                problems.append(
                    f"field_thresholds.{name}.{field}: {field} is a table, which has no confidence threshold (its rows"
                    f" are accepted with their evidence); fields with one: {', '.join(fields)}"
                )
            elif field not in fields:
                problems.append(
                    f"field_thresholds.{name}.{field}: {name} has no field {field!r}{did_you_mean(field, fields)}"
                    f" (fields: {', '.join(fields)})"
                )
    review = policy.review
    for setting, table in (("due", review.due), ("on_overdue", review.on_overdue), ("escalate_to", review.escalate_to)):
        problems += [
            f"review.{setting}.{name}: no active document type {name!r} (active: {_active(types)};"
            f" {UNKNOWN_TYPE!r} for documents of no type, {ANY_TYPE!r} for every other)"
            for name in table
            if name not in (ANY_TYPE, UNKNOWN_TYPE) and types.find(name) is None
        ]
    return problems


def _cap_problems(settings: Settings, types: DocumentTypes) -> list[str]:
    steps = [step for step in settings.gateway.output_caps.steps if step.startswith("extract_")]
    known = ", ".join(name.upper() for name in types.names)
    return [
        f"{OUTPUT_CAP}_{step.upper()}: no active document type {step.removeprefix('extract_')!r}; use"
        f" {OUTPUT_CAP}_EXTRACT_<TYPE> with TYPE one of {known}"
        for step in steps
        if types.find(step.removeprefix("extract_")) is None
    ]
