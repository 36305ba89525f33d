"""What prune deletes from SQLite leaves none of its bytes in the database file.

SQLite frees the pages of a deleted row without overwriting them unless `secure_delete` is on, and whether it is
on by default depends on how the library was built (Debian's sqlite is built with it, python.org's and many
others are not). Without it, the documents, texts and masking maps a prune removed would still be readable in
`documents.db` and `checkpoints.db`, page by page, until SQLite reused the pages or the file was vacuumed. So the
databases prune deletes from set it themselves, on every connection that writes.

The write-ahead log keeps its own copy of every page written, the document's as it was saved among them: while
another process (`claimflow serve`, a worker) holds the database open, the log is not removed when the prune's
connection closes, and its old frames stay in `-wal`. So a prune ends by checkpointing both logs into their
databases and truncating them (`TRUNCATE_WAL`).
"""

from __future__ import annotations

__all__ = ["SECURE_DELETE", "TRUNCATE_WAL"]

SECURE_DELETE = "PRAGMA secure_delete=ON"
"""Deleted content is overwritten with zeros (in the write-ahead log, then in the file when it is checkpointed)."""
TRUNCATE_WAL = "PRAGMA wal_checkpoint(TRUNCATE)"
"""Copy the log into the database and empty it, waiting (the busy timeout) for readers of it to finish."""
