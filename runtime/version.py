"""The workflow version: a hash of everything that decides what a run does.

It covers the graph's topology, the state and claim schemas, every prompt's hash, the active document
type declarations (fields, labels, rule names and the code of each rule), the code of the routers and of
the apply, evidence and rule functions, and the policy schema. Code is hashed by its syntax tree without
docstrings, so a comment or a reformat does not change the version; a changed condition does.

Every run records the version it started with. Resuming a run whose version this installation does not
have would resume into a different workflow, so it is refused with a clear message instead.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import json
import pkgutil
import textwrap
from collections.abc import Callable, Iterable
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from claimflow.prompts import prompts_for
from claimflow.runtime.code_digests import CodeDigests
from claimflow.runtime.errors import WorkflowVersionError
from claimflow.runtime.unloaded_type import unloaded_type_refusal
from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from claimflow.state.policy import Policy
from claimflow.state.review import ReviewDecision, ReviewRequest
from claimflow.state.schema import DocumentType, DocumentTypes
from claimflow.state.workflow import WorkflowState

if TYPE_CHECKING:
    from langgraph.graph.state import CompiledStateGraph

__all__ = ["WorkflowVersionError", "check_version", "workflow_version"]

DECISION_CODE = (
    "claimflow.routing",
    "claimflow.state.apply",
    "claimflow.state.evidence",
    "claimflow.state.labels",
    "claimflow.state.normalize",
    "claimflow.state.other_labels",
    "claimflow.state.proof",
    "claimflow.state.reasons",
    "claimflow.state.rules",
    "claimflow.state.word_edges",
)
"""Packages and modules whose code decides: routers, apply functions, evidence and label checks, rules."""


def _without_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body[0] = ast.Pass()
    return tree


def source_digest(source: str) -> str:
    """sha256 of code's syntax tree without docstrings: comments and layout do not count, logic does."""
    tree = _without_docstrings(ast.parse(textwrap.dedent(source)))
    return hashlib.sha256(ast.dump(tree, include_attributes=False).encode()).hexdigest()


_REMEMBERED = CodeDigests()
"""The digests this process computed, for callers that keep none on disk."""


def function_digest(function: Callable[..., Any], digests: CodeDigests | None = None) -> str:
    """The digest of a function's source (its compiled code when the source is not available)."""
    try:
        return (digests if digests is not None else _REMEMBERED).digest(inspect.getsource(function), source_digest)
    except (OSError, TypeError, SyntaxError):
        code = getattr(function, "__code__", None)
        return hashlib.sha256(repr((code.co_code, code.co_consts) if code else function).encode()).hexdigest()


def _modules(names: Iterable[str]) -> Iterable[ModuleType]:
    for name in names:
        module = importlib.import_module(name)
        yield module
        for info in pkgutil.walk_packages(getattr(module, "__path__", []), prefix=f"{name}."):
            yield importlib.import_module(info.name)


def code_digest(modules: Iterable[ModuleType], digests: CodeDigests | None = None) -> dict[str, str]:
    """Module name -> digest of its source, for each module given (kept in `digests`, when given)."""
    known = digests if digests is not None else _REMEMBERED
    return {module.__name__: known.digest(inspect.getsource(module), source_digest) for module in modules}


@lru_cache(maxsize=1)
def _decision_modules() -> tuple[ModuleType, ...]:
    return tuple(_modules(DECISION_CODE))


def _decision_code(digests: CodeDigests) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(code_digest(_decision_modules(), digests).items()))


@lru_cache(maxsize=1)
def _schemas() -> dict[str, Any]:
    # The classes are fixed once imported; building their JSON schemas is most of the cost of a version.
    return {
        model.__name__: model.model_json_schema()
        for model in (WorkflowState, ClassificationClaim, ExtractionClaim, ReviewRequest, ReviewDecision, Policy)
    }


def type_fingerprint(doc_type: DocumentType, digests: CodeDigests | None = None) -> dict[str, Any]:
    """A type's declaration as data, with the digest of each rule's code."""
    return {
        **doc_type.describe(),
        "rule_code": {item.name: function_digest(item.function, digests) for item in doc_type.rules},
    }


def workflow_version(
    compiled: CompiledStateGraph[Any, Any, Any, Any],
    types: Iterable[DocumentType],
    *,
    digests: CodeDigests | None = None,
) -> str:
    """Short hex digest of topology, schemas, prompts, type declarations, decision code and policy schema.

    `digests`: where code digests computed before are kept (`claimflow.runtime.code_digests`); the version is the
    same with or without them, only sooner. Those computed here are written back.
    """
    active = list(types)
    known = digests if digests is not None else _REMEMBERED
    drawn = compiled.get_graph()
    topology = {
        "nodes": sorted(drawn.nodes),
        "edges": sorted((e.source, e.target, bool(e.conditional)) for e in drawn.edges),
    }
    payload = {
        "topology": topology,
        "schemas": _schemas(),
        "prompts": {prompt.ref: prompt.content_hash for prompt in prompts_for(active)},
        "types": [type_fingerprint(doc_type, known) for doc_type in active],
        "code": _decision_code(known),
    }
    known.save()
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def check_version(
    run_id: str, recorded: str, current: str, *, doc_type: str | None = None, types: DocumentTypes | None = None
) -> None:
    """Raise WorkflowVersionError unless the run's recorded version is the current one.

    `doc_type` and `types`: the run's type and the active ones. A run whose type is not active here differs in
    version for that reason alone, most often a type of one's own this command was not told of: the error says
    so, and does not advise `rerun`, which would run the document again without its type.
    """
    if recorded == current:
        return
    refusal = None if types is None else unloaded_type_refusal(run_id, doc_type, types)
    if refusal is not None:
        raise WorkflowVersionError(refusal)
    raise WorkflowVersionError(
        f"run {run_id} was started by workflow version {recorded}, but this installation runs version "
        f"{current} (its document types, rules, prompts or code differ), so resuming would run a different "
        "workflow. Finish it with the installation and types that started it, or run its document again "
        f"under this version with `claimflow rerun {run_id[:12]}`; `claimflow runs --version-mismatch` "
        "lists every such run."
    )
