"""Prompts for the extract_<type> steps: one spec per document type."""

from claimflow.prompts._spec import PromptSpec
from claimflow.state.claims import ExtractionClaim

_SYSTEM = (
    "You extract fields from a {doc_type}. For every field the document states, return one claim: the value "
    "in canonical form (dates yyyy-mm-dd, amounts as plain decimals like 1234.50, currencies as ISO 4217 "
    "codes, durations like '2 years') and a short verbatim quote from the document that contains the value, "
    "with the 1-based page it is on. Code checks every quote against the document and every value against "
    "its quote: a quote that is not in the document, or a value that does not follow from it, is rejected. "
    "Leave out fields the document does not state; never guess. Confidence from 0 to 1; say low when unsure."
)
_USER = (
    "Fields:\n{fields}\n\nDocument (pages separated by form feeds; personal data appears as placeholders "
    "like [EMAIL_1]):\n<document>\n{document}\n</document>\n{feedback}"
)


def _extract_prompt(doc_type: str, version: str, guidance: str) -> PromptSpec[ExtractionClaim]:
    """The extraction prompt of one type: the shared instructions plus what is particular to the type."""
    return PromptSpec(
        name=f"extract_{doc_type}",
        version=version,
        system=_SYSTEM.replace("{doc_type}", doc_type) + " " + guidance,
        user_template=_USER,
        response_model=ExtractionClaim,
    )


EXTRACT_INVOICE = _extract_prompt(
    "invoice",
    "1",
    "When the invoice has an item table, also return its lines with description, quantity, unit price and amount.",
)
EXTRACT_RECEIPT = _extract_prompt(
    "receipt",
    "1",
    "Give the currency only when the receipt prints it (a code or an unambiguous symbol such as RM or €).",
)
EXTRACT_CONTRACT = _extract_prompt(
    "contract",
    "1",
    "Return one 'parties' claim per party. The jurisdiction is the state or country whose law governs.",
)
