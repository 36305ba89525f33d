"""The active document types, where each came from, and how types with one name are settled.

A name in `disable` switches off the installed types (entry points, the built-ins among them) of that name when one
of your own has it too, so yours replaces them; else every type of the name. Two types still left with one name are
refused, each named with the file and line that declares it and what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from claimflow.runtime.errors import TypeDiscoveryError
from claimflow.state.did_you_mean import did_you_mean
from claimflow.state.schema import DocumentType, DocumentTypes

ENTRY_POINT_SOURCE = "entry point"
"""How the source of a type an installed package registers begins (`entry point invoice (claimflow 0.2.0)`)."""


@dataclass(frozen=True)
class ActiveType:
    """An active document type and where it came from."""

    doc_type: DocumentType
    source: str
    """How it was found: `entry point invoice (claimflow 0.2.0)`, `--types`, `pyproject.toml [tool.claimflow]`."""
    target: str
    """The `module:attr` it was loaded from."""
    file: str | None
    """The file that declares it, when known."""


@dataclass(frozen=True)
class ActiveTypes:
    """The active document types, and where each came from."""

    entries: tuple[ActiveType, ...]

    @property
    def types(self) -> DocumentTypes:
        """The types, as the workflow takes them."""
        return DocumentTypes(entry.doc_type for entry in self.entries)

    def source_of(self, name: str) -> ActiveType | None:
        """Where the type with this name came from."""
        return next((entry for entry in self.entries if entry.doc_type.name == name), None)


def installed(entry: ActiveType) -> bool:
    """True for a type an installed package registers (an entry point; the built-ins are), not one named here."""
    return entry.source.startswith(ENTRY_POINT_SOURCE)


def _switched_off(entries: Sequence[ActiveType], disable: Sequence[str]) -> list[ActiveType]:
    """The entries `disable` leaves: a disabled name's installed types when one of yours replaces them, else all."""
    names = {entry.doc_type.name for entry in entries}
    unknown = sorted(set(disable) - names)
    if unknown:
        named = ", ".join(f"{name}{did_you_mean(name, names)}" for name in unknown)
        raise TypeDiscoveryError(
            f"disable (claimflow.toml or [tool.claimflow]) names unknown type(s) {named}; active:"
            f" {', '.join(sorted(names))}"
        )
    # A type of your own named like an installed one (a built-in) replaces it once the installed one is disabled.
    replaced = {entry.doc_type.name for entry in entries if entry.doc_type.name in disable and not installed(entry)}
    replaced &= {entry.doc_type.name for entry in entries if installed(entry)}
    return [
        entry
        for entry in entries
        if entry.doc_type.name not in disable or (entry.doc_type.name in replaced and not installed(entry))
    ]


def _two_named(name: str, first: ActiveType, second: ActiveType) -> TypeDiscoveryError:
    """Two types with one name, each with the file and line that declares it, and what the user can do."""
    if installed(first) and installed(second):
        advice = "uninstall one of the two packages"
    elif installed(first) or installed(second):
        advice = (
            f'rename yours, or put disable = ["{name}"] in claimflow.toml (or [tool.claimflow]) to use yours in place'
            " of the installed one"
        )
    else:
        advice = "rename one of them"
    where = [f"{e.target} ({e.source}, declared at {e.doc_type.declared_in or e.file})" for e in (first, second)]
    return TypeDiscoveryError(f"two document types are named {name!r}: {where[0]} and {where[1]}; {advice}")


def combine(found: Iterable[ActiveType], disable: Sequence[str] = ()) -> ActiveTypes:
    """Drop disabled types and repeats of one object; refuse two different types with one name."""
    kept: dict[str, ActiveType] = {}
    for entry in _switched_off(list(found), disable):
        name = entry.doc_type.name
        other = kept.get(name)
        if other is not None and other.doc_type is not entry.doc_type:
            raise _two_named(name, other, entry)
        kept.setdefault(name, entry)
    active = tuple(kept.values())
    if not active:
        raise TypeDiscoveryError("no document type is active: install one, or name one with --types")
    return ActiveTypes(active)


def given_types(types: Iterable[DocumentType]) -> ActiveTypes:
    """Types an embedding program passes directly (no discovery)."""
    if isinstance(types, DocumentType):
        raise TypeDiscoveryError(f"types must be a list of document types; put the type {types.name!r} in one")
    if isinstance(types, str | bytes) or not isinstance(types, Iterable):
        raise TypeDiscoveryError(f"types must be a list of document types, got {types!r}")
    given = list(types)
    for item in given:
        if not isinstance(item, DocumentType):
            raise TypeDiscoveryError(f"types holds {item!r}, which is not a DocumentType (pass the declaration itself)")
    return combine(ActiveType(t, "given by the caller", t.name, None) for t in given)
