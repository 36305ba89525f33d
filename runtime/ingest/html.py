"""HTML: visible text only, one line per block element, table cells on one line.

Text is visible unless markup or CSS hides it: `<script>`, `<style>`, `<noscript>`, `<template>` and
comments are never text; an element with the `hidden` attribute, `aria-hidden="true"`, `display:none`,
`opacity:0`, placed far off the page (offsets, negative margins, indents), scaled to nothing, at most a pixel
wide or high with its overflow hidden, or clipped to nothing (`clip: rect(0 0 0 0)` when placed absolutely,
a `clip-path` of no area: the "visually hidden" pattern of screen-reader text) is dropped with everything in
it, as are a closed `<dialog>` and a closed `<details>` but for its summary; text under `visibility:hidden`,
a font size below one pixel (`font: 0/0 a` too), a transparent colour or the colour of its background is
dropped unless a descendant makes it visible again. CSS is read from inline `style` attributes
and `<style>` rules with simple selectors (see `_css.py`).
"""

from __future__ import annotations

import re
import threading
import warnings
from dataclasses import dataclass

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

from claimflow.runtime.ingest._css import (
    WHITE,
    Rgba,
    StyleSheet,
    background_state,
    colour_state,
    font_size_state,
    hides_subtree,
    unseen_colour,
    visibility_state,
)
from claimflow.runtime.ingest._text import at_line_start, cell_break, tidy_lines
from claimflow.runtime.ingest.models import ParsedPages

__all__ = ["parse_html"]

_DROPPED = ("script", "style", "head", "noscript", "template", "svg", "iframe", "object")
_BLOCKS = frozenset(
    "address article aside blockquote caption dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead tfoot tr ul".split()
)
_CELLS = frozenset(("td", "th"))
_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_SCREEN = re.compile(r"\b(?:all|screen)\b", re.IGNORECASE)
_EMPTY_COMMENT = re.compile(rb"<!--->|<!-->")
"""Comments a browser closes at once (`<!-->`, `<!--->`); Python's parser reads on to the next `-->`."""
_QUIETING = threading.Lock()
"""Held while bs4's advice is silenced: `warnings.catch_warnings` swaps the process's filter list, and two
threads inside it at once (documents are parsed on worker threads side by side) restore each other's lists,
leaving a filter set or dropping one for good."""


@dataclass(frozen=True)
class _Shown:
    """What an element passes on to its content: what hides its text, and the colours of text and background.

    The page is white and its text black until a style says otherwise.
    """

    invisible: bool = False
    tiny: bool = False
    colour: Rgba | None = (0, 0, 0, 1.0)
    background: Rgba | None = WHITE

    @property
    def hidden(self) -> bool:
        return self.invisible or self.tiny or unseen_colour(self.colour, self.background)


_Entry = tuple[PageElement, bool, bool, _Shown]
"""A node to write, whether it is inside `<pre>`, whether it is its closing, and what its parent shows."""


