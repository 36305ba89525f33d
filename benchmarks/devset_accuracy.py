"""Accuracy of claimflow on a development set with expected values.

Usage:
    python benchmarks/devset_accuracy.py DEVSET_DIR [--extractor-only] [--limit N] [--source S] [--show-errors]

`--extractor-only` calls the rules backend's `classify`/`extract` directly (extraction uses the
true type when classification is wrong, and both are reported). Without it, the documents go
through the full pipeline, `claimflow run --json --data-dir TMP FILES...`, and auto-accepted
means a field with status "accepted" in a document with status "completed".

The devset folder is only read; everything written goes to a temporary directory.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

SCORED: dict[str, dict[str, str]] = {
    "invoice": {
        "vendor_name": "name", "invoice_number": "identifier", "issue_date": "exact", "due_date": "exact",
        "currency": "exact", "net_amount": "amount", "tax_amount": "amount", "total_amount": "amount",
    },
    "receipt": {
        "vendor_name": "name", "vendor_address": "name", "issue_date": "exact", "total_amount": "amount",
        "currency": "exact",
    },
    "contract": {"parties": "parties", "effective_date": "exact", "jurisdiction": "name", "term": "exact"},
}  # fmt: skip
AUTO_ACCEPT = 0.8
_LEGAL_WORDS = {
    "incorporated": "inc", "corporation": "corp", "company": "co", "limited": "ltd", "the": "",
}  # fmt: skip
_MASKS = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[EMAIL_{}]"),
    # Phone numbers after a label or written internationally; a bare "19/10/2018 20:49" is a date.
    (
        re.compile(
            r"(?:(?<=[Tt][Ee][Ll])|(?<=[Ff][Aa][Xx])|(?<=[Pp]hone))[.:\s]*\(?\d[\d()/-]{5,}\d(?: \d{3,4}(?![\d/.:]))*"
        ),
        " [PHONE_{}]",
    ),
    (re.compile(r"\+\d[\d ()/-]{7,}\d"), "[PHONE_{}]"),
)


# ---------------------------------------------------------------- comparison
def _norm_name(text: str) -> str:
    words = re.sub(r"[^\w\s]", " ", text.casefold()).split()
    return "".join(_LEGAL_WORDS.get(word, word) for word in words)


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError):
        return None


def same(kind: str, got: str, expected: str) -> bool:
    """Whether a claimed value matches the expected one under the devset's comparison rules."""
    if kind == "amount":
        return _amount(got) is not None and _amount(got) == _amount(expected)
    if kind == "identifier":
        return re.sub(r"[\W_]", "", got).casefold() == re.sub(r"[\W_]", "", expected).casefold()
    if kind == "name":
        a, b = _norm_name(got), _norm_name(expected)
        return bool(a) and (a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.9)
    return got.strip().casefold() == expected.strip().casefold()


# ---------------------------------------------------------------- reading documents
def read_pages(path: Path) -> list[str]:
    """Page texts of a devset document: the ingest parser if present, else pypdfium2 / plain text."""
    try:
        from claimflow.runtime.ingest import parse_document  # type: ignore[attr-defined]

        return list(parse_document(path.read_bytes(), path.name).pages)
    except ImportError:
        pass
    if path.suffix.lower() == ".pdf":
        import pypdfium2

        pdf = pypdfium2.PdfDocument(str(path))
        try:
            return [pdf[i].get_textpage().get_text_bounded().replace("\r\n", "\n") for i in range(len(pdf))]
        finally:
            pdf.close()
    return [path.read_text(encoding="utf-8", errors="replace")]


def mask(pages: Sequence[str]) -> list[str]:
    """A stand-in for the mask step: emails and phone-like numbers become placeholders."""
    out = []
    for text in pages:
        for pattern, template in _MASKS:
            counter = iter(range(1, 10**6))
            text = pattern.sub(lambda _m, t=template, c=counter: t.format(next(c)), text)
        out.append(text)
    return out


# ---------------------------------------------------------------- results
@dataclass
class Claimed:
    """What one run claimed for one document."""

    doc_type: str
    values: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    """Field name -> (value, auto-accepted) per claim."""


@dataclass
class Tally:
    """Counts for one group of documents."""

    docs: int = 0
    classified: int = 0
    expected: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    correct: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    claimed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    auto: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    auto_ok: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def score(doc: dict[str, object], claimed: Claimed, tally: Tally, errors: list[str]) -> None:
    """Add one document's outcome to a tally."""
    doc_type = str(doc["doc_type"])
    expected = dict(doc["expected"])  # type: ignore[call-overload]
    tally.docs += 1
    tally.classified += claimed.doc_type == doc_type
    for name, kind in SCORED[doc_type].items():
        want = expected.get(name)
        got = claimed.values.get(name, [])
        wanted = [str(w) for w in want] if isinstance(want, list) else [str(want)] if want else []
        if wanted:
            tally.expected[name] += 1
        if got:
            tally.claimed[name] += 1
        kind_one = "name" if kind == "parties" else kind
        oks = [any(same(kind_one, value, w) for w in wanted) for value, _ in got]
        if kind == "parties":
            hit = bool(wanted) and sorted(_norm_name(w) for w in wanted) == sorted(
                _norm_name(next((w for w in wanted if same("name", v, w)), v)) for v, _ in got
            )
        else:
            hit = bool(wanted) and bool(oks) and oks[0]
        tally.correct[name] += hit
        for (value, auto), ok in zip(got, oks, strict=True):
            if auto:
                tally.auto[name] += 1
                tally.auto_ok[name] += ok
                if not ok:
                    errors.append(f"  AUTO-WRONG {doc['id']} {name}: got {value!r}, expected {want!r}")
        if wanted and not hit:
            errors.append(f"  miss {doc['id']} {name}: got {[v for v, _ in got]!r}, expected {want!r}")


