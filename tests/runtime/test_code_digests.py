"""Code digests kept between processes: the next one skips hashing the same code, and never reads a stale one."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.graphs import build_documents_workflow
from claimflow.runtime import version
from claimflow.runtime.code_digests import CODE_DIGEST_FILE, KEEP, CodeDigests, default_cache_dir, source_key
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from claimflow.runtime.version import workflow_version

SOURCE = "def route(total):\n    return 'review' if total > 100 else 'finalize'\n"


def _version(digests: CodeDigests) -> str:
    return workflow_version(build_documents_workflow(BUILTIN_TYPES).compile(), BUILTIN_TYPES, digests=digests)


def _no_hashing(source: str) -> str:
    raise AssertionError(f"hashed again: {source[:60]!r}")


def test_a_second_process_gives_the_same_version_without_hashing_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / CODE_DIGEST_FILE
    first = _version(CodeDigests(path))
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # private, like the rest of the data directory
    monkeypatch.setattr(version, "source_digest", _no_hashing)
    assert _version(CodeDigests(path)) == first
    # Without the file, the same version: the digests only make it sooner.
    monkeypatch.undo()
    assert _version(CodeDigests(tmp_path / "elsewhere.json")) == first


def test_a_changed_source_is_hashed_anew_and_an_unchanged_one_is_not(tmp_path: Path) -> None:
    path = tmp_path / CODE_DIGEST_FILE
    calls: list[str] = []

    def counted(source: str) -> str:
        calls.append(source)
        return version.source_digest(source)

    kept = CodeDigests(path)
    original = kept.digest(SOURCE, counted)
    kept.save()
    again = CodeDigests(path)
    assert again.digest(SOURCE, counted) == original
    changed = SOURCE.replace("> 100", ">= 100")
    assert again.digest(changed, counted) == version.source_digest(changed) != original
    assert calls == [SOURCE, changed]


def test_a_digest_is_kept_for_its_interpreter_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # Another Python may dump the same syntax tree differently: its digest must not be read for this one.
    here = source_key(SOURCE)
    monkeypatch.setattr("sys.version", "3.99.0 (elsewhere)")
    assert source_key(SOURCE) != here


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'{"key": 3}'])
def test_a_damaged_file_is_ignored_and_written_anew(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / CODE_DIGEST_FILE
    path.write_bytes(content)
    assert _version(CodeDigests(path)) == _version(CodeDigests())
    assert all(isinstance(value, str) for value in json.loads(path.read_bytes()).values())


def test_a_cache_folder_that_may_not_be_written_still_gives_the_version(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    expected = _version(CodeDigests())
    os.chmod(folder, 0o500)
    try:
        if os.access(folder, os.W_OK):  # root writes anyway: make the path a file's child instead
            (tmp_path / "a-file").write_text("")
            path = tmp_path / "a-file" / CODE_DIGEST_FILE
        else:
            path = folder / CODE_DIGEST_FILE
        assert _version(CodeDigests(path)) == expected
        assert not path.exists()
    finally:
        os.chmod(folder, 0o700)
    assert [entry.name for entry in folder.iterdir()] == []  # no temporary file left behind


def test_the_file_keeps_the_most_recently_used_digests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / CODE_DIGEST_FILE
    monkeypatch.setattr("claimflow.runtime.code_digests.KEEP", 3)
    kept = CodeDigests(path)
    for number in range(5):
        kept.digest(f"x = {number}\n", version.source_digest)
    kept.digest("x = 1\n", version.source_digest)  # used again: among the kept
    kept.save()
    stored = json.loads(path.read_bytes())
    assert set(stored) == {source_key(f"x = {n}\n") for n in (3, 4, 1)}
    assert KEEP >= 1_000  # a real installation's few hundred digests all fit


async def test_an_engine_keeps_its_digests_in_the_cache_folder_for_the_next_data_directory_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    async with open_engine(Settings(data_dir=tmp_path / "one", cache_dir=cache), types=BUILTIN_TYPES) as engine:
        first = engine.version
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert (cache / CODE_DIGEST_FILE).exists()
    assert not (tmp_path / "one" / CODE_DIGEST_FILE).exists()
    monkeypatch.setattr(version, "source_digest", _no_hashing)
    # Another data directory (an evaluation's, a new batch's): the code is the installation's, its digests too.
    async with open_engine(Settings(data_dir=tmp_path / "two", cache_dir=cache), types=BUILTIN_TYPES) as engine:
        assert engine.version == first


def test_the_cache_folder_is_the_setting_else_the_users_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMFLOW_CACHE_DIR", str(tmp_path / "mine"))
    assert Settings.load().cache_dir == tmp_path / "mine"
    monkeypatch.setenv("CLAIMFLOW_CACHE_DIR", "off")
    assert Settings.load().cache_dir is None
    monkeypatch.delenv("CLAIMFLOW_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Settings.load().cache_dir == tmp_path / "xdg" / "claimflow"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # the XDG spec says to ignore a relative path
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert Settings.load().cache_dir == tmp_path / "home" / ".cache" / "claimflow"
    assert default_cache_dir({"XDG_CACHE_HOME": "/var/cache/u"}) == Path("/var/cache/u/claimflow")


async def test_with_no_cache_folder_the_version_is_the_same(tmp_path: Path) -> None:
    async with open_engine(Settings(data_dir=tmp_path / "a", cache_dir=None), types=BUILTIN_TYPES) as engine:
        assert engine.version == _version(CodeDigests())
