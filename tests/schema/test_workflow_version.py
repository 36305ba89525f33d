"""The workflow version covers everything that decides: declarations, rule code, routers, apply code, policy schema."""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimflow import DocumentType, Field, RuleInput, RuleResult, rule
from claimflow.doctypes import BUILTIN_TYPES
from claimflow.graphs import build_documents_workflow
from claimflow.runtime import version
from claimflow.runtime.code_digests import CodeDigests
from claimflow.runtime.version import code_digest, source_digest, workflow_version

ROUTER_V1 = '''
"""Route totals."""
from claimflow.routing import Route


def route(total: float) -> Route:
    # Big totals go to review.
    if total > 100:
        return Route("review", "big")
    return Route("finalize", "small")
'''


def _version(*types: DocumentType) -> str:
    return workflow_version(build_documents_workflow(types).compile(), types)


def _order(
    *, total_rule: bool = False, extra_field: bool = False, labels: tuple[str, ...] = ("PO No.",)
) -> DocumentType:
    @rule("total_positive", fields=["total"])
    def positive(doc: RuleInput) -> RuleResult | None:
        total = doc.amount("total")
        return None if total is None else doc.check(total > 0, "positive")

    @rule("total_positive", fields=["total"])
    def non_negative(doc: RuleInput) -> RuleResult | None:
        total = doc.amount("total")
        return None if total is None else doc.check(total >= 0, "positive")

    fields = [Field("po_number", "identifier", labels=labels), Field("total", "amount")]
    if extra_field:
        fields.append(Field("currency", "currency"))
    return DocumentType(
        name="purchase_order",
        description="An order.",
        fields=fields,
        rules=[non_negative if total_rule else positive],
    )


def test_the_same_declarations_give_the_same_version() -> None:
    assert _version(_order(), *BUILTIN_TYPES) == _version(_order(), *BUILTIN_TYPES)


def test_a_rules_code_changes_the_version_though_its_name_does_not() -> None:
    assert _version(_order()) != _version(_order(total_rule=True))


def test_adding_a_field_changes_the_version() -> None:
    assert _version(_order()) != _version(_order(extra_field=True))


def test_a_label_changes_the_version() -> None:
    assert _version(_order()) != _version(_order(labels=("PO No.", "Bestellnummer")))


def test_the_active_types_change_the_version() -> None:
    assert _version(*BUILTIN_TYPES) != _version(*BUILTIN_TYPES, _order())


@pytest.fixture
def module_dir(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    sys.modules.pop("claimflow_test_router", None)


def _digest_of(folder: Path, source: str) -> str:
    (folder / "claimflow_test_router.py").write_text(source)
    sys.modules.pop("claimflow_test_router", None)
    importlib.invalidate_caches()
    module = importlib.import_module("claimflow_test_router")
    return code_digest([module])["claimflow_test_router"]


def test_a_routers_code_changes_its_digest_and_a_comment_or_docstring_does_not(module_dir: Path) -> None:
    original = _digest_of(module_dir, ROUTER_V1)
    assert _digest_of(module_dir, ROUTER_V1.replace("total > 100", "total >= 100")) != original
    assert _digest_of(module_dir, ROUTER_V1.replace("# Big totals go to review.", "# Large ones.")) == original
    assert _digest_of(module_dir, ROUTER_V1.replace('"""Route totals."""', '"""Routes."""')) == original
    assert _digest_of(module_dir, ROUTER_V1.replace("    if total", "\n\n    if total")) == original


def test_routers_apply_evidence_and_rules_code_are_hashed_and_unrelated_modules_are_not() -> None:
    hashed = dict(version._decision_code(CodeDigests()))
    for module in ("claimflow.routing.routers", "claimflow.state.apply.extraction", "claimflow.state.proof",
                   "claimflow.state.labels", "claimflow.state.rules.common"):  # fmt: skip
        assert module in hashed, module
    assert not any(name.startswith(("claimflow.runtime", "claimflow.graphs.")) for name in hashed)
    routers = importlib.import_module("claimflow.routing.routers")
    assert hashed["claimflow.routing.routers"] == source_digest(inspect.getsource(routers))
