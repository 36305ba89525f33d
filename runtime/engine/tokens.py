"""API tokens: made here, shown once, stored as hashes; a presented token is looked up by its hash."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from claimflow.runtime.registry import ROLES, AsyncRegistry, RegistryError, TokenRow
from claimflow.state.schema import DocumentTypes

if TYPE_CHECKING:
    from claimflow.runtime.settings import Settings

TOKEN_PREFIX = "cf_"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")


NAME_RULE = "1-100 letters, digits and . _ @ + -, starting with a letter or digit"
"""What a token's name may be, in words: the names reviews are assigned to and decisions recorded under."""


def is_token_name(name: str) -> bool:
    """Whether a token may have `name` (NAME_RULE)."""
    return _NAME.fullmatch(name) is not None


class TokenRequestError(RegistryError):
    """A token cannot be made as asked (a malformed name, an unknown role or type)."""


def hash_token(token: str) -> str:
    """What is stored of a token: its SHA-256. Tokens are 256 random bits, so no slow hash is needed."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Tokens:
    """Making, listing, revoking and checking the tokens `claimflow serve` accepts."""

    registry: AsyncRegistry
    types: DocumentTypes
    settings: Settings

    async def create_token(self, name: str, role: str, types: Sequence[str] | None = None) -> tuple[str, TokenRow]:
        """A new token (returned once, never stored) and its stored row.

        `types` limits a reviewer to reviews and runs of those document types; other roles take none. A name that
        is a reviewer group of the policy is refused: where a review is assigned to the group, it is the group's.
        """
        if not is_token_name(name):
            raise TokenRequestError(f"token name {name!r}: use {NAME_RULE}")
        if name in self.settings.policy.review.groups:
            # The name would stand for the whole group where a review is assigned to it.
            raise TokenRequestError(
                f"token name {name!r} is a reviewer group of the policy (review.groups): a review assigned to the "
                "group is for its members; give the token a reviewer's own name"
            )
        if role not in ROLES:
            raise TokenRequestError(f"role {role!r}: use one of {', '.join(ROLES)}")
        if types is not None:
            if role != "reviewer":
                raise TokenRequestError(f"--types limits what a reviewer sees; a {role} token takes none")
            if not types:
                raise TokenRequestError("--types names no type; leave it out for all types")
            for doc_type in types:
                self.types.get(doc_type)  # an unknown type is an error, not a token that sees nothing
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = await self.registry.create_token(name=name, token_hash=hash_token(token), role=role, types=types)
        return token, row

    async def api_tokens(self) -> list[TokenRow]:
        """Every token (names, roles, types, times; never the token), revoked ones too."""
        return await self.registry.tokens()

    async def revoke_token(self, name: str) -> bool:
        """Revoke the named token at once; False when no active token has that name."""
        return await self.registry.revoke_token(name)

    async def token_owner(self, token: str) -> TokenRow | None:
        """The active token a presented token string is, or None (unknown, revoked or malformed)."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        return await self.registry.token_by_hash(hash_token(token))
