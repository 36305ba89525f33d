"""Page layouts of stored documents, read off the event loop and kept while reviewers look at them."""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from claimflow.runtime.ingest import IngestLimits
from claimflow.runtime.pages import PageLayout, read_page
from claimflow.runtime.store import AsyncDocumentStore
from claimflow.state.documents import DocumentRef

__all__ = ["PageCache"]


class PageCache:
    """The most recently shown pages: rendering a page and reading its OCR words is done once, not per request."""

    def __init__(self, store: AsyncDocumentStore, limits: IngestLimits, *, size: int = 32) -> None:
        self._store = store
        self._limits = limits
        self._size = size
        self._pages: OrderedDict[tuple[str, int], PageLayout] = OrderedDict()
        self._lock = asyncio.Lock()

    async def layout(self, document: DocumentRef, number: int, page_text: str) -> PageLayout:
        """The layout of page `number` of `document` (errors of `read_page` pass through)."""
        key = (document.document_id, number)
        async with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
                return found
        data = await self._store.read_document(document)
        layout = await asyncio.to_thread(read_page, data, document.media_type, number, page_text, self._limits)
        async with self._lock:
            self._pages[key] = layout
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)
        return layout

    async def forget(self, document_id: str) -> None:
        """Drop every page of a document kept here (its run was erased: its pages are shown no more)."""
        async with self._lock:
            for key in [key for key in self._pages if key[0] == document_id]:
                del self._pages[key]

    async def boxes(
        self, document: DocumentRef, number: int, page_text: str, start: int, end: int
    ) -> list[dict[str, float]]:
        """The boxes of a span on a page, as `{"left", "top", "width", "height"}` in the page image's pixels."""
        layout = await self.layout(document, number, page_text)
        found = await asyncio.to_thread(layout.boxes, start, end)  # the first ask may run tesseract
        return [box.as_dict() for box in found]