# ---------------------------------------------------------------- runners
def run_extractor(docs: Sequence[dict[str, object]], root: Path) -> list[Claimed]:
    """Call the rules backend directly."""
    from claimflow.runtime.backends import rules

    out = []
    for doc in docs:
        pages = mask(read_pages(root / str(doc["file"])))
        classification = rules.classify(pages)
        extraction = rules.extract(doc["doc_type"], pages)  # type: ignore[arg-type]
        claimed = Claimed(classification.doc_type)
        for claim in extraction.fields:
            claimed.values.setdefault(claim.field, []).append((claim.value, claim.confidence >= AUTO_ACCEPT))
        out.append(claimed)
    return out


def run_pipeline(docs: Sequence[dict[str, object]], root: Path) -> list[Claimed]:
    """Run the documents through `claimflow run --json` in a temporary data directory."""
    with tempfile.TemporaryDirectory() as tmp:
        files = [str(root / str(doc["file"])) for doc in docs]
        # The installed console script if there is one, else the module from this checkout.
        script = shutil.which("claimflow") or shutil.which("claimflow", path=str(Path(sys.executable).parent))
        program = [script] if script else [sys.executable, "-c", "from runtime.cli import main; main()"]
        cmd = [*program, "run", "--json", "--data-dir", tmp, *files]
        repo = Path(__file__).resolve().parents[1]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=repo)
        if not any(line.lstrip().startswith("{") for line in done.stdout.splitlines()):
            raise SystemExit(f"claimflow run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    by_name: dict[str, dict[str, object]] = {}
    for line in done.stdout.splitlines():
        if line.strip().startswith("{"):
            record = json.loads(line)
            by_name[Path(str(record.get("document", ""))).name] = record
    out = []
    for doc in docs:
        record = by_name.get(Path(str(doc["file"])).name, {})
        claimed = Claimed(str(record.get("doc_type") or "unknown"))
        completed = record.get("status") == "completed"
        for name, info in dict(record.get("fields") or {}).items():  # type: ignore[call-overload]
            values = info.get("value")
            if info.get("status") in ("missing", "rejected") or values in (None, "", []):
                continue
            auto = completed and info.get("status") == "accepted"
            for value in values if isinstance(values, list) else [values]:
                claimed.values.setdefault(name, []).append((str(value), auto))
        out.append(claimed)
    return out


# ---------------------------------------------------------------- report
def _pct(num: int, den: int) -> str:
    return f"{100 * num / den:5.1f}%" if den else "   - "


def report(title: str, tally: Tally, doc_type: str) -> None:
    """Print one group's figures."""
    print(f"\n{title}: {tally.docs} docs, classification {_pct(tally.classified, tally.docs)}")
    print(f"  {'field':16} {'accuracy':>16} {'claimed':>8} {'auto-accepted precision':>26}")
    total_auto = total_ok = 0
    for name in SCORED[doc_type]:
        exp, ok = tally.expected[name], tally.correct[name]
        auto, auto_ok = tally.auto[name], tally.auto_ok[name]
        total_auto, total_ok = total_auto + auto, total_ok + auto_ok
        accuracy = f"{ok}/{exp} {_pct(ok, exp)}"
        print(f"  {name:16} {accuracy:>16} {_pct(tally.claimed[name], tally.docs):>8} "
              f"{f'{auto_ok}/{auto} {_pct(auto_ok, auto)}':>26}")  # fmt: skip
    print(f"  {'all fields':16} {'':>16} {'':>8} {f'{total_ok}/{total_auto} {_pct(total_ok, total_auto)}':>26}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("devset", type=Path)
    parser.add_argument("--extractor-only", action="store_true", help="call the rules backend directly")
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents")
    parser.add_argument("--source", default="", help="only documents of this source")
    parser.add_argument("--show-errors", action="store_true", help="list wrong and missed values")
    args = parser.parse_args(argv)
    # Run as a script from anywhere: the repository root holds the packages.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    root: Path = args.devset
    docs = [json.loads(line) for line in (root / "manifest.jsonl").read_text().splitlines() if line.strip()]
    docs = [d for d in docs if not args.source or d["source"] == args.source]
    docs = docs[: args.limit] if args.limit else docs
    claims = run_extractor(docs, root) if args.extractor_only else run_pipeline(docs, root)
    by_type: dict[str, Tally] = defaultdict(Tally)
    by_source: dict[tuple[str, str], Tally] = defaultdict(Tally)
    errors: list[str] = []
    for doc, claimed in zip(docs, claims, strict=True):
        score(doc, claimed, by_type[doc["doc_type"]], errors)
        score(doc, claimed, by_source[(doc["doc_type"], doc["source"])], [])
        if claimed.doc_type != doc["doc_type"]:
            errors.append(f"  CLASS {doc['id']}: got {claimed.doc_type}, expected {doc['doc_type']}")
    print(f"mode: {'extractor-only (rules backend)' if args.extractor_only else 'full pipeline (claimflow run)'}")
    for doc_type, tally in sorted(by_type.items()):
        report(f"== {doc_type}", tally, doc_type)
    for (doc_type, source), tally in sorted(by_source.items()):
        report(f"-- {doc_type} / {source}", tally, doc_type)
    if args.show_errors:
        print("\nerrors:")
        print("\n".join(sorted(errors)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
