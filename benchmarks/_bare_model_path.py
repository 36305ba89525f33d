"""The baseline of `model_path.py`: a bare LangGraph program that sends documents to an OpenAI-compatible server.

Usage (run by `model_path.py`, not by hand):
    python benchmarks/_bare_model_path.py DOCS_DIR DATABASE BASE_URL CONCURRENCY

The least a LangGraph program doing claimflow's job through the OpenAI SDK pays, start-up included: it imports
LangGraph's graph API, its SQLite saver and the OpenAI SDK, and compiles a graph of three nodes (read the file,
classify it, extract its fields: one chat completion each, in JSON mode, the answer read with `json.loads`) with
`AsyncSqliteSaver` on the file DATABASE (WAL, as `_bare.sqlite_saver` opens it). Every document of DOCS_DIR is a
thread of its own, CONCURRENCY at once, invoked with `durability="sync"`. The prompts carry the document as
claimflow's do, so the fixed-latency server answers them as it answers claimflow's. Nothing is validated,
checked against the text, registered, stored or audited. Prints one JSON line: how many documents got fields,
and the batch's seconds from its first document's start to its last one's end (the imports and opening the saver
left out, as `_open_engine_batches.py` leaves them out).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any, TypedDict

import openai
from _bare import sqlite_saver
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph

CLASSIFY = "Classify the document as receipt, invoice or contract. Answer in JSON: doc_type, confidence, evidence."
EXTRACT = "You extract fields from a document of type {doc_type}. Answer in JSON, one key per field."


class DocState(TypedDict, total=False):
    """What one document's thread holds."""

    path: str
    text: str
    doc_type: str
    fields: dict[str, Any]


def build(client: openai.AsyncOpenAI) -> StateGraph[DocState, None, DocState, DocState]:
    """The graph: read, classify, extract; the two model nodes one chat completion each."""

    async def ask(system: str, text: str) -> dict[str, Any]:
        completion = await client.chat.completions.create(
            model="bench",
            messages=[
                {"role": "system", "content": system},
                {"role": "user", "content": f"<document>\n--- page 1 ---\n{text}\n</document>"},
            ],
            response_format={"type": "json_object"},
            max_tokens=1024,
        )
        answer: dict[str, Any] = json.loads(completion.choices[0].message.content or "{}")
        return answer

    async def read(state: DocState) -> DocState:
        return {"text": await asyncio.to_thread(Path(state["path"]).read_text)}

    async def classify(state: DocState) -> DocState:
        return {"doc_type": (await ask(CLASSIFY, state["text"]))["doc_type"]}

    async def extract(state: DocState) -> DocState:
        return {"fields": await ask(EXTRACT.format(doc_type=state["doc_type"]), state["text"])}

    graph = StateGraph(DocState)
    graph.add_node("read", read)
    graph.add_node("classify", classify)
    graph.add_node("extract", extract)
    graph.add_edge(START, "read")
    graph.add_edge("read", "classify")
    graph.add_edge("classify", "extract")
    graph.add_edge("extract", END)
    return graph


async def run(folder: Path, database: Path, base_url: str, concurrency: int) -> tuple[int, float]:
    """Every file of `folder` through the graph; how many came out with fields, and the batch's seconds."""
    client = openai.AsyncOpenAI(base_url=base_url, api_key="not-needed", max_retries=0)
    slots = asyncio.Semaphore(concurrency)
    async with sqlite_saver(database) as saver:
        graph = build(client).compile(checkpointer=saver)

        async def one(path: Path) -> bool:
            async with slots:
                config: RunnableConfig = {"configurable": {"thread_id": uuid.uuid4().hex}}
                final = await graph.ainvoke({"path": str(path)}, config, durability="sync")
                return bool(final.get("fields"))

        started = time.perf_counter()
        done = await asyncio.gather(*(one(path) for path in sorted(folder.iterdir()) if path.is_file()))
        seconds = time.perf_counter() - started
    await client.close()
    return sum(done), seconds


if __name__ == "__main__":
    finished, batch_s = asyncio.run(run(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])))
    print(json.dumps({"with_fields": finished, "batch_s": batch_s}))
