"""What every generated case is made of: the documents' texts, evidence located on them, and the writer."""

from __future__ import annotations

import asyncio
import functools
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from claimflow.evals.builtin import builtin_workflow_types
from claimflow.evals.generators import invoice_lines
from claimflow.evals.golden import CASE_ADAPTER, GOLDENS
from claimflow.nodes.ports import ModelInput
from claimflow.prompts import extract_prompt
from claimflow.runtime.gateway import RulesGateway

INVOICE = "\n".join(invoice_lines()) + "\n"


def text_of(generate: Callable[..., Path], **params: Any) -> str:
    """The text of a document `generate` writes (to a temporary folder, read back)."""
    with tempfile.TemporaryDirectory() as directory:
        return generate(Path(directory), **params).read_text()


@functools.cache
def generated_page(generate: Callable[..., Path]) -> str:
    """The text of a generator's default document, made once (when a case first needs it, never on import)."""
    return text_of(generate)


def write(case: dict[str, Any]) -> None:
    """Validate a case and write it to `<step>/<name>.json`."""
    CASE_ADAPTER.validate_python(case)
    path = GOLDENS / case["step"] / f"{case['name']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n")


def recorded_extraction(doc_type: str, page: str) -> dict[str, Any]:
    """The `rules` backend's extraction claim for one page, as a recorded model answer."""
    spec = builtin_workflow_types().get(doc_type)
    answer = asyncio.run(RulesGateway().complete(extract_prompt(spec), ModelInput(pages=(page,), doc_type=spec)))
    assert answer.claim is not None
    return answer.claim.model_dump(mode="json", exclude_defaults=True)


def ev(quote: str, page: str) -> dict[str, Any]:
    """Evidence for a quote, located on the page."""
    start = page.index(quote)
    return {"quote": quote, "page": 1, "start": start, "end": start + len(quote)}


# The accepted fields of a clean document of each built-in type, as router, rule and review cases state them.
INVOICE_FIELDS = {
    "vendor_name": "Brightline Print Services Ltd",
    "invoice_number": "BPS-2024-0311",
    "issue_date": "2024-03-14",
    "total_amount": "180.00",
}
RECEIPT_FIELDS = {"vendor_name": "KEDAI RUNCIT MAJU JAYA", "issue_date": "2018-05-02", "total_amount": "24.50"}
CONTRACT_FIELDS = {"parties": ["Orion Data Systems, Inc.", "Kestrel Analytics LLC"]}
