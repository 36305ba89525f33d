"""Values from a closed list: enum fields (declared values) and booleans (yes/no words in several languages)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from claimflow.state.normalize.text import fold

Choices = Mapping[str, tuple[str, ...]]
"""A closed vocabulary: each canonical value with the ways documents print it (the value itself included)."""

BOOLEAN_CHOICES: Choices = {
    "true": ("yes", "true", "ja", "oui", "sí", "si", "sì", "y", "x", "[x]", "☒", "☑", "✓", "✔"),
    "false": ("no", "false", "nein", "non", "n", "[ ]", "☐"),
}
"""How a yes/no value is printed; canonical values are "true" and "false"."""


def choice_of(value: str, choices: Choices) -> str | None:
    """The canonical value `value` names (a canonical value or one of its printed forms), or None."""
    wanted = fold(value)
    for canonical, printed in choices.items():
        if wanted == fold(canonical) or any(wanted == fold(form) for form in printed):
            return canonical
    return None


def _form_pattern(form: str) -> re.Pattern[str]:
    # A printed form is a whole word (or a whole symbol): "no" must not match inside "November".
    words = [re.escape(part) for part in form.split()]
    body = r"\s+".join(words)
    before = r"(?<!\w)" if form[:1].isalnum() else ""
    after = r"(?!\w)" if form[-1:].isalnum() else ""
    return re.compile(before + body + after, re.IGNORECASE)


def choice_spans(canonical: str, text: str, choices: Choices) -> list[tuple[int, int]]:
    """Where `text` prints the canonical value, as whole words."""
    forms = {canonical, *choices.get(canonical, ())}
    spans = {(m.start(), m.end()) for form in forms if form.strip() for m in _form_pattern(form).finditer(text)}
    return sorted(spans)
