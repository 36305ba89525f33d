"""The Zstandard dictionaries checkpoint values are compressed with: trained on claimflow's own state, shipped.

A checkpoint value is a few hundred bytes to a few kilobytes of msgpack spelling out the same module, class and
field names and event types as every other one, and compressed alone each would start from nothing. A
dictionary trained on such values (`scripts/make_checkpoint_dictionary.py`, from runs of the example documents)
gives each of them that head start: on receipts' checkpoint values (none of them in its training set), 5.6x
smaller at Zstandard's level 1 where 2.8x without one, compressed in two thirds of the time and read back in a
quarter.

Every dictionary ever shipped stays in `checkpoint_dictionaries/`, named by its `dictionary_id`, which a value's
type tag names (`msgpack+zstd:<id>`): a value compressed with an earlier one loads as long as claimflow ships
it, and a new dictionary (`CURRENT`) changes only what new values are compressed with.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import zstandard

# Raised here, defined with the other errors: the CLI tells it without importing Zstandard.
from claimflow.runtime.errors import UnknownDictionaryError

__all__ = ["CURRENT", "FOLDER", "LEVEL", "UnknownDictionaryError", "dictionary", "dictionary_id"]

CURRENT: str | None = "bb78315a44680e28"
"""The dictionary new values are compressed with (None: none, as before dictionaries)."""

FOLDER = Path(__file__).with_name("checkpoint_dictionaries")
"""Where the dictionaries are, one `<id>.zdict` file each."""

LEVEL = 1
"""The Zstandard level values are compressed at (level 3 shrank them a few percent more where measured)."""


def dictionary_id(content: bytes) -> str:
    """A dictionary's id: the first 16 hex digits of the sha256 of its bytes."""
    return hashlib.sha256(content).hexdigest()[:16]


@cache
def dictionary(dict_id: str) -> zstandard.ZstdCompressionDict:
    """The dictionary `dict_id`, read once and prepared for compressing at `LEVEL`, shared by every thread.

    A prepared dictionary is only read by the compressions that use it, so threads may share it; each is prepared
    before it is returned (two threads asking at once may each prepare one: the cache keeps either).
    """
    path = FOLDER / f"{dict_id}.zdict"
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise UnknownDictionaryError(
            f"a checkpoint value was compressed with dictionary {dict_id}, which this claimflow does not have "
            f"(no {path.name} in {FOLDER}): it was written by a newer claimflow; upgrade to read it",
            dict_id=dict_id,
        ) from None
    if dictionary_id(content) != dict_id:
        raise UnknownDictionaryError(
            f"{path} is not the dictionary {dict_id} (its content differs): reinstall", dict_id=dict_id, damaged=True
        )
    prepared = zstandard.ZstdCompressionDict(content)
    prepared.precompute_compress(level=LEVEL)
    return prepared
