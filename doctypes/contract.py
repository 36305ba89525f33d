"""The built-in contract type: parties, effective date, governing law and term."""

from __future__ import annotations

from collections.abc import Sequence

from claimflow import Detection, DocumentType, ExtractionClaim, Field, RuleInput, RuleResult, rule


@rule("parties_distinct", fields=["parties"])
def parties_distinct(doc: RuleInput) -> RuleResult | None:
    """A contract names distinct parties."""
    parties = doc.all("parties")
    if not parties:
        return None
    distinct = {" ".join(name.casefold().split()) for name in parties}
    return doc.check(len(distinct) == len(parties), f"{len(parties)} part(ies), {len(distinct)} distinct")


def extract_contract(pages: Sequence[str], doc_type: DocumentType) -> ExtractionClaim:
    """Offline extraction for the `rules` backend (loaded when first used: declaring the type stays cheap)."""
    from claimflow.runtime.backends.rules import extract_contract as extract

    return extract(pages, doc_type)


def detect_contract(pages: Sequence[str]) -> Detection:
    """Offline classification cues for the `rules` backend (loaded when first used)."""
    from claimflow.runtime.backends.rules import detect_contract as detect

    return detect(pages)


CONTRACT = DocumentType(
    name="contract",
    description="An agreement between parties: who, from when, under which law, for how long.",
    titles=("Agreement", "Contract", "Vertrag", "Vereinbarung", "Contrat", "Contrato", "Contratto"),
    version="2",
    # The formulas agreements are written in.
    keywords=(
        "Whereas",
        "Now, therefore",
        "hereby agree",
        "agree as follows",
        "the parties",
        "parties hereto",
        "by and between",
        "entered into",
        "hereinafter",
        "in witness whereof",
        "duly authorized",
        "Confidential Information",
        "Non-Disclosure",
        "Proprietary Information",
        "Terms and Conditions",
        "Memorandum of Understanding",
        "Termination",
        "Indemnification",
        "Overeenkomst",
    ),  # fmt: skip
    fields=[
        Field("parties", "text", required=True, multiple=True, description="Each party to the contract"),
        Field(
            "effective_date",
            "date",
            description="Date the contract takes effect",
            labels=("Effective Date", "Effective as of", "dated as of"),
            counter_labels=("Termination Date", "Expiration Date"),
        ),
        Field(
            "jurisdiction",
            "text",
            description="State or country whose law governs",
            labels=("Governing Law", "governed by", "laws of"),
        ),
        Field("term", "duration", description="How long the contract or its obligations last"),
    ],
    rules=[parties_distinct],
    guidance="Return one 'parties' claim per party. The jurisdiction is the state or country whose law governs.",
    extractor=extract_contract,
    detector=detect_contract,
)
