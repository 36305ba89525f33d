"""The numbers Word puts before the paragraphs of a list (`word/numbering.xml`), rendered as Word shows them.

A paragraph is in a list through its `w:numPr` (a list instance `w:numId` and a level `w:ilvl`, 0 to 8), set
on it or by its paragraph style. An instance points to a definition (`w:abstractNum`) whose levels say the
first number (`w:start`), its form (`w:numFmt`) and the text around it (`w:lvlText`, where `%1` to `%9` stand
for the current numbers of levels 1 to 9). Instances of one definition count together, as in Word, unless an
instance overrides a level (`w:lvlOverride`, as Word writes it for "restart numbering"): it counts on its own.
Using a level restarts the deeper ones (`w:lvlRestart` may say otherwise). Decimal, letters, roman numerals and
bullets are rendered; bullets as `•` (or `-` where the list uses a dash); other forms as decimal numbers.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from claimflow.runtime.ingest._ooxml import Budget
from claimflow.runtime.ingest._wordml import attribute, integer, on, read_part

__all__ = ["ListNumbers", "Numbering", "number_form", "read_numbering"]

LEVELS = 9
_PLACEHOLDER = re.compile(r"%([1-9])")
_DASHES = frozenset(("-", "\u2013", "\u2014"))
_LETTER_REPEATS = 10
"""Letters go a..z, aa..zz, ...: past ten letters in a row a number is shown in digits (a part could ask for
a list that starts at a billion, and a billion letters)."""
_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


@dataclass
class Level:
    """One level of a list definition (`w:lvl`)."""

    start: int = 1
    form: str = "decimal"
    text: str | None = None
    suffix: str = "tab"
    restart: int | None = None
    legal: bool = False
    hidden: bool = False


@dataclass
class Numbering:
    """The list definitions (`w:abstractNum`) by id, and the instances (`w:num`) that use them."""

    definitions: dict[str, dict[int, Level]] = field(default_factory=dict)
    instances: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[int, Level]] = field(default_factory=dict)
    starts: dict[str, dict[int, int]] = field(default_factory=dict)


def _letters(value: int, upper: bool) -> str | None:
    if not 0 < value <= 26 * _LETTER_REPEATS:
        return None
    letter = chr(ord("A" if upper else "a") + (value - 1) % 26)
    return letter * ((value - 1) // 26 + 1)


def _roman(value: int, upper: bool) -> str | None:
    if not 0 < value < 4000:
        return None
    out = []
    for amount, digits in _ROMAN:
        count, value = divmod(value, amount)
        out.append(digits * count)
    text = "".join(out)
    return text.upper() if upper else text


def number_form(value: int, form: str) -> str:
    """`value` in the number form `form` (`w:numFmt`); decimal where the form is another or cannot show it."""
    if form == "none":
        return ""
    shown = None
    if form in ("lowerLetter", "upperLetter"):
        shown = _letters(value, form == "upperLetter")
    elif form in ("lowerRoman", "upperRoman"):
        shown = _roman(value, form == "upperRoman")
    return str(value) if shown is None else shown


class ListNumbers:
    """The counters of one part's lists, as its paragraphs are read in order."""

    def __init__(self, numbering: Numbering) -> None:
        """Count the lists `numbering` defines, all from their start."""
        self.numbering = numbering
        self.counters: dict[str, list[int | None]] = {}

    def _levels(self, instance: str) -> tuple[str, dict[int, Level], dict[int, int]] | None:
        definition = self.numbering.instances.get(instance)
        if definition is None or definition not in self.numbering.definitions:
            return None
        overrides, starts = self.numbering.overrides.get(instance, {}), self.numbering.starts.get(instance, {})
        levels = {**self.numbering.definitions[definition], **overrides}
        # An instance that overrides a level is a list restarted: it counts on its own.
        key = f"num {instance}" if overrides or starts else f"abstract {definition}"
        return key, levels, starts

    def number(self, instance: str, level: int) -> str | None:
        """The text before a paragraph of list `instance` (`w:numId`) at `level`, its suffix included.

        None when the paragraph shows no number: the list or level is not defined, or the number is hidden.
        """
        found = self._levels(instance) if 0 <= level < LEVELS else None
        if found is None or level not in found[1]:
            return None
        key, levels, starts = found
        counters = self.counters.setdefault(key, [None] * LEVELS)
        current = levels[level]
        previous = counters[level]
        counters[level] = starts.get(level, current.start) if previous is None else previous + 1
        for deeper in range(level + 1, LEVELS):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or restart > deeper:
                restart = deeper  # by default a level restarts when any level above it is used
            if level < restart:
                counters[deeper] = None
        if current.hidden or current.text is None:
            return None
        text = _PLACEHOLDER.sub(
            lambda found: self._shown(levels, starts, counters, current, int(found[1]) - 1), current.text
        )
        if current.form == "bullet":
            text = "-" if current.text.strip() in _DASHES else "\u2022"
        if not text.strip():
            return None
        return text + {"tab": " ", "space": " "}.get(current.suffix, "")

    @staticmethod
    def _shown(
        levels: dict[int, Level], starts: dict[int, int], counters: list[int | None], current: Level, index: int
    ) -> str:
        """Level `index`'s number as `%N` shows it in the current level's text."""
        if index not in levels:
            return ""
        value = counters[index]
        if value is None:
            value = starts.get(index, levels[index].start)
        form = levels[index].form
        if current.legal and form != "bullet":
            form = "decimal"  # legal numbering (`w:isLgl`) shows the levels above in digits: 1.1.1, not I.A.1
        return number_form(value, form)