class _Writer:
    """Collects text, inserting line breaks for blocks and tabs between table cells."""

    def __init__(self, sheet: StyleSheet) -> None:
        self.parts: list[str] = []
        self.sheet = sheet

    def _at_line_start(self) -> bool:
        return at_line_start(self.parts)

    def newline(self) -> None:
        if not self._at_line_start():
            self.parts.append("\n")

    def cell_break(self) -> None:
        cell_break(self.parts)

    def text(self, value: str, preformatted: bool) -> None:
        # Browsers ignore NUL characters in text (HTML's "in body" rule), and Postgres text refuses them.
        value = value.replace("\x00", "")
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
        stack: list[_Entry] = [(root, False, False, _Shown())]
        while stack:
            node, preformatted, closing, shown = stack.pop()
            if closing:
                self.newline()
            elif isinstance(node, NavigableString):
                # Comments, doctype, CDATA and <?...?> are never text; hidden text is not either.
                if not isinstance(node, PreformattedString) and not shown.hidden:
                    self.text(str(node), preformatted)
            elif isinstance(node, Tag):
                self._open(node, preformatted, shown, stack)

    def _shown(self, tag: Tag, parent: _Shown) -> _Shown | None:
        """What the element shows of its content, or None if it hides itself and all of it."""
        if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).strip().lower() == "true":
            return None
        classes = tag.get_attribute_list("class")
        element_id, inline = tag.get("id"), tag.get("style")
        found = self.sheet.applied(
            tag.name.lower(),
            [str(name) for name in classes if name],
            str(element_id) if element_id is not None else None,
            str(inline) if inline is not None else None,
        )
        if not found:
            return parent
        if hides_subtree(found):
            return None
        return _Shown(
            visibility_state(found, parent.invisible),
            font_size_state(found, parent.tiny),
            colour_state(found, parent.colour),
            background_state(found, parent.background),
        )

    def _open(self, tag: Tag, preformatted: bool, parent: _Shown, stack: list[_Entry]) -> None:
        shown = self._shown(tag, parent)
        if shown is None:
            return
        name = tag.name.lower()
        if name == "br":
            self.parts.append("\n")
            return
        if name in _CELLS:
            self.cell_break()
        if name in _BLOCKS:
            self.newline()
            stack.append((tag, preformatted, True, shown))
        inner = preformatted or name == "pre"
        stack.extend((child, inner, False, shown) for child in reversed(_shown_children(tag, name)))


def _shown_children(tag: Tag, name: str) -> list[PageElement]:
    """The children a browser shows: a closed `<details>` only its first `<summary>`, a closed `<dialog>` none."""
    if name == "dialog" and not tag.has_attr("open"):
        return []
    if name == "details" and not tag.has_attr("open"):
        summary = next((child for child in tag.children if isinstance(child, Tag) and child.name == "summary"), None)
        return [] if summary is None else [summary]
    return list(tag.children)


def _comment_left_open(data: bytes, soup: BeautifulSoup) -> bool:
    """True if a `<!--` of `data` was read as text (of an element's content, not a script's): a comment left open."""
    if "<!--".encode(soup.original_encoding or "utf-8") not in data:
        return False  # no comment at all: the common case costs no walk over the tree
    return any(type(found) is NavigableString and "<!--" in found for found in soup.find_all(string=True))


def _on_screen(style: Tag) -> bool:
    """A `<style>` element without a media query, or one that applies to screens."""
    media = style.get("media")
    return media is None or bool(_SCREEN.search(str(media)))


def _comments_closed_as_browsers_do(data: bytes) -> bytes:
    """Comments closed the ways browsers close them, written the way Python's parser (before 3.13) closes them.

    A browser ends a comment at `--!>` as at `-->`, and reads `<!-->` and `<!--->` as empty comments; Python's
    parser reads on to the next `-->`, hiding the text between as if it were commented out.
    """
    if b"<!--" not in data:
        return data  # the common case: no comment, no copy
    return _EMPTY_COMMENT.sub(b"<!---->", data).replace(b"--!>", b"-->")


def html_to_text(data: bytes) -> str:
    """Render HTML bytes as plain text (the encoding is taken from the document or guessed).

    Args:
        data: The HTML document's bytes.

    Returns:
        The visible text: blocks on their own lines, table rows on one line with cells separated
        by tabs, at most one blank line in a row.
    """
    # bs4 warns when markup looks like a file name or URL, or like XML; a document is parsed as what it was
    # sniffed to be, so that advice is for a programmer who passed the wrong thing, not for this reader.
    with _QUIETING, warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        data = _comments_closed_as_browsers_do(data)
        soup = BeautifulSoup(data, "html.parser")
        if _comment_left_open(data, soup):
            # A browser reads a comment never closed as a comment to the end of the document; Python's parser
            # (before 3.13.6) reads its `<!--` as text and the markup after it as markup: close it at the end.
            soup = BeautifulSoup(data + "-->".encode(soup.original_encoding or "utf-8"), "html.parser")
    sheet = StyleSheet.parse("\n".join(style.get_text() for style in soup.find_all("style") if _on_screen(style)))
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    writer = _Writer(sheet)
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
