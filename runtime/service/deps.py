"""What routes depend on: the engine, the run pool, the authenticated principal and the role it needs.

Authentication comes first in every protected route, before any run is looked up, so a caller without the
right token learns nothing about which runs exist. A reviewer limited to some document types is answered
about a run or review of another type exactly as about one that does not exist (404).

Control characters are refused at the edge, before anything is looked up or stored (Postgres cannot even hold
NUL): in a query parameter they are 422 (`plain_query`, a dependency of the whole app), in a run id 404 like any
other run that does not exist, in a request body 422 (`PlainName` and `PlainText` in the request schemas).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from claimflow.runtime.engine import Engine, PendingReview, Run
from claimflow.runtime.engine.watching import review_type
from claimflow.runtime.errors import UnknownDictionaryError
from claimflow.runtime.registry import READ_ROLES, RunNotFoundError, RunRow
from claimflow.runtime.service.pool import RunPool
from claimflow.runtime.service.schemas import Message, RunPublic
from claimflow.state.errors import UnknownDocumentTypeError
from claimflow.state.plain_text import control_problem
from claimflow.state.schema import UNKNOWN_TYPE, DocumentTypes


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name (recorded as the reviewer of its decisions), role and document types."""

    name: str
    role: str
    """submitter, reviewer, admin or monitor (`ROLES`)."""
    types: tuple[str, ...] | None = None
    """The document types a reviewer is limited to; None for all."""

    def may_see(self, doc_type: str | None) -> bool:
        """Whether runs and reviews of this document type (None: not known yet) are visible to this caller."""
        return self.types is None or doc_type in self.types

    def type_refusal(self, doc_type: str | None, active: DocumentTypes | None = None) -> str | None:
        """Why a decision of this caller may not give a run the type `doc_type` (None: it may, or names none).

        A reviewer limited to some types may not move a run to a type it may not review. A type none of `active`
        is (a misspelling) is left to the decision's own check, which says it is unknown and names the types.
        """
        if doc_type is None or self.may_see(doc_type) or (active is not None and active.find(doc_type) is None):
            return None
        return (
            f"doc_type: the token {self.name!r} may review only {', '.join(self.types or ())}, not {doc_type!r};"
            " choose one of those types, or leave the correction to a reviewer of that type"
        )


def query_problem(name: str, problem: str, value: object) -> dict[str, Any]:
    """One problem of the query parameter `name`, as `RequestValidationError` takes it: `query.NAME: problem`."""
    return {"type": "value_error", "loc": ("query", name), "msg": problem, "input": value}


async def plain_query(request: Request) -> None:
    """Refuse (422) a query parameter with a control character, for every route: none has a use for one."""
    found = [
        query_problem(name, problem, value)
        for name, value in request.query_params.multi_items()
        if (problem := control_problem(value)) is not None
    ]
    if found:
        raise RequestValidationError(found)


def known_type(engine: Engine, doc_type: str | None) -> str | None:
    """`doc_type` if it is active or `unknown` (422 naming the active ones otherwise): a typo is no empty list."""
    if doc_type is not None and doc_type != UNKNOWN_TYPE:
        try:
            engine.types.get(doc_type)
        except UnknownDocumentTypeError as error:
            raise RequestValidationError([query_problem("type", str(error), doc_type)]) from None
    return doc_type


# Dependencies are coroutines even when they do not wait: FastAPI runs a plain function on its thread pool, a
# hand-off there and back for every request, and under load a wait for the interpreter lock the runs hold.


async def get_engine(request: Request) -> Engine:
    """The one engine the app opened in its lifespan."""
    engine: Engine = request.app.state.engine
    return engine


async def get_pool(request: Request) -> RunPool:
    """The pool that advances uploaded runs in this process."""
    pool: RunPool = request.app.state.pool
    return pool


EngineDep = Annotated[Engine, Depends(get_engine)]
PoolDep = Annotated[RunPool, Depends(get_pool)]

_bearer = HTTPBearer(auto_error=False, description="A token made by `claimflow token create`.")


async def authenticate(engine: Engine, token: str | None) -> Principal | None:
    """The principal a raw token string stands for, or None when it is missing, unknown or revoked.

    For pages that carry the token elsewhere than the Authorization header (a cookie).
    """
    if not token:
        return None
    row = await engine.token_owner(token)
    return Principal(row.name, row.role, row.types) if row is not None else None


async def get_authenticate(engine: EngineDep) -> Callable[[str | None], Awaitable[Principal | None]]:
    """`authenticate` bound to this app's engine: `principal = await authenticate(token)`."""

    async def bound(token: str | None) -> Principal | None:
        return await authenticate(engine, token)

    return bound


Authenticate = Annotated[Callable[[str | None], Awaitable[Principal | None]], Depends(get_authenticate)]


