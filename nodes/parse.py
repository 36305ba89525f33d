"""parse: the stored original to page texts with offsets (text layer, OCR, HTML, plain text)."""

from __future__ import annotations

from claimflow.nodes._step import step
from claimflow.nodes.ports import DocumentUnreadableError, WorkflowContext
from claimflow.state.events import event
from claimflow.state.workflow import Patch, WorkflowState


@step("parse")
async def parse(state: WorkflowState, context: WorkflowContext) -> Patch:
    """Parse the document; an unreadable one records its reason instead of raising."""
    data = await context.store.read_document(state.document)
    try:
        # Parsing and OCR are CPU-bound: keep them off the event loop other runs share.
        pages, method, ocr_pages = await context.offload(None, context.parser, data, state.document.filename)
    except DocumentUnreadableError as error:
        return Patch(error=str(error), events=[event("document.unreadable", "parse", reason=str(error))])
    text = await context.store.save_text(pages, method, ocr_pages)
    return Patch(
        text=text,
        events=[event("document.parsed", "parse", pages=text.page_count, chars=text.char_count, method=method)],
    )
