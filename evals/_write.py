"""Write a file whole: a process reading it meanwhile sees the old content or the new, never half of either."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_text_atomically(path: Path, text: str) -> None:
    """Write `text` to a new file beside `path`, then rename it over `path`.

    Two `claimflow eval` runs in one folder share its baselines and perhaps a report: written in place, a run
    reading a baseline while another rewrites it found it empty (not JSON), and two writing one file at once
    could leave the end of the longer text after the shorter. The new file is made as `open` makes any (the
    umask's mode), as the file it replaces was. A path that is a link or no regular file (`/dev/stdout`) is
    written through, as before: renaming over it would replace the link or the device, not write to it.
    """
    if path.is_symlink() or (path.exists() and not path.is_file()):
        path.write_text(text, encoding="utf-8")
        return
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with temporary.open("x", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        # Said of the file asked for: the temporary one is no name the user gave or could act on.
        raise OSError(error.errno, error.strerror, str(path)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
