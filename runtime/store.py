"""Content-addressed document store on the file system: originals, parsed texts, masking maps."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from claimflow.state.documents import DocumentRef, SourceText, TextRef


class FileDocumentStore:
    """Blobs under `<root>/<aa>/<sha256>`; writing the same bytes twice stores them once."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, blob_id: str) -> Path:
        if len(blob_id) != 64 or not all(c in "0123456789abcdef" for c in blob_id):
            raise ValueError(f"not a blob id: {blob_id!r}")
        return self._root / blob_id[:2] / blob_id

    def save_blob(self, data: bytes) -> str:
        """Store bytes atomically and return their sha256."""
        blob_id = hashlib.sha256(data).hexdigest()
        path = self._path(blob_id)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a crash never leaves a half-written blob under its final name.
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
                handle.write(data)
            os.replace(handle.name, path)
        return blob_id

    def load_blob(self, blob_id: str) -> bytes:
        """Load stored bytes."""
        return self._path(blob_id).read_bytes()

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

    def save_text(self, pages: tuple[str, ...], method: str) -> TextRef:
        """Store page texts as JSON and return their reference."""
        text_id = self.save_blob(json.dumps(list(pages), ensure_ascii=False).encode())
        return TextRef(text_id=text_id, page_count=len(pages), char_count=sum(map(len, pages)), method=method)

    def load_text(self, ref: TextRef) -> SourceText:
        """Load stored page texts."""
        return SourceText(pages=tuple(json.loads(self.load_blob(ref.text_id))))