def read_numbering(archive: zipfile.ZipFile, part: str | None, budget: Budget) -> Numbering:
    """Read the numbering part (`word/numbering.xml`); a document without one has no lists."""
    numbering = Numbering()
    if part is None:
        return numbering
    owner: list[str] = [""]  # the definition or instance being read
    overridden: list[int | None] = [None]  # the level a `w:lvlOverride` overrides
    level: list[Level] = [Level()]

    def start(name: str, attributes: dict[str, str], path: list[str]) -> None:
        parent = path[-1] if path else ""
        if name == "abstractNum":
            owner[0] = attribute(attributes, "abstractNumId") or ""
            numbering.definitions[owner[0]] = {}
        elif name == "num":
            owner[0] = attribute(attributes, "numId") or ""
        elif name == "abstractNumId" and parent == "num":
            numbering.instances[owner[0]] = attribute(attributes, "val") or ""
        elif name == "lvlOverride" and parent == "num":
            overridden[0] = integer(attributes, "ilvl")
        elif name == "startOverride" and parent == "lvlOverride":
            _start_override(numbering, owner[0], overridden[0], integer(attributes))
        elif name == "lvl" and parent in ("abstractNum", "lvlOverride"):
            kept = numbering.definitions if parent == "abstractNum" else numbering.overrides
            level[0] = _new_level(kept.setdefault(owner[0], {}), integer(attributes, "ilvl"))
        elif parent == "lvl":
            _level(level[0], name, attributes)
        elif name == "vanish" and path[-2:] == ["lvl", "rPr"]:
            level[0].hidden = on(attributes)

    read_part(archive, part, budget, start)
    return numbering


def _new_level(levels: dict[int, Level], index: int | None) -> Level:
    """A level read next, kept in `levels` if its index is one of the nine (else read and dropped)."""
    level = Level()
    if index is not None and 0 <= index < LEVELS:
        levels[index] = level
    return level


def _start_override(numbering: Numbering, instance: str, index: int | None, value: int | None) -> None:
    """Instance `instance` starts level `index` at `value` (`w:lvlOverride/w:startOverride`)."""
    if index is not None and value is not None:
        numbering.starts.setdefault(instance, {})[index] = value


def _level(level: Level, name: str, attributes: dict[str, str]) -> None:
    """A property of a level (a child of `w:lvl`)."""
    value = attribute(attributes, "val")
    if name == "start" and (first := integer(attributes)) is not None:
        level.start = first
    elif name == "numFmt" and value is not None:
        level.form = value
    elif name == "lvlText":
        level.text = value
    elif name == "suff" and value is not None:
        level.suffix = value
    elif name == "lvlRestart":
        level.restart = integer(attributes)
    elif name == "isLgl":
        level.legal = on(attributes)
