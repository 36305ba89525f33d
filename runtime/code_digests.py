"""Code digests kept on disk, so a process does not hash the same code again at every start.

The workflow version hashes the syntax tree of claimflow's decision code and of each active rule
(`claimflow.runtime.version`): parsing and dumping some forty modules is a fifth of a second here, paid before a
process's first run may start. Its result depends only on the source text and the Python that parsed it, so it is
kept by the sha256 of both: a changed source, or another Python, is a miss and is hashed anew; nothing stale can
be read. The file (`CODE_DIGEST_FILE`) is the installation's, not a data directory's: it lives in the user's cache
folder (`CLAIMFLOW_CACHE_DIR`, else `$XDG_CACHE_HOME/claimflow`, else `~/.cache/claimflow`), so a fresh data
directory (an evaluation's, a test's) skips the hashing too. It holds digests only, nothing read from a document.
It is only ever a shortcut: a file that cannot be read or written (a read-only home, a damaged file) is ignored and
the digests are computed as without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from claimflow.runtime.private import FILE_MODE, private_dir

CODE_DIGEST_FILE = "code-digests.json"
"""The cache's file in the data directory."""


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """`$XDG_CACHE_HOME/claimflow`, else `~/.cache/claimflow`; None where no home folder can be found."""
    values = os.environ if environ is None else environ
    xdg = values.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():  # the XDG spec: a relative path is to be ignored
        return Path(xdg) / "claimflow"
    try:
        return Path.home() / ".cache" / "claimflow"
    except RuntimeError:  # no HOME, and no entry for this user in the password database
        return None


KEEP = 2_000
"""The most digests the file keeps: each start of a changed installation adds a few dozen; the oldest go first."""


def source_key(source: str) -> str:
    """The key a digest of `source` is kept under: its text and the interpreter that parses it."""
    return hashlib.sha256(f"{sys.version}\0{source}".encode()).hexdigest()


class CodeDigests:
    """Digests of source texts, read from `path` when made, written back by `save` if any was computed.

    Without a path (no cache folder) it only remembers what this process computed.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._known: dict[str, str] = self._load(path) if path is not None else {}
        self._computed = False

    @staticmethod
    def _load(path: Path) -> dict[str, str]:
        try:
            found = json.loads(path.read_bytes())
        except (OSError, ValueError):  # missing, unreadable or damaged: computed anew
            return {}
        if not isinstance(found, dict):
            return {}
        return {key: value for key, value in found.items() if isinstance(key, str) and isinstance(value, str)}

    def digest(self, source: str, compute: Callable[[str], str]) -> str:
        """`compute(source)`, or the digest kept for the same source text and interpreter."""
        key = source_key(source)
        found = self._known.pop(key, None)
        if found is None:
            found = compute(source)
            self._computed = True
        self._known[key] = found  # last: the most recently used are kept when the file is trimmed
        return found

    def save(self) -> None:
        """Write the digests back if any was computed; a file that cannot be written is left as it was."""
        if self.path is None or not self._computed:
            return
        kept = dict(list(self._known.items())[-KEEP:])
        with contextlib.suppress(OSError):
            private_dir(self.path.parent)
            # Write then rename: a process reading meanwhile sees the old file or the new one, never half of one.
            # The temporary file is made 0600 and keeps that mode under its final name.
            with tempfile.NamedTemporaryFile("wb", dir=self.path.parent, delete=False, prefix=".code-digests-") as f:
                f.write(json.dumps(kept).encode())
            try:
                os.chmod(f.name, FILE_MODE)
                os.replace(f.name, self.path)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(f.name)
                raise
        self._computed = False
