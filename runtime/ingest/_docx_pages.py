"""Where the walker's text goes: the body's pages, with their footnotes, or the text of each note.

Word numbers notes in the order the text refers to them, footnotes 1, 2, 3 and endnotes i, ii, iii (its
defaults): that number stands in brackets where the text refers to a note, `[1]`, and before the note's own
text where it follows the page, so a reader can tie the two. A note whose mark is typed text
(`w:customMarkFollows`) shows that text instead, and follows without a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimflow.runtime.ingest._docx_numbering import number_form
from claimflow.runtime.ingest._text import at_line_start, cell_break, tidy_lines, visible_chars
from claimflow.runtime.ingest.errors import DocumentTooLargeError
from claimflow.runtime.ingest.models import IngestLimits

__all__ = ["Chars", "Notes", "Pages"]


class Chars:
    """The characters read from one document so far, refused as soon as they pass the limit.

    A small package can unpack to a text of gigabytes; counting as it is read stops that at the limit.
    """

    def __init__(self, limits: IngestLimits) -> None:
        """Count against `limits.max_chars`."""
        self.limit, self.count = limits.max_chars, 0

    def add(self, text: str) -> None:
        """Count `text`, refusing the document when it takes the count past the limit."""
        self.count += len(text)
        if self.count > self.limit:
            raise DocumentTooLargeError(
                f"The document has more than {self.limit:,} characters; at most {self.limit:,} are accepted"
                " (CLAIMFLOW_MAX_DOCUMENT_CHARS)."
            )


class _Lines:
    """Text with lines ended once and table cells separated by a tab, as the HTML reader writes them."""

    def __init__(self, chars: Chars) -> None:
        self.parts: list[str] = []
        self.chars = chars

    def write(self, text: str) -> None:
        if text:
            self.chars.add(text)
            self.parts.append(text)

    def newline(self) -> None:
        if not at_line_start(self.parts):
            self.write("\n")

    def cell_break(self) -> None:
        cell_break(self.parts)
        if self.parts and self.parts[-1] == "\t":
            self.chars.add("\t")


@dataclass
class _Closed:
    """A page closed while a break's place was known and its kind not yet: kept raw until it is."""

    parts: list[str]
    notes: list[str]
    after: str = ""
    """The break after it: "" always; "new" only if the next section starts a new page, "same" only if not."""


