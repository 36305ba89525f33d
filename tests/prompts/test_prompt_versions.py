"""Every built-in prompt's text is pinned: a change without a version bump fails here.

The extraction prompts are built from the type declarations (fields, labels, guidance), so a changed
declaration changes its prompt's hash: the type's `version` must change with it.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import claimflow.prompts as prompts
from claimflow.doctypes import BUILTIN_TYPES, INVOICE
from claimflow.prompts import CLASSIFY, PromptSpec, extract_prompt, prompts_for

LOCK = Path(prompts.__file__).with_name("versions.lock.json")
ALL_PROMPTS = prompts_for(BUILTIN_TYPES)
"""classify and the built-in types' extraction prompts: the ones the lock pins."""


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


def test_the_builtin_prompts_are_classify_and_one_extraction_per_type() -> None:
    assert [spec.ref for spec in ALL_PROMPTS] == [
        "classify@3", "extract_invoice@4", "extract_receipt@2", "extract_contract@2",
    ]  # fmt: skip
    assert ALL_PROMPTS[0] is CLASSIFY


def test_prompt_refs_are_unique() -> None:
    counts = Counter(spec.ref for spec in ALL_PROMPTS)
    assert [ref for ref, n in counts.items() if n > 1] == []
    assert len({spec.name for spec in ALL_PROMPTS}) == len(ALL_PROMPTS)


def test_the_lock_keeps_every_earlier_version() -> None:
    """Results recorded under an old ref still name its text: entries are added, never replaced."""
    lock = _lock()
    assert {"classify@1", "extract_invoice@1", "extract_receipt@1", "extract_contract@1"} <= set(lock)
    assert all(lock[f"{spec.name}@1"] != spec.content_hash for spec in ALL_PROMPTS)


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


def _relabelled_invoice(version: str) -> Any:
    fields = [
        dataclasses.replace(spec, labels=(*spec.labels, "Ref. No.")) if spec.name == "invoice_number" else spec
        for spec in INVOICE.fields
    ]
    return dataclasses.replace(INVOICE, fields=fields, version=version)


def test_a_declaration_change_without_a_type_version_bump_is_caught() -> None:
    # A new label is part of the extraction prompt's text: the model is told how the field is printed.
    edited = extract_prompt(_relabelled_invoice(INVOICE.version))
    assert edited.ref == "extract_invoice@4" and "Ref. No." in edited.user_template
    (problem,) = lock_problems((edited,), _lock())
    assert "extract_invoice@4 changed" in problem and "bump the version of 'extract_invoice'" in problem
    (problem,) = lock_problems((extract_prompt(_relabelled_invoice("5")),), _lock())
    assert problem.startswith("extract_invoice@5 is not in")


def test_a_changed_guidance_or_description_of_a_field_changes_the_hash() -> None:
    base = extract_prompt(INVOICE).content_hash
    guided = dataclasses.replace(INVOICE, guidance=INVOICE.guidance + " Dates are day first.")
    seller = dataclasses.replace(INVOICE.fields[0], description="The seller")
    described = dataclasses.replace(INVOICE, fields=[seller, *INVOICE.fields[1:]])
    assert len({base, extract_prompt(guided).content_hash, extract_prompt(described).content_hash}) == 3


@pytest.mark.parametrize("spec", ALL_PROMPTS, ids=lambda spec: spec.ref)
def test_user_template_renders_with_the_documented_keys(spec: PromptSpec[Any]) -> None:
    system, user = spec.render(document="DOC-TEXT", types="TYPE-LIST", feedback="FEEDBACK")
    assert system == spec.system
    assert "DOC-TEXT" in user
    assert "FEEDBACK" in user
    # Only classify lists the active types; an extraction prompt has its fields baked in.
    assert ("TYPE-LIST" in user) == (spec is CLASSIFY)
    assert ("Fields:\n- " in user) == (spec is not CLASSIFY)
