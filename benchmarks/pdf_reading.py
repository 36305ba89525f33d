"""Milliseconds to read PDFs as a run's parse step does: PDFium's text layer, what a reader cannot see left out.

Usage:
    python benchmarks/pdf_reading.py [PATH ...] [--repeats 5] [--by-file]

PATHs are PDF files, or folders searched for `*.pdf` (default: the repository's examples). Each repetition parses
every file once with `parse_document` (a scanned page goes to OCR, which then dominates: point it at text-layer
PDFs to time the text layer). Printed per repetition: the milliseconds for all the files and per page; then the
median and the min. With `--by-file`, each file's median too.

No target: a reading, to compare two versions of the code (run each checkout's copy of this script, taking turns)
or two machines. The text layer's figures in docs/benchmarks.md (2026-12-06) are this over the development set's
50 text-layer PDFs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from functools import partial
from pathlib import Path

from _report import milliseconds, table

from claimflow.runtime.ingest import IngestError, parse_document

EXAMPLES = (Path(__file__).parent.parent / "examples",)


def pdfs(paths: list[Path]) -> list[Path]:
    """The PDF files named, and those under the folders named, in order."""
    found: list[Path] = []
    for path in paths:
        found += sorted(path.rglob("*.pdf")) if path.is_dir() else [path]
    return found


def readable(files: list[Path]) -> tuple[list[tuple[Path, bytes]], int]:
    """The files that parse (a corrupt one, kept among the examples on purpose, is left out) and their pages."""
    kept, pages = [], 0
    for path in files:
        data = path.read_bytes()
        try:
            pages += len(parse_document(data, path.name).pages)  # also warms PDFium and the modules up
        except IngestError as error:
            print(f"left out {path}: {error}")
            continue
        kept.append((path, data))
    return kept, pages


def main(argv: list[str]) -> None:
    """Parse the files `--repeats` times; print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, default=list(EXAMPLES), help="PDF files or folders")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions, at least 5 (default 5)")
    parser.add_argument("--by-file", action="store_true", help="also each file's median")
    args = parser.parse_args(argv)
    if args.repeats < 5:
        parser.error("--repeats must be at least 5")
    files, pages = readable(pdfs(args.paths))
    if not files:
        parser.error("no readable PDF among the paths")
    print(f"{len(files)} PDFs, {pages} pages")
    totals: list[float] = []
    by_file: dict[Path, list[float]] = {path: [] for path, _ in files}
    for _ in range(args.repeats):
        total = 0.0
        for path, data in files:
            spent = milliseconds(partial(parse_document, data, path.name))
            by_file[path].append(spent)
            total += spent
        totals.append(total)
    table({"ms, all files": totals, "ms a page": [total / pages for total in totals]}, 2)
    if args.by_file:
        for path, times in by_file.items():
            print(f"{statistics.median(times):10.2f} ms  {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
