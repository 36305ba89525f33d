"""Opening a data directory's SQLite database read only, in a folder this process may not write.

The databases are in WAL mode, where even a reader writes: it opens the `-shm` file (the log's index), creating
it and the `-wal` file if they are missing. So where neither the folder nor the files may be written (a copy
mounted read-only, another user's data directory), SQLite's own read-only open fails, and a URI says how to read.
"""

from __future__ import annotations

import errno
import urllib.parse
from pathlib import Path

from claimflow.runtime.data_dir import DataDirectoryError


def read_only_uri(path: Path) -> str:
    """The URI that opens the database at `path` for reading only, with nothing written beside it.

    - The `-wal` and `-shm` files beside it: `mode=ro`. A process that may write can have the database open
      (the log then holds commits the file does not have yet); SQLite reads the log through its index under the
      same locks as any reader, so what is read is a committed state, the latest commits included.
    - Otherwise, with no `-wal` file or an empty one: `mode=ro&immutable=1`. No connection has the database
      open, and the last to close folded the log into the file, which holds every commit. `mode=ro` alone cannot
      open it here (SQLite would create the `-shm` file). `immutable` takes no lock and reads no log, which is
      right while nothing writes: on a read-only mount nothing can; in another user's folder its owner could
      begin to while a command reads, which a reader without write access can neither stop nor see.
    - A `-wal` file with commits but no `-shm` file (copied without it): refused. `immutable` would read the
      file without the log's commits, as if they had never been made, and `mode=ro` cannot open it.

    Raises:
        DataDirectoryError: The database is not there, or its log cannot be read without its index.
    """
    log, index = path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")
    if not path.is_file():
        missing = f"it holds no {path.name}, which this command only reads (and cannot create here)"
        raise DataDirectoryError(path.parent, FileNotFoundError(errno.ENOENT, missing))
    uri = f"file:{urllib.parse.quote(str(path.absolute()))}?mode=ro"
    if log.exists() and index.exists():
        return uri
    if not log.exists() or log.stat().st_size == 0:
        return f"{uri}&immutable=1"
    reason = (
        f"{log.name} holds commits, and without {index.name} beside it they cannot be read where nothing may be "
        "written: open it once where it may be written, or copy the data directory with every file in it"
    )
    raise DataDirectoryError(path.parent, OSError(errno.EACCES, reason, str(log)))
