r"""Where documents come from: the paths given to `run`, expanded into regular files, and what was skipped, and why.

Only regular files are documents. Everything a folder holds that is not read is reported with its reason, never
dropped silently: hidden entries (a name starting with `.`, such as `.git` or `.DS_Store`, not descended into),
the files a system or an editor keeps beside documents (`Thumbs.db`, `desktop.ini`, `~$report.docx`),
links that lead nowhere or in a circle, links to folders (not followed, so a walk cannot loop), a file's second
name (a link to a file the folder holds, a hard link: it is read once), folders and files
that cannot be read, and devices, FIFOs and sockets (never opened: reading one could block or never end).
Paths given explicitly are handed on as they are, intake refusing what is not a regular file (see
`read_regular_file`), unless they are not there or cannot be read: those are skipped as a folder's entry is.

An entry skipped because it could not be read (not there, a dangling link, a link loop, permission denied) is an
input lost (`Skipped.lost`), and fails the batch; one skipped by design (hidden, a link to a folder, a device)
does not.

File names are bytes on POSIX and need not be UTF-8: `path_text` is the one text form of a path that every
output and the registry use, with each undecodable byte written as `\xNN`.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from claimflow.runtime.visible import visible

HIDDEN = "hidden (its name starts with a dot)"
SYSTEM = "a file the system or an editor keeps beside documents (Thumbs.db, desktop.ini, Icon, an Office ~$ lock)"
DATA_DIR = "claimflow's data directory (--data-dir): its databases are no documents"
LINKED_FOLDER = "a link to a folder (links to folders are not followed)"
_SYSTEM_NAMES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"})
"""Windows' thumbnail caches and folder settings, macOS's folder icon: in every synced inbox, never a document."""
MISSING = "does not exist"
DENIED = "cannot be read: Permission denied"


@dataclass(frozen=True)
class Skipped:
    """An entry of a folder that is not read as a document, with the reason."""

    path: Path
    reason: str
    lost: bool = False
    """It could not be read (an input lost, which fails the batch), rather than left out by design."""

    def as_json(self) -> dict[str, str]:
        """`{"skipped": PATH, "reason": TEXT}`, the line `run --json` prints for it."""
        return {"skipped": path_text(self.path), "reason": self.reason}


@dataclass(frozen=True)
class Sources:
    """The documents to read, in order, and the entries skipped on the way."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def path_text(path: Path | str) -> str:
    r"""A path as text for output, events and the registry: bytes that are not UTF-8 are written `\xNN`.

    Python reads such names with surrogate escapes (`caf\udce9.txt`), which no UTF-8 output, SQLite text or
    JSON consumer accepts; `caf\xe9.txt` can be printed, stored and parsed everywhere.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def source_of(path: Path) -> str:
    """Where a document is read from, as its run records it: the file's real path, links and `..` resolved.

    The same file reached by another spelling (`inbox/../inbox/a.pdf`, a link to its folder, another working
    directory) is then the same source, so running it again registers nothing twice.
    """
    return path_text(os.path.realpath(path))


def sent_name(filename: str) -> str:
    r"""The name of a document sent as bytes: its last part (`../x/a.pdf` is `a.pdf`), printable and storable.

    Control characters and the invisible ones that reorder or hide text are written out (`\x00`, `\u202e`, as
    `visible` writes them everywhere a name is shown), as `path_text` writes bytes that are not UTF-8: a NUL is
    refused by Postgres and by every JSON consumer of text, a terminal would act on the others, and a reader
    would see `invoice\u202efdp.exe` as `invoiceexe.pdf`. Empty is `upload`.
    """
    return visible(path_text(PurePosixPath(filename.replace("\\", "/")).name)) or "upload"


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _unreadable(path: Path, error: OSError) -> Skipped:
    if error.errno == errno.ELOOP:
        return Skipped(path, "a link loop (its links lead back to themselves)", lost=True)
    if error.errno == errno.ENOENT:
        return Skipped(path, "a dangling link (its target does not exist)" if path.is_symlink() else MISSING, lost=True)
    return Skipped(path, f"cannot be read: {error.strerror or error}", lost=True)


def expand(paths: Iterable[Path], *, data_dir: Path | None = None) -> Sources:
    """Files as given; folders as their regular files (recursively, sorted), with every skipped entry.

    A path given that is not there or cannot be read is skipped (`lost`), as such an entry of a folder is.
    `data_dir`, claimflow's own, is not descended into where a folder holds it: its databases are no documents.
    A file the batch reaches twice (named twice, named and inside a folder named, or under a second name) is
    read once, the other names skipped as for a folder's two names of one file.
    """
    sources = Sources()
    try:
        own = os.stat(data_dir) if data_dir is not None else None
    except OSError:  # not made yet: no folder to leave out
        own = None
    kept_out = (own.st_dev, own.st_ino) if own is not None else None
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except OSError as error:
            sources.skipped.append(_unreadable(path, error))
            continue
        if stat.S_ISDIR(mode):
            found: list[Path] = []
            _walk(path, found, sources.skipped, kept_out)
            sources.files.extend(sorted(found))  # two names of one file: one is kept below, as for the batch
        elif stat.S_ISREG(mode) and not os.access(path, os.R_OK):
            sources.skipped.append(Skipped(path, DENIED, lost=True))
        else:
            sources.files.append(path)  # a device or a FIFO too: intake refuses it, unopened, as a failed run
    sources.files[:] = _one_name_each(sources.files, sources.skipped)
    return sources


def _walk(top: Path, found: list[Path], skipped: list[Skipped], data_dir: tuple[int, int] | None = None) -> None:
    """Depth first, in name order, without recursion: a folder nested a thousand deep is walked, not a traceback."""
    folders = [iter(_entries(top, skipped))]  # the entries each open folder has still to give
    while folders:
        entry = next(folders[-1], None)
        if entry is None:
            folders.pop()
            continue
        path = Path(entry.path)
        if entry.name.startswith("."):
            skipped.append(Skipped(path, HIDDEN))
            continue
        if entry.name.lower() in _SYSTEM_NAMES or entry.name.startswith("~$"):  # ~$: an open Office file's owner
            skipped.append(Skipped(path, SYSTEM))
            continue
        try:
            known = os.stat(path)  # follows links: what a link leads to is what counts
        except OSError as error:
            skipped.append(_unreadable(path, error))
            continue
        mode = known.st_mode
        if stat.S_ISDIR(mode):
            if (known.st_dev, known.st_ino) == data_dir:
                skipped.append(Skipped(path, DATA_DIR))
            elif entry.is_symlink():
                skipped.append(Skipped(path, LINKED_FOLDER))
            else:
                folders.append(iter(_entries(path, skipped)))
        elif not stat.S_ISREG(mode):
            skipped.append(Skipped(path, f"{kind_of(mode)}, not a regular file; it was not opened"))
        elif not os.access(path, os.R_OK):
            skipped.append(Skipped(path, DENIED, lost=True))
        else:
            found.append(path)


def _entries(folder: Path, skipped: list[Skipped]) -> list[os.DirEntry[str]]:
    """A folder's entries in name order; none, and the folder skipped with its reason, if it cannot be read."""
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        skipped.append(_unreadable(folder, error))
        return []