class Pages(_Lines):
    """The body's text page by page; the footnotes a page refers to follow its text, the endnotes the last page.

    Whether a section starts a new page is said in its properties (`w:sectPr`), which come at its end, after
    the text: the page at a section's end is closed provisionally, and the pages from there on are kept raw
    until the next section's properties say whether that break is there (`section_starts`).
    """

    def __init__(self, chars: Chars, limits: IngestLimits, footnotes: dict[str, str], endnotes: dict[str, str]) -> None:
        """Collect pages, at most `limits.max_pages`, with the notes' texts by id."""
        super().__init__(chars)
        self.max_pages = limits.max_pages
        self.pages: list[str] = []
        self.raw: list[_Closed] = []  # from the provisional break at a section's end on
        self.texts = {"footnote": footnotes, "endnote": endnotes}  # the notes' texts, by kind and id
        self.page_notes: list[str] = []
        self.end_notes: list[str] = []
        self.marks: dict[str, dict[str, str]] = {"footnote": {}, "endnote": {}}  # by note id; "" for typed marks
        self.counted = {"footnote": 0, "endnote": 0}

    def page_break(self, forced: bool) -> None:
        """Close the page and start the next (one without text only if `forced`)."""
        if forced or any(visible_chars(part) for part in self.parts):
            self._hold("")
        elif len(self.raw) == 1 and any(visible_chars(part) for part in self.raw[0].parts):
            # Right after a section's end, nothing visible yet: if the section runs on, the page has text and breaks.
            self._hold("same")

    def section_end(self) -> None:
        """A section ends here: a page break if the next section starts a new page (said by `section_starts`)."""
        if self.raw:
            self.section_starts(False)  # two ends before the properties of one section: not in a sound document
        self._hold("new")

    def section_starts(self, new_page: bool) -> None:
        """The section whose properties were just read starts a new page or not: the break before it is known."""
        raw, self.raw = self.raw, []
        parts: list[str] = []
        notes: list[str] = []
        for page in raw:
            parts, notes = parts + page.parts, notes + page.notes
            if page.after == "" or (page.after == "new") == new_page:
                self._render(parts, notes)
                parts, notes = [], []
            # else no break after it: it runs on into the page after it
        self.parts, self.page_notes = parts + self.parts, notes + self.page_notes
        self._check()

    def _hold(self, after: str) -> None:
        if after or self.raw:
            self.raw.append(_Closed(self.parts, self.page_notes, after))
        else:
            self._render(self.parts, self.page_notes)
        self.parts, self.page_notes = [], []
        self._check()

    def _check(self) -> None:
        # Pages held raw count as few as they may come to: one of two conditional breaks is always there.
        closed = len(self.pages) + sum(not page.after for page in self.raw)
        closed += any(page.after == "same" for page in self.raw)
        if closed > self.max_pages:
            raise DocumentTooLargeError(
                f"The document has more than {self.max_pages} pages; at most {self.max_pages} are accepted"
                " (CLAIMFLOW_MAX_PAGES)."
            )

    def _noted(self, kind: str, identifiers: list[str]) -> list[str]:
        """The texts of these notes, each after its mark."""
        texts, marks = self.texts[kind], self.marks[kind]
        return [
            f"[{marks[n]}] {texts[n]}" if marks.get(n) else texts[n] for n in identifiers if n in texts and texts[n]
        ]

    def _render(self, parts: list[str], page_notes: list[str], notes: tuple[str, ...] = ()) -> None:
        below = self._noted("footnote", page_notes) + list(notes)
        self.pages.append(tidy_lines("".join(parts) + "".join(f"\n\n{note}" for note in below)))

    def note(self, kind: str, identifier: str, custom: bool) -> None:
        """Mark a note referred to here with its number; it follows this page (footnotes) or the last (endnotes)."""
        if identifier not in self.texts[kind]:
            return
        marks = self.marks[kind]
        if identifier not in marks:
            self.counted[kind] += 0 if custom else 1
            number = number_form(self.counted[kind], "decimal" if kind == "footnote" else "lowerRoman")
            marks[identifier] = "" if custom else number
        if marks[identifier]:
            self.write(f"[{marks[identifier]}]")
        (self.page_notes if kind == "footnote" else self.end_notes).append(identifier)

    def begin_note(self, identifier: str) -> None:
        """The body holds no notes."""

    def finish(self) -> tuple[str, ...]:
        """The pages: the last with the endnotes after it, and without it if it has no text at all."""
        self.section_starts(False)  # the last section's end: no section follows, no break
        self._render(self.parts, self.page_notes, tuple(self._noted("endnote", self.end_notes)))
        while len(self.pages) > 1 and not visible_chars(self.pages[-1]):
            self.pages.pop()
        return tuple(self.pages)


class Notes(_Lines):
    """The text of each footnote or endnote of a notes part, by its id."""

    def __init__(self, chars: Chars) -> None:
        """Collect notes, counting their characters with the body's."""
        super().__init__(chars)
        self.texts: dict[str, str] = {}
        self.current: str | None = None

    def section_end(self) -> None:
        """Notes have no sections."""

    def section_starts(self, new_page: bool) -> None:
        """Notes have no sections."""

    def begin_note(self, identifier: str) -> None:
        """A note starts: the text so far was the one before."""
        self._keep()
        self.current = identifier

    def _keep(self) -> None:
        if self.current is not None:
            self.texts[self.current] = tidy_lines("".join(self.parts)).strip()
        self.parts = []

    def page_break(self, forced: bool) -> None:
        """A note is not split into pages."""

    def note(self, kind: str, identifier: str, custom: bool) -> None:
        """A reference inside a note is not followed."""

    def finish(self) -> dict[str, str]:
        """Each note's text, by id."""
        self._keep()
        return self.texts
