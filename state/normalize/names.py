"""Where a name ends: a text value may not be cut out of a longer run of capitalised words.

`Northwind` is not the name written in `Seller: Northwind Widgets Ltd`, and `Widgets Ltd` is not either:
a word right beside the value on its line (one space away, of any width; or joined by ` & ` or a hyphen) that
starts with a capital or a digit continues the name. Small words (`of`, `the`, `und`, ...) do not continue one,
so `Delaware` is written whole in `LAWS OF THE STATE OF DELAWARE`; punctuation, a tab, a wider gap or a line
break end a name.
"""

from __future__ import annotations

import re

# One space of any width (PDF text layers join words with no-break and thin spaces), ` & ` (`Procter & Gamble`),
# or a hyphen between letters (`Mercedes-Benz`) joins two words of one name.
_SPACE = "[ \u00a0\u2009\u202f]"
_WORD_BEFORE = re.compile(rf"(\w[\w.&'-]*)(?:{_SPACE}(?:&{_SPACE})?|(?<=\w)-)$")
_WORD_AFTER = re.compile(rf"^(?:{_SPACE}(?:&{_SPACE})?|-(?=\w))(\w[\w.&'-]*)")
_SMALL = frozenset(
    "a an and at by de del der des di die du en et for from in la le los of on or the to und van von y zu"
    " between with".split()
)
"""Words that join parts of a name or a sentence without belonging to the name."""


def _continues(word: str | None) -> bool:
    return word is not None and word.casefold() not in _SMALL and (word[0].isupper() or word[0].isdigit())


def cuts_a_name(text: str, start: int, end: int) -> bool:
    """True when `text[start:end]` is part of a longer name: a capitalised word is glued to either side."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = _WORD_BEFORE.search(text[max(line_start, start - 64) : start])
    after = _WORD_AFTER.match(text[end : min(line_end, end + 64)])
    first_is_name = bool(text[start:end][:1].isupper() or text[start:end][:1].isdigit())
    last_word = text[start:end].split()[-1] if text[start:end].split() else ""
    # Only a name can be cut: a value that starts in lower case is free text, whatever stands beside it.
    if not first_is_name:
        return False
    if before is not None and _continues(before.group(1)) and not before.group(1).endswith((".", ",")):
        return True
    return after is not None and _continues(after.group(1)) and not last_word.endswith((".", ","))
