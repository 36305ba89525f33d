"""Train the Zstandard dictionary claimflow compresses checkpoint values with, from runs of the example documents.

    .venv/bin/python scripts/make_checkpoint_dictionary.py [--size 16384]

Every example document (examples/documents/, and examples/custom_type/docs/ as the `purchase_order` type) runs
through the engine with the offline `rules` model, in a data directory of its own; each run paused at review is
approved, so the values of a review and of its answer are among the samples too. The values the checkpoint
database then holds (checkpoints and writes, as large as `COMPRESS_FROM` or larger, decompressed) are the
samples. The dictionary is written to `runtime/checkpoint_dictionaries/<id>.zdict`, `<id>` being the first 16
hex digits of its sha256; set `CURRENT` in `runtime/checkpoint_dictionary.py` to it for new values to use it.
Keep every dictionary that was ever shipped: values compressed with one load only while claimflow has it.

The samples hold uuids and times, so two trainings give different dictionaries of the same use.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import zstandard

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples" / "custom_type"))

from claimflow_purchase_orders import PURCHASE_ORDER  # noqa: E402 - found through the path above

import claimflow  # noqa: E402
from claimflow.doctypes import BUILTIN_TYPES  # noqa: E402
from claimflow.runtime.checkpoint_dictionary import FOLDER, dictionary_id  # noqa: E402
from claimflow.runtime.checkpoint_serde import COMPRESS_FROM, serializer  # noqa: E402
from claimflow.runtime.settings import Settings  # noqa: E402


async def run_examples(data_dir: Path, documents: list[Path]) -> None:
    """Each document through the engine; a run paused at review approved."""
    settings = Settings.load(data_dir=data_dir)
    async with claimflow.open_engine(settings, types=(*BUILTIN_TYPES, PURCHASE_ORDER)) as engine:
        for document in documents:
            run = await engine.process(document)
            pending = await engine.pending_review(run.run_id)
            if pending is not None:
                approval = claimflow.ReviewDecision(reviewer="trainer", action="approve")
                try:
                    await engine.decide(run.run_id, approval, interrupt_id=pending.interrupt_id)
                except claimflow.InvalidDecisionError:
                    reject = claimflow.ReviewDecision(reviewer="trainer", action="reject", reason="sample")
                    await engine.decide(run.run_id, reject, interrupt_id=pending.interrupt_id)


def stored_values(data_dir: Path) -> Iterator[bytes]:
    """The msgpack of every checkpoint and write the data directory's checkpoint database holds, decompressed."""
    serde = serializer()
    for path in sorted(data_dir.rglob("*")):
        if not path.is_file():
            continue
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as database:
                rows = database.execute(
                    "SELECT type, checkpoint FROM checkpoints UNION ALL SELECT type, value FROM writes"
                ).fetchall()
        except sqlite3.DatabaseError:
            continue  # not the checkpoint database
        for stored_type, blob in rows:
            type_, raw = serde.decompressed(stored_type, blob)
            if type_ == "msgpack" and len(raw) >= COMPRESS_FROM:
                yield raw


def main() -> None:
    """Run the examples, train on what their checkpoints hold, write the dictionary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=16384, help="the dictionary's size in bytes (default 16384)")
    args = parser.parse_args()
    examples = ROOT / "examples"
    documents = sorted((examples / "documents").iterdir()) + sorted((examples / "custom_type" / "docs").iterdir())
    samples: list[bytes] = []
    with tempfile.TemporaryDirectory(prefix="claimflow-dictionary-") as folder:
        for index, document in enumerate(documents):
            data_dir = Path(folder) / f"data-{index}"
            asyncio.run(run_examples(data_dir, [document]))
            samples += stored_values(data_dir)
    trained = zstandard.train_dictionary(args.size, samples, level=1).as_bytes()
    FOLDER.mkdir(exist_ok=True)
    target = FOLDER / f"{dictionary_id(trained)}.zdict"
    target.write_bytes(trained)
    print(f"{len(samples)} samples, {sum(map(len, samples))} bytes: wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
