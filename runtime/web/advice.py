"""The engine's words on a review page: what it says to do in a terminal, said for a reviewer in a browser.

The engine keeps why it refused a decision or cannot take one (the run's review note) with what to do about it,
as commands (`claimflow review assign ...`): the CLI and the API show it so. On a page, a reviewer has no terminal.
The notes are stored text, some written by older versions, so they are mended here rather than written twice:
each clause (between `: ` and `; `) naming a command gives way to what a reviewer can do on the page, or goes.
A refused decision's reasons name the command's options (`--set FIELD=VALUE`, `--reject`, `doc_type`): the page
names its own fields and buttons instead.
"""

from __future__ import annotations

import re

__all__ = ["for_the_browser"]

_CLAUSE = re.compile(r"(?P<sep>^|[:;] )(?P<clause>(?:(?![:;] ).)*?`claimflow (?P<command>[^`]*)`(?:(?![:;] ).)*)")
"""A clause naming a command, with the separator before it (none at the start). `: ` and `; ` part clauses; a
colon without a space is part of a name (a worker's `host:pid:id`)."""

_ON_THE_PAGE = {
    "review assign": "an admin can assign it to another reviewer",
    "recover": "an administrator can finish it",
}
"""What a reviewer can do instead of a command, by the command's first words; commands not here go unsaid (the
page shows the review as it stands now, `review show` and `show` have nothing to add)."""


_OPTIONS = (
    (re.compile(r"set (?:them|it) with an edit \(`--set FIELD=VALUE`\)"), "give them values (Edit, then Save edits)"),
    (re.compile(r" \(`--(?:set|drop-row) [^`]*`\)"), ""),
    (re.compile(r" \(`--reject`\)"), " (a reason, then Reject)"),
    (re.compile(r"\bset doc_type\b"), "choose the document type"),
    (re.compile(r",? or run it again \(rerun\)"), ""),  # a reviewer has no rerun on the page
)
"""The command line's options in a refusal, and what the page calls them (or nothing, said already)."""


def for_the_browser(text: str) -> str:
    """`text` with each clause that names a `claimflow` command replaced by what a reviewer can do, or dropped.

    The options of `review decide` it names are said as the page's fields and buttons.
    """
    for option, on_the_page in _OPTIONS:
        text = option.sub(on_the_page, text)

    def instead(found: re.Match[str]) -> str:
        command = found["command"]
        for words, advice in _ON_THE_PAGE.items():
            if command == words or command.startswith(f"{words} "):
                return f"{found['sep']}{advice}"
        return ""

    # A first clause that went leaves the separator after it.
    return re.sub(r"^[:;] ", "", _CLAUSE.sub(instead, text))
