"""The sample documents in examples/: generated deterministically, and they ingest as documented."""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from claimflow.runtime.ingest import CorruptDocumentError, parse_document

GENERATOR = Path(__file__).resolve().parents[2] / "scripts" / "make_examples.py"
SAMPLES = (
    "invoice-clean.pdf",
    "invoice-total-mismatch.pdf",
    "receipt-photo.jpg",
    "contract-nda.txt",
    "memo-unknown.html",
    "corrupt.pdf",
)


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_examples", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("examples")
    assert load_generator().main(["make_examples.py", str(out)]) == 0
    return out


def read(samples: Path, name: str) -> bytes:
    return (samples / name).read_bytes()


def test_generator_writes_every_sample_and_is_deterministic(samples, tmp_path):
    assert load_generator().main(["make_examples.py", str(tmp_path)]) == 0

    for name in SAMPLES:
        assert read(samples, name) == read(tmp_path, name), name


def test_clean_invoice_has_a_text_layer_with_consistent_totals(samples):
    parsed = parse_document(read(samples, "invoice-clean.pdf"), "invoice-clean.pdf")

    assert parsed.method == "text-layer" and len(parsed.pages) == 1
    text = parsed.pages[0]
    for line in ("Invoice No.:  NW-2024-0117", "Subtotal  £655.17", "VAT 20%  £131.03", "Total (GBP)  £786.20"):
        assert line in text
    item_amounts = [Decimal(line.rsplit("£", 1)[1]) for line in text.splitlines() if line.count("£") == 2]
    assert len(item_amounts) == 5
    assert sum(item_amounts) == Decimal("655.17")
    assert Decimal("655.17") + Decimal("131.03") == Decimal("786.20")


def test_mismatched_invoice_prints_a_total_that_does_not_add_up(samples):
    text = parse_document(read(samples, "invoice-total-mismatch.pdf"), "x.pdf").pages[0]

    assert "Nettobetrag  1.234,56 €" in text and "zzgl. MwSt. 19 %  234,57 €" in text
    assert "Gesamtbetrag  1.496,13 €" in text  # net + VAT is 1.469,13 €


@pytest.mark.ocr
def test_receipt_photo_reads_vendor_date_and_total(samples):
    parsed = parse_document(read(samples, "receipt-photo.jpg"), "receipt-photo.jpg")

    assert parsed.method == "ocr"
    lines = parsed.pages[0].splitlines()
    assert "KEDAI RUNCIT SRI MURNI" in lines
    assert "DATE: 15/03/2024 TIME: 18:42" in lines
    assert "TOTAL RM 72.95" in lines


def test_contract_and_memo_parse_as_text(samples):
    contract = parse_document(read(samples, "contract-nda.txt"), "contract-nda.txt")
    memo = parse_document(read(samples, "memo-unknown.html"), "memo-unknown.html")

    assert contract.method == "plain" and len(contract.pages) == 2
    assert "two (2) years" in contract.pages[0] and "IN WITNESS WHEREOF" in contract.pages[1]
    assert memo.method == "html"
    assert "Thu 19 Sep, from 17:00\tData platform team\tRoom 3.12 (east wing)" in memo.pages[0]
    assert "analyticsQueue" not in memo.pages[0]


def test_corrupt_sample_fails_cleanly(samples):
    with pytest.raises(CorruptDocumentError, match="PDF could not be read: it is damaged or cut off"):
        parse_document(read(samples, "corrupt.pdf"), "corrupt.pdf")