def unauthenticated(token_sent: bool) -> HTTPException:
    """The 401 for a request without a valid bearer token (`token_sent`: one was sent, unknown or revoked)."""
    message = (
        "the token sent is not valid (unknown or revoked): send one `claimflow token create` made"
        if token_sent
        else "missing Authorization: Bearer <token>"
    )
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"})


async def current_principal(
    engine: EngineDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The caller named by `Authorization: Bearer <token>`; 401 when it is missing, unknown or revoked."""
    principal = await authenticate(engine, credentials.credentials if credentials else None)
    if principal is None:
        raise unauthenticated(credentials is not None)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def bearer_refusal(engine: Engine, connection: HTTPConnection) -> HTTPException | None:
    """The 401 `current_principal` would answer this request with, or None when its bearer token is valid.

    For what must be judged before a route runs (`BodyLimit`: an oversized body is the caller's business only once
    the caller is known).
    """
    credentials = await _bearer(connection)
    if await authenticate(engine, credentials.credentials if credentials else None) is None:
        return unauthenticated(credentials is not None)
    return None


def role_refusal(principal: Principal, roles: Sequence[str]) -> HTTPException | None:
    """The 403 for a caller whose role is none of `roles`, naming the roles that may; None when it is one."""
    if principal.role in roles:
        return None
    return HTTPException(
        status.HTTP_403_FORBIDDEN,
        f"this needs the role {' or '.join(roles)}; the token {principal.name!r} has the role {principal.role}",
    )


def require(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets only these roles through (403 otherwise), e.g. `Depends(require("admin"))`."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if (refused := role_refusal(principal, roles)) is not None:
            raise refused
        return principal

    return check


ROLE_REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"model": Message, "description": "The token's role may not do this."}
}
"""The answer documented on a route whose principal must have a role (`Submitter`, `Reviewer`, `Reader`, `require`)."""

Submitter = Annotated[Principal, Depends(require("submitter", "admin"))]
"""May upload documents."""
Reviewer = Annotated[Principal, Depends(require("reviewer", "admin"))]
"""May read the review queue and decide reviews (of its types)."""
Reader = Annotated[Principal, Depends(require(*READ_ROLES))]
"""May read runs (a reviewer only those of its types) and the active types: every role but monitor."""
Watcher = CurrentPrincipal
"""May read `/metrics`: any valid token, a monitor's too."""


async def _get_run(engine: Engine, run_id: str) -> RunRow:
    """The run (its id or a unique prefix); RunNotFoundError for an id with a control character, which none has."""
    if control_problem(run_id) is not None:
        raise RunNotFoundError(f"no run {run_id!r}")
    return await engine.registry.get_run(run_id)


async def visible_run(engine: Engine, principal: Principal, run_id: str) -> RunRow:
    """The run, if it exists and this caller may see it; RunNotFoundError (404) alike in both other cases."""
    row = await _get_run(engine, run_id)
    if not principal.may_see(row.doc_type):
        raise RunNotFoundError(f"no run {run_id!r}")
    return row


async def visible_review(engine: Engine, principal: Principal, run_id: str) -> tuple[RunRow, PendingReview | None]:
    """The run and its open review (None when it has none), if this caller may see that review.

    Judged by the type under review (`review_type`), as the queue, the next-run link and the review pages judge
    it; RunNotFoundError (404) alike for a missing run and one this caller may not see.
    """
    row = await _get_run(engine, run_id)
    try:
        pending = await engine.pending_review(row.run_id)
    except UnknownDictionaryError:
        # A state this claimflow cannot read: judged by the run's type, as the queue judges such a run, so a
        # reviewer of other types learns nothing of it; one who may see it is told why (409, `service.errors`).
        if not principal.may_see(review_type(row, None)):
            raise RunNotFoundError(f"no run {run_id!r}") from None
        raise
    if not principal.may_see(review_type(row, pending)):
        raise RunNotFoundError(f"no run {run_id!r}")
    return row, pending


async def run_public(engine: Engine, run_id: str) -> RunPublic:
    """The run as the API shows it (its view, as `claimflow show --json` prints it)."""
    return _public(await engine.view(run_id))


async def row_public(engine: Engine, row: RunRow, *, registered_now: bool = False, listed: bool = False) -> RunPublic:
    """The run of a row just read (a page of runs, a run just registered), as the API shows it.

    The row is not read again; `registered_now` (see `Engine.view_of`) skips reading a state there is not yet;
    `listed` (a page of runs, or one run's row) shows a run whose state cannot be read here with why in its `error`.
    """
    return _public(await engine.view_of(row, registered_now=registered_now, listed=listed))


def _public(run: Run) -> RunPublic:
    return RunPublic.model_validate(run.model_dump(mode="json"))
