"""The active document types of a workflow: an ordered set with unique names."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from claimflow.state.errors import DeclarationError, UnknownDocumentTypeError
from claimflow.state.schema.document_type import DocumentType


class DocumentTypes:
    """The types a workflow classifies into, in the order they were given. Names are unique."""

    def __init__(self, types: Iterable[DocumentType]) -> None:
        ordered = tuple(types)
        by_name: dict[str, DocumentType] = {}
        for doc_type in ordered:
            if not isinstance(doc_type, DocumentType):
                raise DeclarationError(f"{doc_type!r} is not a DocumentType")
            if doc_type.name in by_name:
                raise DeclarationError(f"two document types are named {doc_type.name!r}")
            by_name[doc_type.name] = doc_type
        self._types = ordered
        self._by_name = by_name

    def __iter__(self) -> Iterator[DocumentType]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __repr__(self) -> str:
        return f"DocumentTypes({', '.join(self.names)})"

    @property
    def names(self) -> tuple[str, ...]:
        """The type names, in order."""
        return tuple(self._by_name)

    def find(self, name: str | None) -> DocumentType | None:
        """The type with this name, or None."""
        return self._by_name.get(name) if name is not None else None

    def get(self, name: str) -> DocumentType:
        """The type with this name; UnknownDocumentTypeError names the active ones otherwise."""
        found = self._by_name.get(name)
        if found is None:
            raise UnknownDocumentTypeError(f"unknown document type {name!r}; active: {', '.join(self.names) or 'none'}")
        return found
