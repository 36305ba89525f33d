"""WordprocessingML's names, the few value forms every Word part uses, and reading a part for its properties."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable

from claimflow.runtime.ingest._ooxml import Budget, stream_part

__all__ = ["NAMESPACES", "attribute", "flag", "integer", "on", "read_part", "starts_page"]

NAMESPACES = frozenset(
    ("http://schemas.openxmlformats.org/wordprocessingml/2006/main", "http://purl.oclc.org/ooxml/wordprocessingml/main")
)
"""WordprocessingML's namespace, as transitional files (all Word writes) and strict ones name it."""

_OFF = frozenset(("0", "false", "off"))
_INTEGER = re.compile(r"\s*(-?\d{1,9})\s*")
"""At most nine digits: a part is untrusted, and Word's numbers (list starts, sizes, ids) are far smaller."""


def attribute(attributes: dict[str, str], name: str) -> str | None:
    """The attribute of that local name (`w:val`, `w:type`, ...), whatever its namespace."""
    return next((value for key, value in attributes.items() if key.rpartition(" ")[2] == name), None)


def integer(attributes: dict[str, str], name: str = "val") -> int | None:
    """The attribute as a whole number, or None when it is missing or not a plain number of at most nine digits."""
    value = attribute(attributes, name)
    found = _INTEGER.fullmatch(value) if value is not None else None
    return int(found.group(1)) if found else None


def starts_page(attributes: dict[str, str]) -> bool:
    """Whether a section of this `w:type` starts on a new page (`nextPage`, `oddPage`, `evenPage`)."""
    return attribute(attributes, "val") not in ("continuous", "nextColumn")


def on(attributes: dict[str, str]) -> bool:
    """Whether a toggle property (`<w:vanish/>`, `<w:vanish w:val="false"/>`) is on."""
    value = attribute(attributes, "val")
    return value is None or value.strip().lower() not in _OFF


def flag(attributes: dict[str, str], name: str) -> bool:
    """Whether an on/off attribute (`w:default`, `w:customMarkFollows`) is on: off when it is missing."""
    return on({"val": attribute(attributes, name) or "0"})


def read_part(
    archive: zipfile.ZipFile, part: str, budget: Budget, start: Callable[[str, dict[str, str], list[str]], None]
) -> None:
    """Stream `part` to `start(name, attributes, path)`, for a part read for its properties, not its text.

    `name` is the element's local name, "" when it is not WordprocessingML's; `path` the names of the elements
    open around it, outermost first.
    """
    path: list[str] = []

    def opened(namespace: str, name: str, attributes: dict[str, str]) -> None:
        name = name if namespace in NAMESPACES else ""
        start(name, attributes, path)
        path.append(name)

    def closed(_namespace: str, _name: str) -> None:
        path.pop()

    stream_part(archive, part, budget, (opened, closed, lambda _: None))
