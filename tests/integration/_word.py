"""Real Word documents for tests: written by python-docx, and edited in their XML where it cannot write a thing.

python-docx writes paragraphs, tables, page breaks, hidden runs and styles; tracked changes, fields, rendered
page breaks and notes are put in by rewriting the package's `word/document.xml` (or adding a part).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTRACT = Path(__file__).resolve().parents[2] / "examples" / "documents" / "contract-nda.txt"


def word(build: Callable[[Document], object]) -> bytes:
    """A .docx made by python-docx: `build` fills a new document."""
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def paragraphs(*texts: str) -> bytes:
    """A .docx of these paragraphs."""
    return word(lambda document: [document.add_paragraph(text) for text in texts])


def rezip(data: bytes, edit: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None) -> bytes:
    """The package with each member passed through `edit(name, content)` (None drops it) and `extra` added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = edit(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def edit_body(data: bytes, change: Callable[[str], str]) -> bytes:
    """The package with `change` applied to the text of word/document.xml."""
    return rezip(
        data, lambda name, content: change(content.decode()).encode() if name == "word/document.xml" else content
    )


def replace_paragraph(data: bytes, marker: str, xml: str) -> bytes:
    """The package with the paragraph holding `marker` replaced by `xml` (WordprocessingML, prefix `w:`)."""

    def change(body: str) -> str:
        found = re.search(r"<w:p>(?:(?!</w:p>).)*?" + re.escape(marker) + r".*?</w:p>", body, re.DOTALL)
        assert found is not None, marker
        return body[: found.start()] + xml + body[found.end() :]

    return edit_body(data, change)


def run(text: str, properties: str = "") -> str:
    """A run of text, with run properties if given."""
    return f'<w:r>{f"<w:rPr>{properties}</w:rPr>" if properties else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def contract_docx(break_before: str) -> bytes:
    """The example NDA as Word would hold it: a paragraph per block of the text, a page break before one."""
    blocks = [block.strip("\n") for block in CONTRACT.read_text().replace("\f", "\n\n").split("\n\n")]

    def build(document: Document) -> None:
        for block in filter(None, blocks):
            if block.startswith(break_before):
                document.add_page_break()
            if block.startswith(("BLUEFIN", "Notices")):  # signature block and notices: line by line
                for line in block.split("\n"):
                    document.add_paragraph(line)
            else:
                document.add_paragraph(" ".join(block.split("\n")))

    return word(build)