def _one_name_each(found: list[Path], skipped: list[Skipped]) -> list[Path]:
    """A file the batch reaches under two names (a link to a file, a hard link, a path named twice) is read once.

    Read twice, its second name would be a new document with the same bytes, held for review as a duplicate of
    itself. The name kept is the first that is not a symbolic link; the others are skipped, naming it.
    """
    names: dict[tuple[int, ...], list[int]] = {}  # by position: one path named twice is two entries
    for index, path in enumerate(found):
        try:
            known = os.stat(path)
        except OSError:  # gone since the walk: intake says so, as for any file that vanished
            known = None
        if known is None or not known.st_ino:  # a file system without inode numbers tells no names apart
            names[(-1, len(names))] = [index]
            continue
        # Size and change time too: a network or FUSE file system that reuses inode numbers loses no document.
        same = (known.st_dev, known.st_ino, known.st_size, known.st_mtime_ns, known.st_ctime_ns)
        names.setdefault(same, []).append(index)
    kept: set[int] = set()
    for indices in names.values():
        first = next((index for index in indices if not found[index].is_symlink()), indices[0])
        kept.add(first)
        said = f"the same file as {path_text(found[first])}"
        skipped.extend(Skipped(found[index], said) for index in indices if index != first)
    return [path for index, path in enumerate(found) if index in kept]


def read_regular_file(path: Path, max_bytes: int) -> tuple[int, bytes]:
    """The file's size, and its bytes unless it is over `max_bytes` (then `b""`); OSError if not a regular file.

    The path is looked at (`stat`) before it is opened, so a device or a FIFO is never opened; it is then opened
    non-blocking (a FIFO swapped in meanwhile cannot hang the read) and checked again on the open descriptor.
    At most `max_bytes + 1` bytes are read, so a file that grows while it is read cannot exhaust memory.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFileError(errno.EINVAL, f"{kind_of(mode)}, not a regular file; it was not opened")
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(descriptor, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise NotRegularFileError(errno.EINVAL, f"{kind_of(opened.st_mode)}, not a regular file; it was not read")
        if opened.st_size > max_bytes:
            return opened.st_size, b""
        data = handle.read(max_bytes + 1)
    return max(len(data), opened.st_size), data if len(data) <= max_bytes else b""


class NotRegularFileError(OSError):
    """A path given as a document is a device, a FIFO, a socket or a folder: only regular files are read."""
