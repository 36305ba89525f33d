"""Why a sign-in (or a sign-out) was refused, carried across its redirect by a fixed name, never by its words.

A refused sign-in is answered with a redirect (303) to the sign-in page, so reloading it never posts the token
again. There is no session yet to sign what the address carries (`flash_mark`), so it carries only the name of
one of these fixed refusals (`?refused=`): a crafted link can at most show one of them, never words of its own,
and the token itself is never in an address. The role a token has is one of the closed set of roles, so the
refusal of a token that may not review names it; the token holder's name is not said (anyone could write a link
naming anyone). A sign-out's stale form is answered the same way, on the page its redirect leads to.
"""

from __future__ import annotations

from claimflow.runtime.registry.tokens import ROLES
from claimflow.runtime.web.render import REVIEW_BASE
from claimflow.runtime.web.session import REVIEW_ROLES

__all__ = [
    "ANOTHER_SITE",
    "NOT_SIGNED_OUT",
    "NOT_SIGNED_OUT_TEXT",
    "NOT_VALID",
    "refusal_address",
    "refusal_of",
    "role_refusal",
]

NOT_VALID = "not-valid"
"""A token no store knows (mistyped, or revoked)."""
ANOTHER_SITE = "another-site"
"""A sign-in the browser says another site posted (`cross_site`)."""

NOT_SIGNED_OUT = "not-signed-out"
"""A sign-out whose form is not this session's (loaded before signing in again): said on the queue, signed in."""
NOT_SIGNED_OUT_TEXT = (
    "Not signed out: that form was not this session's (loaded before you signed in again). Sign out again."
)
"""What the queue says after `NOT_SIGNED_OUT`."""

_SAID: dict[str, tuple[int, str]] = {
    NOT_VALID: (401, "That token is not valid (or was revoked). Paste the whole token you were given."),
    ANOTHER_SITE: (403, "Sign in from this page, not another site's: paste your token here."),
    **{
        f"role-{role}": (
            403,
            f"That token has the role {role}; reviewing needs reviewer or admin. Ask an admin for a reviewer token.",
        )
        for role in ROLES
        if role not in REVIEW_ROLES
    },
}


def role_refusal(role: str) -> str:
    """The refusal's name for a token of `role`, which may not review."""
    return f"role-{role}"


def refusal_address(name: str) -> str:
    """The address of the review pages' start (the sign-in page, or the queue when signed in) saying refusal `name`."""
    return f"{REVIEW_BASE}?refused={name}"


def refusal_of(name: str | None) -> tuple[int, str] | None:
    """The status and words of sign-in refusal `name`; None for no name or one that is none of them."""
    return _SAID.get(name or "")
