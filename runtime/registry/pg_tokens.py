"""API tokens in Postgres (`claimflow_api_tokens`): the same contract as the SQLite `TokenTable`."""

from __future__ import annotations

import time
from collections.abc import Sequence

import psycopg

from claimflow.runtime.registry._pg_schema import PgDatabase
from claimflow.runtime.registry.tokens import TokenExistsError, TokenRow, token_row, types_json


class PgTokenTable(PgDatabase):
    """The claimflow_api_tokens table."""

    def create_token(self, *, name: str, token_hash: str, role: str, types: Sequence[str] | None) -> TokenRow:
        """Store a new token's hash; a revoked token's name may be used again, an active one's not."""
        try:
            with self._write() as conn:
                row = conn.execute(
                    "INSERT INTO claimflow_api_tokens (name, token_hash, role, types, created_at, revoked_at)"
                    " VALUES (%s, %s, %s, %s::jsonb, %s, NULL) ON CONFLICT (name) DO UPDATE SET"
                    " token_hash = EXCLUDED.token_hash, role = EXCLUDED.role, types = EXCLUDED.types,"
                    " created_at = EXCLUDED.created_at, revoked_at = NULL"
                    " WHERE claimflow_api_tokens.revoked_at IS NOT NULL RETURNING *",
                    (name, token_hash, role, types_json(types), time.time()),
                ).fetchone()
        except psycopg.errors.UniqueViolation:
            raise TokenExistsError("this token is already stored; create another") from None
        if row is None:
            raise TokenExistsError(f"a token named {name!r} exists; revoke it first, or choose another name")
        return token_row(row)

    def tokens(self) -> list[TokenRow]:
        """Every token, revoked ones too, by name."""
        return [token_row(row) for row in self._all("SELECT * FROM claimflow_api_tokens ORDER BY name")]

    def revoke_token(self, name: str) -> bool:
        """Revoke the active token with this name; False when there is none."""
        with self.session() as conn:
            cursor = conn.execute(
                "UPDATE claimflow_api_tokens SET revoked_at = %s WHERE name = %s AND revoked_at IS NULL",
                (time.time(), name),
            )
            return cursor.rowcount > 0

    def token_by_hash(self, token_hash: str) -> TokenRow | None:
        """The active token with this hash, if any."""
        rows = self._all(
            "SELECT * FROM claimflow_api_tokens WHERE token_hash = %s AND revoked_at IS NULL", (token_hash,)
        )
        return token_row(rows[0]) if rows else None
