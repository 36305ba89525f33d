"""A run's model endpoint is written with its row, however the document comes in, on SQLite and on Postgres.

A trigger on the runs table keeps each row as it was inserted: a run whose endpoint came in a second statement
(the old `set_model` after registering, or an UPDATE after `enqueue_run`'s insert) shows there without it.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from claimflow.runtime.engine import Engine, open_engine
from claimflow.runtime.gateway.config import GatewayConfig
from claimflow.runtime.ingest import IngestLimits
from claimflow.runtime.queue.migrate import migrate
from claimflow.runtime.registry import AsyncRegistry, RunRow
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text, write

MODEL = "openai:fake-model"
ENDPOINT = "http://127.0.0.1:9/v1"
"""Never called: nothing here advances a run."""
LIMIT = 10_000

SQLITE_TRIGGER = (
    "CREATE TABLE inserted_runs (run_id TEXT, model TEXT, model_base_url TEXT)",
    "CREATE TRIGGER keep_inserted AFTER INSERT ON runs BEGIN"
    " INSERT INTO inserted_runs VALUES (NEW.run_id, NEW.model, NEW.model_base_url); END",
)
POSTGRES_TRIGGER = (
    "CREATE TABLE inserted_runs (run_id text, model text, model_base_url text)",
    "CREATE FUNCTION keep_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " INSERT INTO inserted_runs VALUES (NEW.run_id, NEW.model, NEW.model_base_url); RETURN NEW; END $$",
    "CREATE TRIGGER keep_inserted AFTER INSERT ON claimflow_runs FOR EACH ROW EXECUTE FUNCTION keep_inserted()",
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """None (SQLite in the data directory), then a fresh Postgres database."""
    return None if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def set_model_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The runs `set_model` is called for, by anything in this process."""
    calls: list[str] = []
    original = AsyncRegistry.set_model

    async def counted(self: AsyncRegistry, run_id: str, model: str, base_url: str | None) -> None:
        calls.append(run_id)
        await original(self, run_id, model, base_url)

    monkeypatch.setattr(AsyncRegistry, "set_model", counted)
    yield calls


def _settings(data_dir: Path, database_url: str | None, execution: str = "local") -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        model=MODEL,
        gateway=GatewayConfig(openai_base_url=ENDPOINT),
        limits=IngestLimits(max_bytes=LIMIT),
        execution=execution,
    )


def _keep_inserted_rows(data_dir: Path, database_url: str | None) -> None:
    if database_url is None:
        with closing(sqlite3.connect(data_dir / "claimflow.db")) as db:
            for statement in SQLITE_TRIGGER:
                db.execute(statement)
            db.commit()
        return
    with psycopg.connect(database_url, autocommit=True) as conn:
        for statement in POSTGRES_TRIGGER:
            conn.execute(statement)


def _as_inserted(data_dir: Path, database_url: str | None) -> dict[str, tuple[str, str | None]]:
    """Each run's (model, endpoint) as its row was inserted."""
    query = "SELECT run_id, model, model_base_url FROM inserted_runs"
    if database_url is None:
        with closing(sqlite3.connect(data_dir / "claimflow.db")) as db:
            return {run_id: (model, url) for run_id, model, url in db.execute(query)}
    with psycopg.connect(database_url) as conn:
        return {run_id: (model, url) for run_id, model, url in conn.execute(query)}


async def _written_with_the_endpoint(engine: Engine, rows: list[RunRow], inserted: dict[str, object]) -> None:
    assert sorted(inserted) == sorted(row.run_id for row in rows)
    assert set(inserted.values()) == {(MODEL, ENDPOINT)}
    for row in rows:
        assert (row.model, row.model_base_url) == (MODEL, ENDPOINT)
        read = await engine.registry.get_run(row.run_id)
        assert (read.model, read.model_base_url) == (MODEL, ENDPOINT)


async def test_every_way_in_writes_the_run_with_its_model_endpoint(
    tmp_path: Path, database_url: str | None, set_model_calls: list[str]
) -> None:
    """`submit` (register_run), an upload (`receive`), a server's thread (`admit`, create_run), one over the limit."""
    data = tmp_path / "data"
    document = write(tmp_path / "docs", "invoice.txt", invoice_text())
    async with open_engine(_settings(data, database_url)) as engine:
        assert engine.model_endpoint == ENDPOINT
        _keep_inserted_rows(data, database_url)
        submitted = await engine.submit(document)
        received, _ = await engine.receive(invoice_text("NW-9").encode(), "upload.txt", source="api:ann:k1")
        admitted = await engine.admit(uuid.uuid4().hex, name="thread.txt", data=invoice_text("NW-8").encode())
        too_big, _ = await engine.receive(b"x" * (LIMIT + 1), "big.txt", size=5 * LIMIT)
        rows = [submitted, received, admitted, too_big]
        assert [row.status for row in rows] == ["queued", "queued", "queued", "failed"]
        await _written_with_the_endpoint(engine, rows, dict(_as_inserted(data, database_url)))
    assert set_model_calls == []


@pytest.mark.postgres
async def test_an_enqueued_run_is_written_with_its_model_endpoint(
    tmp_path: Path, postgres_url: str, set_model_calls: list[str]
) -> None:
    """Production mode: `enqueue` (a file) and an upload through `receive` insert the endpoint with the run."""
    data = tmp_path / "data"
    settings = _settings(data, postgres_url, execution="queue")
    await migrate(settings)
    _keep_inserted_rows(data, postgres_url)
    document = write(tmp_path / "docs", "invoice.txt", invoice_text())
    async with open_engine(settings) as engine:
        enqueued, new = await engine.enqueue(document)
        received, also_new = await engine.receive(invoice_text("NW-9").encode(), "upload.txt")
        assert new and also_new and enqueued.status == received.status == "queued"
        await _written_with_the_endpoint(engine, [enqueued, received], dict(_as_inserted(data, postgres_url)))
    assert set_model_calls == []
