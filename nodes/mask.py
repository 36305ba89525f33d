"""mask: the text models see has personal data replaced by placeholders; the map stays in the store."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

from claimflow.nodes._step import step
from claimflow.nodes.ports import WorkflowContext
from claimflow.state.events import event
from claimflow.state.masking import mask_pages
from claimflow.state.workflow import MaskRef, Patch, WorkflowState


@step("mask")
async def mask(state: WorkflowState, context: WorkflowContext) -> Patch:
    """Mask the parsed text and store both the masked pages and the placeholder map."""
    if state.text is None:
        raise RuntimeError("mask ran before parse produced text")
    source = await context.store.load_text(state.text)
    # Masking is CPU work over the whole text: off the event loop other runs share, unless the text is short.
    # Users' patterns are their own regular expressions, whose time no text size bounds: always on a thread.
    chars = state.text.char_count if context.mask_patterns is None else None
    result = await context.offload(chars, mask_pages, source.pages, context.mask_patterns)
    mapping = json.dumps([r.model_dump() for r in result.replacements], sort_keys=True).encode()
    # Two independent writes: side by side, so the step waits for the store once.
    masked_text, mapping_id = await asyncio.gather(
        context.store.save_text(result.pages, f"{state.text.method}+masked", state.text.ocr_pages or ()),
        context.store.save_blob(mapping),
    )
    kinds = Counter(r.placeholder.strip("[]").rsplit("_", 1)[0] for r in result.replacements)
    return Patch(
        masked=MaskRef(text=masked_text, mapping_id=mapping_id, masked_count=len(result.replacements)),
        events=[event("pii.masked", "mask", count=len(result.replacements), kinds=dict(kinds))],
    )
