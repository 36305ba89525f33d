"""HTML: visible text only, one line per block element, table cells on one line."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

from claimflow.runtime.ingest._text import tidy_lines
from claimflow.runtime.ingest.models import ParsedPages

__all__ = ["parse_html"]

_DROPPED = ("script", "style", "head", "noscript", "template", "svg", "iframe", "object")
_BLOCKS = frozenset(
    "address article aside blockquote caption dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead tfoot tr ul".split()
)
_CELLS = frozenset(("td", "th"))
_SPACE = re.compile(r"[ \t\n\r\f\v]+")


class _Writer:
    """Collects text, inserting line breaks for blocks and tabs between table cells."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def _at_line_start(self) -> bool:
        tail = "".join(self.parts[-2:])
        return not tail or tail.endswith("\n")

    def newline(self) -> None:
        if not self._at_line_start():
            self.parts.append("\n")

    def cell_break(self) -> None:
        while self.parts and self.parts[-1].endswith(" "):
            self.parts[-1] = self.parts[-1].rstrip(" ")
            if not self.parts[-1]:
                self.parts.pop()
        if not self._at_line_start():
            self.parts.append("\t")

    def text(self, value: str, preformatted: bool) -> None:
        if preformatted:
            self.parts.append(value)
            return
        collapsed = _SPACE.sub(" ", value)
        if self._at_line_start() or "".join(self.parts[-1:]).endswith((" ", "\t")):
            collapsed = collapsed.lstrip(" ")
        if collapsed:
            self.parts.append(collapsed)

    def walk(self, root: PageElement) -> None:
        """Write the text under root, depth first (iterative: deeply nested markup is no problem)."""
        stack: list[tuple[PageElement, bool, bool]] = [(root, False, False)]  # node, in <pre>, closing
        while stack:
            node, preformatted, closing = stack.pop()
            if closing:
                self.newline()
            elif isinstance(node, NavigableString):
                if not isinstance(node, PreformattedString):  # comments, doctype, CDATA, <?...?>
                    self.text(str(node), preformatted)
            elif isinstance(node, Tag):
                self._open(node, preformatted, stack)

    def _open(self, tag: Tag, preformatted: bool, stack: list[tuple[PageElement, bool, bool]]) -> None:
        name = tag.name.lower()
        if name == "br":
            self.parts.append("\n")
            return
        if name in _CELLS:
            self.cell_break()
        if name in _BLOCKS:
            self.newline()
            stack.append((tag, preformatted, True))
        inner = preformatted or name == "pre"
        stack.extend((child, inner, False) for child in reversed(list(tag.children)))


def html_to_text(data: bytes) -> str:
    """Render HTML bytes as plain text (the encoding is taken from the document or guessed).

    Args:
        data: The HTML document's bytes.

    Returns:
        The visible text: blocks on their own lines, table rows on one line with cells separated
        by tabs, at most one blank line in a row.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(data, "html.parser")
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    writer = _Writer()
    writer.walk(soup)
    return tidy_lines("".join(writer.parts))


def parse_html(data: bytes) -> ParsedPages:
    """Parse an HTML document into one page of visible text.

    Args:
        data: The HTML document's bytes.

    Returns:
        One page, method ``"html"``.
    """
    return ParsedPages(pages=(html_to_text(data),), method="html", media_type="text/html")
