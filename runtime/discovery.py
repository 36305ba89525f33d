"""Finding the active document types: entry points, configuration files, CLAIMFLOW_TYPES and --types.

Sources add up, in this order:
1. installed packages' entry points in the group `claimflow.document_types` (claimflow's built-ins are
   registered there too);
2. `types = ["module:attr", ...]` under `[tool.claimflow]` in the nearest `pyproject.toml`, or at the top of
   the nearest `claimflow.toml` (searched from the working directory upwards);
3. `CLAIMFLOW_TYPES` and `--types` (comma-separated `module[:attr]` or `path/to/file.py[:attr]`; a file's folder goes
   on the import path, as for a script).
A target may name a DocumentType, a list of them, or a module (its `DOCUMENT_TYPES`, else every
DocumentType defined at its top level). `disable = ["contract"]` in the configuration switches a type off; a name
that both an installed package and your own configuration declare switches off the installed one, so yours replaces
it (a built-in `invoice` of your own making).

Anything malformed stops start-up with a message naming the file and the problem, before any document
is read: a declaration that does not validate, a module that does not import, two types with one name.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from types import CodeType, ModuleType

from claimflow.runtime.active_types import ENTRY_POINT_SOURCE, ActiveType, ActiveTypes, combine, given_types
from claimflow.runtime.errors import TypeDiscoveryError
from claimflow.runtime.type_config import CONFIG_FILE, TypeConfig, find_config
from claimflow.state.did_you_mean import did_you_mean
from claimflow.state.errors import DeclarationError
from claimflow.state.schema import DocumentType, DocumentTypes, Rule
from claimflow.state.schema.rules import what_raised
from claimflow.state.user_code import user_frame

__all__ = [
    "CONFIG_FILE",
    "ENTRY_POINT_GROUP",
    "ActiveType",
    "ActiveTypes",
    "TypeConfig",
    "TypeDiscoveryError",
    "combine",
    "discover_types",
    "find_config",
    "given_types",
    "load_target",
]

ENTRY_POINT_GROUP = "claimflow.document_types"
"""The entry point group packages register their document types in."""


def _declared_at(error: BaseException, fallback: str | None) -> str | None:
    """The user's file and line a declaration error was raised from (the last frame outside claimflow)."""
    return user_frame(error) or fallback


FILE_MODULE_PREFIX = "claimflow_user_types_"
"""The start of the name a types file named by its path (`--types types.py:ORDER`) is imported under."""


def _module_file(module_name: str) -> str | None:
    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None else None


class _FromSource(importlib.machinery.SourceFileLoader):
    """Compiles a `--types` file from its source at every load, never from a cached bytecode file.

    Python trusts a `__pycache__` file while the source keeps its size and its modification time to the second:
    a types file rewritten within a second (by a generator, a script, a test), `version="1"` made `version="2"`,
    ran as it was, while the workflow version and `eval --changed`, which hash the source, saw the new one.
    """

    def get_code(self, fullname: str) -> CodeType:  # noqa: ARG002 - one loader, one file
        """The module's code, compiled from the file as it is now."""
        return self.source_to_code(self.get_data(self.path), self.path)


