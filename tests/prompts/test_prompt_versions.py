"""Every prompt's text is pinned: a change without a version bump fails here."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import claimflow.prompts as prompts
from claimflow.prompts import ALL_PROMPTS, PromptSpec

LOCK = Path(prompts.__file__).with_name("versions.lock.json")


def _lock() -> dict[str, str]:
    data = json.loads(LOCK.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def lock_problems(specs: tuple[PromptSpec[Any], ...], lock: dict[str, str]) -> list[str]:
    """What is wrong between the prompts and the lock file, as messages for the developer."""
    problems: list[str] = []
    for spec in specs:
        pinned = lock.get(spec.ref)
        if pinned is None:
            problems.append(f'{spec.ref} is not in {LOCK.name}: add "{spec.ref}": "{spec.content_hash}" to it')
        elif pinned != spec.content_hash:
            problems.append(
                f"{spec.ref} changed (text or response schema) but its version did not: bump the version of "
                f'{spec.name!r} and add "{spec.name}@<new version>": "{spec.content_hash}" to {LOCK.name}; '
                f"never edit the existing {spec.ref} entry, results recorded under it refer to the old text"
            )
    return problems


def test_every_prompt_matches_its_locked_hash() -> None:
    problems = lock_problems(ALL_PROMPTS, _lock())
    assert not problems, "\n".join(problems)


def test_prompt_refs_are_unique() -> None:
    counts = Counter(spec.ref for spec in ALL_PROMPTS)
    assert [ref for ref, n in counts.items() if n > 1] == []
    assert len({spec.name for spec in ALL_PROMPTS}) == len(ALL_PROMPTS)


def test_lock_hashes_look_like_sha256() -> None:
    for ref, digest in _lock().items():
        assert "@" in ref
        assert len(digest) == 64
        int(digest, 16)


def test_a_text_change_without_a_version_bump_is_caught() -> None:
    spec = ALL_PROMPTS[0]
    edited = dataclasses.replace(spec, system=spec.system + " Be brief.")
    (problem,) = lock_problems((edited,), _lock())
    assert "bump the version" in problem
    assert "never edit the existing" in problem
    assert edited.content_hash in problem


def test_a_schema_change_changes_the_hash() -> None:
    spec = ALL_PROMPTS[0]
    other_model = next(s.response_model for s in ALL_PROMPTS if s.response_model is not spec.response_model)
    assert dataclasses.replace(spec, response_model=other_model).content_hash != spec.content_hash


def test_a_bumped_version_needs_its_own_entry() -> None:
    spec = ALL_PROMPTS[0]
    bumped = dataclasses.replace(spec, version=spec.version + ".1")
    (problem,) = lock_problems((bumped,), _lock())
    assert f"{bumped.ref} is not in" in problem


@pytest.mark.parametrize("spec", ALL_PROMPTS, ids=lambda spec: spec.ref)
def test_user_template_renders_with_the_documented_keys(spec: PromptSpec[Any]) -> None:
    system, user = spec.render(document="DOC-TEXT", fields="FIELD-LIST", feedback="FEEDBACK")
    assert system == spec.system
    assert "DOC-TEXT" in user
    assert "FEEDBACK" in user
