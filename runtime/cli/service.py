"""`claimflow serve` and `claimflow token create|list|revoke`: the REST API and who may call it."""

from __future__ import annotations

import errno
import logging
import socket
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from claimflow.runtime.checks import where_kept
from claimflow.runtime.cli._common import (
    AsJson,
    BaseUrlOption,
    DataDir,
    ModelOption,
    TypesOption,
    app,
    emit,
    err,
    exit_codes,
    fitted_table,
    message,
    out,
    refuse_unless_unreachable,
    shown,
    with_engine,
    with_registry,
)
from claimflow.runtime.queue.guard import SERVE_INSTEAD, refuse_beside_workers
from claimflow.runtime.settings import Settings
from claimflow.state.errors import UnknownDocumentTypeError

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine

token_app = typer.Typer(help="API tokens for `claimflow serve`.", no_args_is_help=True)
app.add_typer(token_app, name="token")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    data_dir: DataDir = None,
    types: TypesOption = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
) -> None:
    """Serve the REST API (OpenAPI at /docs): upload documents, follow runs, answer reviews."""
    import uvicorn

    from claimflow.runtime.engine.setup import active_types
    from claimflow.runtime.ocr_readiness import refuse_unreadable_languages
    from claimflow.runtime.service import create_app

    with exit_codes():
        settings = Settings.load(data_dir=data_dir, model=model, base_url=base_url, types=tuple(types or ()))
        if settings.execution == "local":
            # In local mode the server advances uploads and, at start, unfinished runs: beside workers, twice.
            refuse_unless_unreachable(lambda: refuse_beside_workers(settings, "serve", SERVE_INSTEAD))
        # Types are found (and a broken declaration refused, with its file and line) before the server starts,
        # and OCR languages without their data: said in one line, not in a failed start-up's traceback.
        refuse_unreadable_languages(settings.limits)
        app = create_app(settings, types=active_types(settings, None))
    config = uvicorn.Config(app, host=host, port=port, log_level="info", lifespan="on")
    listening = _listen(host, port)
    err.print(_serving_line(settings), markup=False, highlight=False)
    logging.getLogger("uvicorn.error").info("Uvicorn running on http://%s (Press CTRL+C to quit)", _address(listening))
    uvicorn.Server(config).run(sockets=[listening])


def _serving_line(settings: Settings) -> str:
    """What the server serves and who advances its runs: a server started in the wrong mode is told at a glance."""
    if settings.execution == "queue":
        who = "production mode: `claimflow worker` processes advance the runs, this server none"
    else:
        who = f"runs advance in this process, {settings.serve_concurrency} at a time (CLAIMFLOW_SERVE_CONCURRENCY)"
    return f"serving {where_kept(settings)}, model {settings.model}; {who}"


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to `host` and `port` (as uvicorn binds one); one that cannot be had is a usage error (exit 2).

    Left to uvicorn, a port in use would exit with 3, the code of a data directory or database that cannot be
    reached, after its log lines: here it is one line that says what to do.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family=family, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as error:
        listening.close()
        hint = (
            "another process listens there: stop it, or choose another --port"
            if error.errno == errno.EADDRINUSE
            else "choose another --host or --port"
        )
        where = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
        err.print(f"[red]error:[/red] cannot listen on {shown(where)}: {message(error.strerror or error)}; {hint}")
        raise typer.Exit(2) from None
    listening.set_inheritable(True)
    return listening


def _address(listening: socket.socket) -> str:
    host, port = listening.getsockname()[:2]
    return f"[{host}]:{port}" if listening.family == socket.AF_INET6 else f"{host}:{port}"


def _when(seconds: float | None) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds") if seconds is not None else ""


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option("--name", help="Who uses it; recorded as the reviewer of its decisions.")],
    role: Annotated[str, typer.Option("--role", help="submitter, reviewer, admin, or monitor (reads /metrics only).")],
    doc_types: Annotated[
        str | None, typer.Option("--types", help="A reviewer's document types, comma-separated (default: all).")
    ] = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Make a token and print it once: only its hash is stored."""
    limited = [part.strip() for part in doc_types.split(",") if part.strip()] if doc_types is not None else None

    async def body(engine: Engine) -> str:
        try:
            token, _ = await engine.create_token(name, role, limited)
        except UnknownDocumentTypeError as error:
            # Here --types limits the token, so the types of one's own come from the environment or configuration.
            err.print(
                f"[red]error:[/red] {message(error)}; a type of your own is active here once CLAIMFLOW_TYPES or"
                " claimflow.toml names the module that declares it (--types names the token's types)"
            )
            raise typer.Exit(2) from None
        return token

    token = with_engine(data_dir, body, readonly=True)
    if as_json:
        emit({"name": name, "role": role, "types": limited, "token": token})
        return
    out.print(token, markup=False, highlight=False)
    err.print(f"token {shown(name)} ({shown(role)}) created; it is shown only now", highlight=False)


@token_app.command("list")
def token_list(as_json: AsJson = False, data_dir: DataDir = None) -> None:
    """Tokens by name, with role, types, and when they were made or revoked (never the token)."""
    # From the registry alone: listing tokens needs no document type, whose module may be broken or slow to import.
    rows = with_registry(data_dir, lambda registry: registry.tokens(), reading=True)
    if as_json:
        for row in rows:
            emit(
                {
                    "name": row.name,
                    "role": row.role,
                    "types": list(row.types) if row.types is not None else None,
                    "created_at": _when(row.created_at),
                    "revoked_at": _when(row.revoked_at) or None,
                }
            )
        return
    table = fitted_table("name", "role", "types", "created", "revoked")
    for row in rows:
        limited = ", ".join(row.types) if row.types is not None else "all"
        table.add_row(shown(row.name), row.role, shown(limited), _when(row.created_at), _when(row.revoked_at) or "-")
    out.print(table)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="The token's name.")], data_dir: DataDir = None) -> None:
    """Revoke a token at once: the server refuses it from its next request on."""
    # From the registry alone, as `token list`: a leaked token is revoked even while a type's module is broken.
    if not with_registry(data_dir, lambda registry: registry.revoke_token(name)):
        err.print(f"[red]error:[/red] no active token named {message(name)}")
        raise typer.Exit(1)
    err.print(f"token {shown(name)} revoked", highlight=False)


__all__ = ["serve", "token_app", "token_create", "token_list", "token_revoke"]