def _import(
    module_part: str, target: str, source: str, base: Path, loaded: dict[Path, ModuleType]
) -> tuple[ModuleType, str | None]:
    module_name = module_part
    if module_part.endswith(".py") or os.sep in module_part or "/" in module_part:
        path = (base / module_part).resolve()
        if path.is_dir():
            if not (path / "__init__.py").is_file():
                hint = "name a .py file in it"
            elif path.parent == base:
                hint = f"name the package as a module, {path.name!r}"
            else:
                hint = f"name the package as a module, {path.name!r}, from the folder that holds it"
            raise TypeDiscoveryError(f"{source}: {module_part} is a folder, not a file; {hint}")
        if not path.is_file():
            raise TypeDiscoveryError(f"{source}: {module_part} is not a file (looked for {path})")
        if path in loaded:
            return loaded[path], str(path)
        module_name = f"{FILE_MODULE_PREFIX}{path.stem}"
        if str(path.parent) not in sys.path:
            # As Python runs a script: the file imports the modules beside it (its rules, its helpers).
            sys.path.insert(0, str(path.parent))
        spec = importlib.util.spec_from_file_location(module_name, path, loader=_FromSource(module_name, str(path)))
        if spec is None or spec.loader is None:
            raise TypeDiscoveryError(f"{source}: {path} cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        loader = spec.loader
        _run(lambda: loader.exec_module(module), target, source, str(path))
        loaded[path] = module
        return module, str(path)
    if str(base) not in sys.path:
        # Modules named in a configuration file or on the command line live beside it, as with pytest's rootdir.
        sys.path.insert(0, str(base))
    file = _module_file(module_name)
    if file is not None and Path(file).resolve() in loaded:
        return loaded[Path(file).resolve()], file
    imported = _run(lambda: importlib.import_module(module_name), target, source, file, (module_name, base))
    assert isinstance(imported, ModuleType)
    origin: str | None = getattr(imported, "__file__", None)
    if origin is not None:
        loaded[Path(origin).resolve()] = imported
    return imported, origin


def _looked_for(error: ModuleNotFoundError, module_name: str, base: Path) -> str:
    """Where a module named and not found was looked for, and the module beside it its name is closest to.

    Nothing when what was not found is a module the named one imports (its own `import no_such_helper`).
    """
    missing = error.name or ""
    if not missing or not (module_name == missing or module_name.startswith(f"{missing}.")):
        return ""
    top = module_name.partition(".")[0]
    try:
        beside = [path.stem for path in base.glob("*.py")] + [
            path.name for path in base.iterdir() if (path / "__init__.py").is_file()]  # fmt: skip
    except OSError:  # a folder gone or unreadable: the rest of the message still says where
        beside = []
    near = did_you_mean(top, beside) if top not in beside else ""  # `pkg.typo`: pkg is there, its module is not
    return (
        f"; a module is looked for in {base}{near} and among the installed packages;"
        " name a file by its path (my_types.py) instead"
    )


def _run(
    load: Callable[[], object], target: str, source: str, file: str | None, named: tuple[str, Path] | None = None
) -> object:
    """Run `load` (a user's module's import), every failure of it a `TypeDiscoveryError` saying where.

    `named`: the module `load` imports and the folder it is looked for in first, to say where it was looked for
    when it is not found (`_looked_for`).
    """
    try:
        return load()
    except DeclarationError as error:
        where = _declared_at(error, file)
        raise TypeDiscoveryError(f"{source}: {target}: invalid document type in {where}: {error}") from None
    except TypeDiscoveryError:
        raise
    # Any import failure of a user's module is reported, not raised. SystemExit too (a module that calls
    # sys.exit, or parses the command line as a script does): let through, claimflow would end with no word.
    except (Exception, SystemExit) as error:
        where = _declared_at(error, file) or target
        hint = _looked_for(error, *named) if isinstance(error, ModuleNotFoundError) and named is not None else ""
        raise TypeDiscoveryError(
            f"{source}: cannot import {target} ({where}): {type(error).__name__}: {error}{hint}"
        ) from None


def _collect(obj: object, target: str, source: str, file: str | None = None) -> list[DocumentType]:
    if isinstance(obj, DocumentType):
        return [obj]
    if isinstance(obj, ModuleType):
        listed = getattr(obj, "DOCUMENT_TYPES", None)
        found = _collect(listed, target, source, file) if listed is not None else [
            value for value in vars(obj).values() if isinstance(value, DocumentType)]  # fmt: skip
        if not found:
            raise TypeDiscoveryError(f"{source}: {target} declares no DocumentType")
        return found
    if isinstance(obj, DocumentTypes | list | tuple):
        return _listed(list(obj), target, source)
    if isinstance(obj, Rule):
        raise TypeDiscoveryError(
            f"{source}: {target} is the rule {obj.name!r}, not a DocumentType: name the type that lists it in rules"
        )
    if callable(obj):
        return _made(obj, target, source, file)
    raise TypeDiscoveryError(f"{source}: {target} is {type(obj).__name__}, not a DocumentType")


def _listed(items: list[object], target: str, source: str) -> list[DocumentType]:
    types = [item for item in items if isinstance(item, DocumentType)]
    if len(types) < len(items):
        bad = next(item for item in items if not isinstance(item, DocumentType))
        raise TypeDiscoveryError(f"{source}: {target} holds {bad!r}, which is not a DocumentType")
    return types


def _made(factory: Callable[[], object], target: str, source: str, file: str | None) -> list[DocumentType]:
    """The types a factory returns: a DocumentType or a list of them. What it raises is named, as an import's is."""
    name = f"{getattr(factory, '__qualname__', None) or type(factory).__name__}()"
    try:
        made = factory()
    except DeclarationError as error:
        where = _declared_at(error, file)
        raise TypeDiscoveryError(
            f"{source}: {target}: {name} built an invalid document type in {where}: {error}"
        ) from None
    except (Exception, SystemExit) as error:  # the user's code: named, never a traceback (see _run)
        where = _declared_at(error, file) or target
        raise TypeDiscoveryError(
            f"{source}: {target}: the factory {name} raised {what_raised(error)} ({where})"
        ) from None
    if isinstance(made, DocumentType):
        return [made]
    if isinstance(made, DocumentTypes | list | tuple):
        return _listed(list(made), f"{target} ({name})", source)
    raise TypeDiscoveryError(
        f"{source}: {target}: {name} returned {type(made).__name__}, not a DocumentType or a list of them"
    )


def load_target(target: str, source: str, base: Path, loaded: dict[Path, ModuleType] | None = None) -> list[ActiveType]:
    """Import `module[:attr]` (or `file.py[:attr]`) and return the types it names.

    Args:
        target: `module[:attr]` or `path/to/file.py[:attr]`.
        source: Where the target was named, for messages (`--types/CLAIMFLOW_TYPES`, `claimflow.toml (...)`).
        base: The folder a relative file path or a module beside it is found from.
        loaded: The modules one discovery has imported so far, by file, and where it adds this one. A file named
            twice (in claimflow.toml and with --types, by path or as a module) is imported once: its types are
            then the same objects, not two types with one name.
    """
    module_part, _, attr = target.partition(":")
    if not module_part.strip():
        raise TypeDiscoveryError(f"{source}: {target!r} names no module; use module[:attr]")
    module, file = _import(module_part.strip(), target, source, base, {} if loaded is None else loaded)
    obj: object = module
    for name in filter(None, attr.strip().split(".")):
        if not hasattr(obj, name):
            raise TypeDiscoveryError(
                f"{source}: {module_part} ({file}) has no attribute {attr!r}{_declared_here(obj, name)}"
            )
        obj = getattr(obj, name)
    return [ActiveType(t, source, target, _file_of(t, file)) for t in _collect(obj, target, source, file)]


def _declared_here(holder: object, name: str) -> str:
    """What a misspelt attribute could have been: the document types (and lists of them) `holder` has, closest first."""
    if not isinstance(holder, ModuleType):
        return ""
    names = [
        attr
        for attr, value in vars(holder).items()
        if isinstance(value, DocumentType | DocumentTypes)
        or (isinstance(value, list | tuple) and value and all(isinstance(item, DocumentType) for item in value))
    ]
    if not names:
        return "; it declares no DocumentType"
    return did_you_mean(name, names) + f"; it declares {', '.join(names)}"


def _file_of(doc_type: DocumentType, fallback: str | None) -> str | None:
    """The file that declares the type (without its line), else the module it was loaded from."""
    if doc_type.declared_in:
        return doc_type.declared_in.rsplit(":", 1)[0]
    return fallback


def _entry_point_types() -> Iterator[ActiveType]:
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: (p.dist.name if p.dist else "", p.name)):
        dist = f"{point.dist.name} {point.dist.version}" if point.dist else "unknown package"
        source = f"{ENTRY_POINT_SOURCE} {point.name} ({dist})"
        try:
            obj = point.load()
        except DeclarationError as error:
            where = _declared_at(error, _module_file(point.module))
            raise TypeDiscoveryError(f"{source}: {point.value}: invalid document type in {where}: {error}") from None
        except (Exception, SystemExit) as error:  # a broken plugin is named, never half-loaded (see _run)
            where = _declared_at(error, _module_file(point.module)) or point.value
            raise TypeDiscoveryError(
                f"{source}: cannot load {point.value} ({where}): {type(error).__name__}: {error}"
            ) from None
        file = _module_file(point.module)
        found = _collect(obj, point.value, source, file)
        yield from (ActiveType(t, source, point.value, _file_of(t, file)) for t in found)


def _split(specs: Iterable[str]) -> list[str]:
    return [part.strip() for spec in specs for part in spec.split(",") if part.strip()]


def discover_types(specs: Sequence[str] = (), *, cwd: Path | None = None, use_entry_points: bool = True) -> ActiveTypes:
    """Every active type: entry points, the nearest configuration file, then `specs` (CLAIMFLOW_TYPES, --types)."""
    base = (cwd or Path.cwd()).resolve()
    config = find_config(base)
    found: list[ActiveType] = list(_entry_point_types()) if use_entry_points else []
    loaded: dict[Path, ModuleType] = {}
    if config.path is not None:
        label = f"{config.path.name}" + (" [tool.claimflow]" if config.path.name == "pyproject.toml" else "")
        for target in config.types:
            found += load_target(target, f"{label} ({config.path})", config.path.parent, loaded)
    for target in _split(specs):
        found += load_target(target, "--types/CLAIMFLOW_TYPES", base, loaded)
    return combine(found, config.disable)
