"""Document types as declarations: fields with kinds and labels, business rules, prompt guidance, a version."""

from claimflow.state.schema.catalog import DocumentTypes
from claimflow.state.schema.document_type import (
    UNKNOWN_TYPE,
    Detection,
    DocumentType,
    OfflineDetector,
    OfflineExtractor,
    run_rules,
)
from claimflow.state.schema.fields import Column, Field
from claimflow.state.schema.rules import Row, Rule, RuleFunction, RuleInput, rule
from claimflow.state.schema.type_words import TypeWords

__all__ = [
    "Column",
    "Detection",
    "DocumentType",
    "DocumentTypes",
    "Field",
    "OfflineDetector",
    "OfflineExtractor",
    "Row",
    "Rule",
    "RuleFunction",
    "RuleInput",
    "TypeWords",
    "UNKNOWN_TYPE",
    "rule",
    "run_rules",
]
