"""API tokens: who may call the service, in which role, for which document types. Only hashes are stored."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from claimflow.runtime.registry._database import Database
from claimflow.runtime.registry.runs import RegistryError

ROLES = ("submitter", "reviewer", "admin", "monitor")
"""What a token may do: submit and read runs; also review (of its types); everything; read `/metrics` only."""

READ_ROLES = ("submitter", "reviewer", "admin")
"""The roles that may read runs, their events, pages and the active types: every role but monitor."""


class TokenExistsError(RegistryError):
    """A token with this name is in use; revoke it first, or choose another name."""


@dataclass(frozen=True)
class TokenRow:
    """One API token as stored: its name, role, the document types it is limited to, and when it was revoked."""

    name: str
    role: str
    types: tuple[str, ...] | None
    """The document types a reviewer may see and decide; None for all."""
    created_at: float
    revoked_at: float | None = None


def token_row(row: Mapping[str, Any]) -> TokenRow:
    """A stored row as a `TokenRow` (types are JSON text in SQLite, JSON values in Postgres)."""
    types = row["types"]
    if isinstance(types, str):
        types = json.loads(types)
    return TokenRow(
        name=row["name"],
        role=row["role"],
        types=tuple(types) if types is not None else None,
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


def types_json(types: Sequence[str] | None) -> str | None:
    """The types a token is limited to, as stored (sorted, without duplicates)."""
    return None if types is None else json.dumps(sorted(set(types)))


class TokenTable(Database):
    """The api_tokens table."""

    def create_token(self, *, name: str, token_hash: str, role: str, types: Sequence[str] | None) -> TokenRow:
        """Store a new token's hash; a revoked token's name may be used again, an active one's not."""
        with self._write() as db:
            found = db.execute("SELECT revoked_at FROM api_tokens WHERE name = ?", (name,)).fetchone()
            if found is not None and found["revoked_at"] is None:
                raise TokenExistsError(f"a token named {name!r} exists; revoke it first, or choose another name")
            # A revoked token's row gives way to the new one; never REPLACE, which would drop any row whose
            # hash collides too.
            db.execute("DELETE FROM api_tokens WHERE name = ? AND revoked_at IS NOT NULL", (name,))
            try:
                db.execute(
                    "INSERT INTO api_tokens (name, token_hash, role, types, created_at, revoked_at)"
                    " VALUES (?, ?, ?, ?, ?, NULL)",
                    (name, token_hash, role, types_json(types), time.time()),
                )
            except sqlite3.IntegrityError:
                raise TokenExistsError("this token is already stored; create another") from None
        return self._token(name)

    def _token(self, name: str) -> TokenRow:
        row = self._db.execute("SELECT * FROM api_tokens WHERE name = ?", (name,)).fetchone()
        assert row is not None  # written just before
        return token_row(row)

    def tokens(self) -> list[TokenRow]:
        """Every token, revoked ones too, by name."""
        return [token_row(row) for row in self._db.execute("SELECT * FROM api_tokens ORDER BY name")]

    def revoke_token(self, name: str) -> bool:
        """Revoke the active token with this name; False when there is none."""
        with self._write() as db:
            cursor = db.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", (time.time(), name)
            )
        return cursor.rowcount > 0

    def token_by_hash(self, token_hash: str) -> TokenRow | None:
        """The active token with this hash, if any."""
        row = self._db.execute(
            "SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", (token_hash,)
        ).fetchone()
        return token_row(row) if row is not None else None
