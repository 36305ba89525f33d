"""Content-addressed document store: originals, parsed texts, masking maps.

`DocumentFiles` turns documents and texts into blobs keyed by their sha256; where the blobs live is its
subclass's job: `FileDocumentStore` keeps them in the data directory (SQLite mode), `PgDocumentStore`
(`claimflow.runtime.pgstore`) in the shared Postgres database, where every process and machine reads them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
import uuid
from collections import OrderedDict
from collections.abc import Callable, Collection
from pathlib import Path
from typing import ParamSpec, TypeVar

from claimflow.runtime.errors import EngineClosedError
from claimflow.runtime.private import private_dir, tighten
from claimflow.runtime.unavailable import UnavailableError
from claimflow.state.documents import DocumentRef, SourceText, TextRef

P = ParamSpec("P")
T = TypeVar("T")


class BlobMissingError(UnavailableError):
    """A blob a run refers to is not in this process's document store (another data directory holds it).

    A condition of where the process runs, not of the document: the run stays as it is, to be continued
    where the store holds the blob (or once it does).
    """


def blob_id_of(data: bytes) -> str:
    """The id the store keeps these bytes under: their sha256 in lower-case hex (a document's id too)."""
    return hashlib.sha256(data).hexdigest()


def _is_blob_id(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def check_blob_id(blob_id: str) -> str:
    """`blob_id` if it is a sha256 in lower-case hex; else ValueError."""
    if not _is_blob_id(blob_id):
        raise ValueError(f"not a blob id: {blob_id!r}")
    return blob_id


class DocumentFiles:
    """Originals and page texts as content-addressed blobs; subclasses say where blobs are kept."""

    def save_blob(self, data: bytes) -> str:
        """Store bytes (idempotently) and return their sha256; bytes already stored are stamped saved again.

        The stamp is what keeps a blob a new run is about to use from a prune that began before it was saved
        (see `delete_blob`).
        """
        raise NotImplementedError

    def close(self) -> None:
        """Let go of what the store holds open (a database); nothing, for a store that holds nothing open."""

    def clock(self) -> float:
        """The time on the clock `save_blob` stamps blobs with, in seconds since the epoch."""
        raise NotImplementedError

    def load_blob(self, blob_id: str) -> bytes:
        """Load stored bytes; BlobMissingError when this store does not hold them."""
        raise NotImplementedError

    def blob_size(self, blob_id: str) -> int | None:
        """The size of a stored blob in bytes, or None when it is not stored."""
        raise NotImplementedError

    def delete_blob(self, blob_id: str, *, saved_before: float) -> int:
        """Remove a blob (pruning) unless it was saved at or after `saved_before` (on `clock`).

        Returns the bytes freed: 0 when it was not there, or was saved since. Checking and removing are one
        step, so a document saved again while a prune runs (a new run of the same bytes) keeps its blob.
        """
        raise NotImplementedError

    def blobs_saved_before(self, saved_before: float) -> dict[str, int]:
        """Every blob `delete_blob` would remove at this mark, with the bytes it would free (pruning's sweep).

        A blob last saved at or after `saved_before` is left out, as `delete_blob` leaves it in place.
        """
        raise NotImplementedError

    def older_blobs(self, blob_ids: Collection[str], saved_before: float) -> dict[str, int]:  # noqa: ARG002
        """Of `blob_ids` (a pruned run's), those an older store this one reads but does not own holds, with sizes.

        Such a store (a data directory a database store falls back to, see `PgDocumentStore`) is not swept
        whole by `blobs_saved_before`: its data directory may keep blobs of runs only its own registry knows.
        A store with no such older store has none.
        """
        return {}

    def delete_older_blob(self, blob_id: str, *, saved_before: float) -> int:  # noqa: ARG002
        """Remove a pruned run's blob from the older store `older_blobs` lists it in, by `delete_blob`'s rule."""
        return 0

    def erase_deleted(self) -> None:
        """Leave no copy of what was deleted in the store's files (a database's write-ahead log); most keep none."""

    def copy_in(self, older: DocumentFiles | None, blob_id: str, *, save: bool = True) -> bytes | None:
        """The bytes an older store holds as `blob_id`, saved here too; None when it holds none, or damaged ones.

        For a store that took over from another (files, then a database): every later reader finds the blob
        here. Bytes whose sha256 is not the blob's (a file damaged on disk) are never served, nor copied in.
        `save=False`: served, not copied in (a store opened read only).
        """
        if older is None or older.blob_size(blob_id) is None:
            return None
        data = older.load_blob(blob_id)
        if blob_id_of(data) != blob_id:
            return None
        if save:
            self.save_blob(data)
        return data

    def save_document(self, data: bytes, filename: str, media_type: str) -> DocumentRef:
        """Store an original and return its reference."""
        return DocumentRef(
            document_id=self.save_blob(data),
            filename=Path(filename).name,
            media_type=media_type,
            size=len(data),
        )

    def read_document(self, ref: DocumentRef) -> bytes:
        """The original bytes."""
        return self.load_blob(ref.document_id)

    def save_text(self, pages: tuple[str, ...], method: str, ocr_pages: tuple[int, ...] = ()) -> TextRef:
        """Store page texts as JSON and return their reference, which names the pages (from 1) OCR read."""
        text_id = self.save_blob(json.dumps(list(pages), ensure_ascii=False).encode())
        return TextRef(
            text_id=text_id,
            page_count=len(pages),
            char_count=sum(map(len, pages)),
            method=method,
            ocr_pages=ocr_pages,
        )

    def load_text(self, ref: TextRef) -> SourceText:
        """Load stored page texts."""
        return SourceText(pages=tuple(json.loads(self.load_blob(ref.text_id))))


class FileDocumentStore(DocumentFiles):
    """Blobs under `<root>/<aa>/<sha256>`; writing the same bytes twice stores them once."""

    def __init__(self, root: Path) -> None:
        self._root = root
        tighten(root)  # blobs an earlier version stored with the umask's mode are closed off here

    def _path(self, blob_id: str) -> Path:
        return self._root / blob_id[:2] / check_blob_id(blob_id)

    def blob_size(self, blob_id: str) -> int | None:
        """The size of a stored blob in bytes, or None when it is not stored."""
        try:
            return self._path(blob_id).stat().st_size
        except FileNotFoundError:
            return None

    def clock(self) -> float:
        """The file system's clock, read off a new (nameless, at once removed) file in the store.

        Modification times come from the kernel's coarse clock, which can lag `time.time()` by a tick: a blob
        saved just after `time.time()` was read could look saved before it. Read off the same clock, a save
        after the mark never looks older than it (and one in the same tick counts as after: it is kept).
        """
        private_dir(self._root)
        with tempfile.TemporaryFile(dir=self._root) as probe:
            return os.fstat(probe.fileno()).st_mtime

    def delete_blob(self, blob_id: str, *, saved_before: float) -> int:
        """Remove a blob unless it was saved at or after `saved_before`; returns the bytes freed.

        A file's modification time is when it was last saved (`save_blob` sets it on bytes already stored).
        The blob is first moved aside under a name no reader or writer uses, so a save that comes meanwhile
        either stamped it before the move (it is seen, and moved back) or finds it gone and writes it anew.
        """
        path = self._path(blob_id)
        try:
            if path.stat().st_mtime >= saved_before:
                return 0
            aside = path.with_name(f".{blob_id}.{uuid.uuid4().hex}.deleting")
            os.replace(path, aside)
        except FileNotFoundError:
            return 0
        moved = aside.stat()
        if moved.st_mtime >= saved_before:  # saved while it was being looked at: it stays
            os.replace(aside, path)
            return 0
        aside.unlink()
        return moved.st_size

    def blobs_saved_before(self, saved_before: float) -> dict[str, int]:
        """The blob files last saved before `saved_before`, with their sizes (files moved aside are not blobs)."""
        found: dict[str, int] = {}
        folders = [path for path in self._root.glob("??") if path.is_dir()] if self._root.is_dir() else []
        for folder in folders:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not (_is_blob_id(entry.name) and entry.name.startswith(folder.name)):
                        continue
                    try:
                        stat = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:  # deleted, or moved aside by a prune, meanwhile
                        continue
                    if stat.st_mtime < saved_before:
                        found[entry.name] = stat.st_size
        return found

    def save_blob(self, data: bytes) -> str:
        """Store bytes atomically and return their sha256; bytes already stored are stamped saved now."""
        blob_id = blob_id_of(data)
        path = self._path(blob_id)
        try:
            os.utime(path)
        except FileNotFoundError:  # not stored yet, or a prune just took it away: written (again)
            try:
                self._write(path, data)
            except FileNotFoundError:  # the blob's folder is not there yet (first blob of its prefix)
                private_dir(path.parent)
                self._write(path, data)
        return blob_id

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        # Write then rename, so a crash never leaves a half-written blob under its final name; the
        # temporary file is created 0600, and keeps that mode under its final name.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, path)

    def load_blob(self, blob_id: str) -> bytes:
        """Load stored bytes."""
        path = self._path(blob_id)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise BlobMissingError(
                f"the document store {self._root} holds no blob {blob_id}: the run's document was stored in "
                "another data directory; continue the run with that --data-dir, or use one shared store "
                "(CLAIMFLOW_DATABASE_URL)"
            ) from None


KEEP_ORIGINALS_UP_TO = 256 * 1024
"""Originals up to this many bytes are kept in memory from saving to their first reading."""


class AsyncDocumentStore:
    """The store as nodes use it: file or database I/O on worker threads, never on the event loop.

    Parsed texts and masking maps are content-addressed, so they never change: the most recently used
    ones are kept in memory, and the steps of a run after `parse` read their pages without touching disk.
    """

    def __init__(self, files: DocumentFiles, *, cached: int = 64) -> None:
        self.files = files
        self._cached = cached
        self._texts: OrderedDict[str, SourceText] = OrderedDict()
        self._blobs: OrderedDict[str, bytes] = OrderedDict()
        self._originals: OrderedDict[str, bytes] = OrderedDict()
        self._closed = False

    async def _off_loop(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`call` on a worker thread; refused once the store is closed (its files or connections are gone)."""
        if self._closed:
            raise EngineClosedError
        return await asyncio.to_thread(call, *args, **kwargs)

    async def close(self) -> None:
        """Close the store under it; every use from now on is refused with `EngineClosedError`."""
        self._closed = True
        await asyncio.to_thread(self.files.close)

    def _remember(self, cache: OrderedDict[str, T], key: str, value: T) -> T:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > self._cached:
            cache.popitem(last=False)
        return value

    async def read_document(self, ref: DocumentRef) -> bytes:
        """The original bytes: from memory when this store just saved a small one, else from the store."""
        found = self._originals.pop(ref.document_id, None)
        if found is not None:
            return found
        return await self._off_loop(self.files.read_document, ref)

    async def save_document(self, data: bytes, filename: str, media_type: str) -> DocumentRef:
        """Store an original document and return its reference.

        A small original stays in memory until it is first read (by `parse`, the run's first step), then is
        forgotten: originals are read once, and a large one is not worth holding.
        """
        ref = await self._off_loop(self.files.save_document, data, filename, media_type)
        if len(data) <= KEEP_ORIGINALS_UP_TO:
            self._remember(self._originals, ref.document_id, data)
        return ref

    async def save_text(self, pages: tuple[str, ...], method: str, ocr_pages: tuple[int, ...] = ()) -> TextRef:
        """Store page texts and return their reference; the pages stay in memory for the next steps."""
        ref = await self._off_loop(self.files.save_text, pages, method, ocr_pages)
        self._remember(self._texts, ref.text_id, SourceText(pages=pages))
        return ref

    async def load_text(self, ref: TextRef) -> SourceText:
        """Stored page texts."""
        found = self._texts.get(ref.text_id)
        if found is not None:
            self._texts.move_to_end(ref.text_id)
            return found
        return self._remember(self._texts, ref.text_id, await self._off_loop(self.files.load_text, ref))

    async def save_blob(self, data: bytes) -> str:
        """Store bytes (e.g. a masking map) and return their id."""
        blob_id = await self._off_loop(self.files.save_blob, data)
        self._remember(self._blobs, blob_id, data)
        return blob_id

    async def load_blob(self, blob_id: str) -> bytes:
        """Stored bytes."""
        found = self._blobs.get(blob_id)
        if found is not None:
            self._blobs.move_to_end(blob_id)
            return found
        return self._remember(self._blobs, blob_id, await self._off_loop(self.files.load_blob, blob_id))

    async def blob_size(self, blob_id: str) -> int | None:
        """The size of a stored blob in bytes, or None when it is not stored."""
        return await self._off_loop(self.files.blob_size, blob_id)

    async def clock(self) -> float:
        """The store's clock (see `DocumentFiles.clock`): for a prune's `saved_before`."""
        return await self._off_loop(self.files.clock)

    async def blobs_saved_before(self, saved_before: float) -> dict[str, int]:
        """Every stored blob not saved since `saved_before`, with its size (see `DocumentFiles.blobs_saved_before`)."""
        return await self._off_loop(self.files.blobs_saved_before, saved_before)

    async def older_blobs(self, blob_ids: Collection[str], saved_before: float) -> dict[str, int]:
        """A pruned run's blobs an older store not this one's own holds (see `DocumentFiles.older_blobs`)."""
        return await self._off_loop(self.files.older_blobs, blob_ids, saved_before)

    async def delete_older_blob(self, blob_id: str, *, saved_before: float) -> int:
        """Remove a pruned run's blob from that older store; the bytes freed."""
        return await self._off_loop(self.files.delete_older_blob, blob_id, saved_before=saved_before)

    async def erase_deleted(self) -> None:
        """`DocumentFiles.erase_deleted`, on a worker thread."""
        await self._off_loop(self.files.erase_deleted)

    async def delete_blob(self, blob_id: str, *, saved_before: float) -> int:
        """Remove a blob not saved since `saved_before`, and forget any copy kept in memory; the bytes freed."""
        for cache in (self._texts, self._blobs, self._originals):
            cache.pop(blob_id, None)
        return await self._off_loop(self.files.delete_blob, blob_id, saved_before=saved_before)
