"""The configuration file that names document types: the nearest claimflow.toml, or pyproject.toml [tool.claimflow].

Searched from the working directory upwards; one of the two per folder (a folder with both is refused: only one
would be read). Its `types` are `module[:attr]` or `path/to/file.py[:attr]` targets, found from its folder, and
its `disable` switches types off (see `claimflow.runtime.active_types`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from claimflow.runtime.errors import TypeDiscoveryError

CONFIG_FILE = "claimflow.toml"


@dataclass(frozen=True)
class TypeConfig:
    """What a configuration file says about types, and where it is."""

    types: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    path: Path | None = None


def _strings(value: object, what: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeDiscoveryError(f"{path}: {what} must be a list of strings, got {value!r}")
    return tuple(value)


def _table(path: Path) -> dict[str, object] | None:
    """The settings for claimflow in a claimflow.toml (all of it) or a pyproject.toml ([tool.claimflow]), if any."""
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise TypeDiscoveryError(f"{path} cannot be read: {error}") from None
    tool = data.get("tool")
    table = data if path.name == CONFIG_FILE else tool.get("claimflow") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise TypeDiscoveryError(f"{path}: tool.claimflow must be a table ([tool.claimflow]), got {table!r}")
    return table


def find_config(start: Path) -> TypeConfig:
    """The nearest claimflow.toml, or pyproject.toml with a [tool.claimflow] table, from `start` upwards."""
    for folder in (start, *start.parents):
        found = [(path, table) for path in (folder / CONFIG_FILE, folder / "pyproject.toml")
                 if (table := _table(path)) is not None]  # fmt: skip
        if len(found) > 1:
            # Only one would be read, and the other's types would be left out without a word.
            raise TypeDiscoveryError(
                f"{folder} configures claimflow twice, in {CONFIG_FILE} and in pyproject.toml [tool.claimflow]:"
                " keep one (move its types and disable into the other)"
            )
        if found:
            path, table = found[0]
            unknown = sorted(set(table) - {"types", "disable"})
            if unknown:
                raise TypeDiscoveryError(f"{path}: unknown key(s) {', '.join(unknown)}; known: types, disable")
            return TypeConfig(
                _strings(table.get("types", []), "types", path),
                _strings(table.get("disable", []), "disable", path),
                path,
            )
    return TypeConfig()
