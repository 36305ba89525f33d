r"""Text from outside (a file name, a value, a reason) written so that what it holds can be seen: `\x1b`, `\x0a`.

One way for every place that shows such text, the CLI's (`cli._common.shown`, which also escapes rich markup) and
the plain text of `explain`: a file name with a line break in it is then one name on one line wherever it appears.
"""

from __future__ import annotations

import re

# Control characters (escape sequences start with one), and the invisible characters that reorder or break
# lines, so that a name cannot pass itself off as another text.
# The zero-width space, the word joiner and the byte-order mark too (`invo\u200bice.pdf` beside `invoice.pdf`);
# not the zero-width joiner, which joins emoji.
_UNSEEN = r"\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff"
_UNSEEN_CHARACTER = re.compile(r"[\x00-\x1f" + _UNSEEN + "]")
_UNSEEN_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f" + _UNSEEN + "]")  # keeps \t and \n


def _written_out(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, lines: bool = False) -> str:
    r"""`text` with its control and invisible characters written out (`\x1b`, `\x0a`, `\u202e`).

    Args:
        text: A file name, value, quote, reason or message from outside claimflow's own code.
        lines: Keep line breaks and tabs (a message of several lines); otherwise they are written out too.
    """
    unseen = _UNSEEN_BUT_LINES if lines else _UNSEEN_CHARACTER
    return unseen.sub(_written_out, text)
