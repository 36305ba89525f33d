"""WordprocessingML's names and the few value forms every Word part uses."""

from __future__ import annotations

import re

__all__ = ["NAMESPACES", "attribute", "integer", "on", "starts_page"]

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
