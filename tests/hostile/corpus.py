"""A generated corpus of hostile inputs, mixed with valid documents, for one batch run.

Every entry is written at test time from code: nothing here is a real document. Each entry says what a
batch must do with it:

- `complete`: a valid document; it must complete, hostile neighbours or not.
- `fail`: it must fail alone, with a reason (damaged, empty, encrypted, not a document, ...).
- `limit`: it exceeds one of the per-document limits (size, pages, characters), and must fail naming it.
- `skip`: intake must list it as skipped with a reason (not a regular file, dangling link, ...).
- `end`: any clear end (completed, needs review, failed with a reason, or skipped with a reason); what
  matters is that it ends, within the limits, without taking the batch with it.
- `hidden`: a document whose only amounts are text no reader sees; no record may complete with them.
"""

from __future__ import annotations

import gzip
import io
import os
import random
import socket
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tests.integration._docs import CORRUPT_PDF, invoice_text, text_pdf, zip_bytes

Expect = Literal["complete", "fail", "limit", "skip", "end", "hidden"]

HIDDEN_TOTAL = "0.03"
"""The total that hidden entries carry in text a reader cannot see."""

_HIDDEN_AMOUNTS = "Subtotal 0.01 GBP\nVAT 20% 0.02 GBP\nTotal 0.03 GBP"


@dataclass(frozen=True)
class Entry:
    """One corpus file: its name (bytes for names that are not UTF-8), what to write, and what must happen."""

    name: str | bytes
    expect: Expect
    make: Callable[[Path], None]
    """Creates the file (or link, FIFO, socket) at the given path."""

    @property
    def document(self) -> str:
        """The name as claimflow prints it: each byte that is not UTF-8 written as `\\xNN`."""
        return self.name if isinstance(self.name, str) else self.name.decode("utf-8", "backslashreplace")


def _bytes(content: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content)


def _text(content: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content.encode(encoding))


# valid documents ---------------------------------------------------------------------------------------------
def _invoice_html(number: str, vendor: str, hidden: str = "") -> str:
    body = "".join(f"<p>{line}</p>" for line in invoice_text(number, vendor=vendor).splitlines())
    return f"<html><head><title>Invoice</title></head><body>{body}{hidden}</body></html>"


def _valid() -> Iterator[Entry]:
    vendors = ["Northwind Widgets Ltd", "Fabrikam Tools Ltd", "Contoso Paper Ltd", "Tailspin Parts Ltd"]
    for index, vendor in enumerate(vendors):
        yield Entry(f"valid-invoice-{index}.txt", "complete", _text(invoice_text(f"HX-2024-{index:04}", vendor=vendor)))
    for index, vendor in enumerate(vendors[:3]):
        number = f"HP-2024-{index:04}"
        yield Entry(f"valid-invoice-{index}.pdf", "complete", _bytes(text_pdf(invoice_text(number, vendor=vendor))))
    yield Entry("valid-invoice.html", "complete", _text(_invoice_html("HH-2024-0001", "Wingtip Supplies Ltd")))
    yield Entry(
        "valid-invoice-crlf.txt",
        "complete",
        _text(invoice_text("HX-2024-9001", vendor="Litware Goods Ltd").replace("\n", "\r\n")),
    )


# slow and quadratic inputs -----------------------------------------------------------------------------------
def _random_text(seed: int, size: int, alphabet: str) -> str:
    return "".join(random.Random(seed).choices(alphabet, k=size))


def _random_html(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size).replace(b"\x00", b"<")


def _slow() -> Iterator[Entry]:
    yield Entry("slow-dates.txt", "end", _text("01.02.2024 " * 16_000))
    yield Entry("slow-amounts.txt", "end", _text("1.00 " * 40_000))
    yield Entry("slow-random.html", "limit", _bytes(_random_html(1, 1_000_000)))
    yield Entry("slow-random-tags.html", "end", _text(_random_text(2, 400_000, "<>/=\"' abcdiv\n")))
    yield Entry("slow-random.txt", "limit", _text(_random_text(3, 1_000_000, "abc 0123456789.,:\n")))
    yield Entry("slow-digits-line.txt", "end", _text("7" * 500_000))
    yield Entry("slow-one-letter.txt", "limit", _text("a" * 2_000_000))
    yield Entry("slow-many-lines.txt", "limit", _text("Total 1.00\n" * 150_000))
    yield Entry("slow-labels.txt", "limit", _text("Invoice No.: " * 50_000))
    yield Entry("slow-emails.txt", "end", _text("a@" * 100_000))
    yield Entry("slow-ibans.txt", "end", _text("DE89 3704 " * 30_000))
    yield Entry("slow-phones.txt", "end", _text("+1 555 " * 40_000))
    yield Entry("slow-form-feeds.txt", "limit", _text("INVOICE\f" * 20_000))
    yield Entry("slow-deep-nesting.html", "end", _text("<div>" * 100_000 + "Total 1.00" + "</div>" * 100_000))
    yield Entry("slow-parentheses.txt", "end", _text("(" * 200_000 + ")" * 200_000))


# encodings ---------------------------------------------------------------------------------------------------
def _encodings() -> Iterator[Entry]:
    invoice = invoice_text("HE-2024-0001", vendor="Adatum Ltd")
    yield Entry("enc-utf16le-bom.txt", "end", _bytes(b"\xff\xfe" + invoice.encode("utf-16-le")))
    yield Entry("enc-utf16be-bom.txt", "end", _bytes(b"\xfe\xff" + invoice.encode("utf-16-be")))
    yield Entry("enc-utf16-no-bom.txt", "end", _bytes(invoice.encode("utf-16-le")))
    yield Entry("enc-utf32.txt", "end", _text(invoice, "utf-32"))
    yield Entry("enc-latin1.txt", "end", _text(invoice.replace("Bristol", "Zürich £"), "latin-1"))
    interspersed = bytes(byte for char in invoice.encode() for byte in (char, 0))
    yield Entry("enc-nul-interspersed.txt", "end", _bytes(interspersed))
    yield Entry("enc-only-nul.txt", "fail", _bytes(b"\x00" * 100_000))
    yield Entry("enc-bom-only.txt", "fail", _bytes(b"\xef\xbb\xbf"))
    yield Entry("enc-empty.txt", "fail", _bytes(b""))
    yield Entry("enc-whitespace.txt", "fail", _text(" \n\t\r\n" * 1000))
    yield Entry("enc-lone-cr.txt", "end", _text(invoice.replace("\n", "\r")))
    yield Entry("enc-invalid-utf8.txt", "end", _bytes(invoice.encode() + b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c"))
    yield Entry("enc-overlong.txt", "end", _bytes(b"\xc0\xaf\xe0\x80\xaf" * 1000 + invoice.encode()))
    yield Entry("enc-bidi.txt", "end", _text("\u202e" + invoice + "\u2066\u2069\u200f"))
    yield Entry("enc-controls.txt", "end", _text("".join(chr(code) for code in range(1, 32)) * 100 + invoice))


# PDFs --------------------------------------------------------------------------------------------------------
def _raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies, with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def _stream(content: bytes, *, compress: bool = False) -> bytes:
    data = zlib.compress(content, 9) if compress else content
    flate = b" /Filter /FlateDecode" if compress else b""
    return b"<< /Length %d%s >>\nstream\n" % (len(data), flate) + data + b"\nendstream"


def _one_page_pdf(content: bytes, *, media_box: bytes = b"[0 0 595 842]", compress: bool = False) -> bytes:
    return _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox "
            + media_box
            + b" /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(content, compress=compress),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def _text_ops(lines: list[str], *, x: int = 72, y: int = 800, prefix: bytes = b"") -> bytes:
    ops = [b"BT /F1 11 Tf " + prefix + b" %d %d Td 14 TL" % (x, y)]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


_VISIBLE_HEAD = ["INVOICE", "Seller: Proseware Ltd", "Invoice No.: HP-2024-7777", "Invoice Date: 05.03.2024"]


def _hidden_pdf(hidden_ops: bytes) -> bytes:
    return _one_page_pdf(_text_ops(_VISIBLE_HEAD) + b"\n" + hidden_ops)


def _pdfs() -> Iterator[Entry]:
    amounts = _HIDDEN_AMOUNTS.splitlines()
    invisible = _text_ops(amounts, y=700, prefix=b"3 Tr")
    yield Entry("pdf-hidden-render-mode-3.pdf", "hidden", _bytes(_hidden_pdf(invisible)))
    yield Entry("pdf-hidden-white.pdf", "hidden", _bytes(_hidden_pdf(_text_ops(amounts, y=700, prefix=b"1 1 1 rg"))))
    yield Entry("pdf-hidden-off-page.pdf", "hidden", _bytes(_hidden_pdf(_text_ops(amounts, x=2000, y=3000))))
    yield Entry("pdf-hidden-below-page.pdf", "hidden", _bytes(_hidden_pdf(_text_ops(amounts, y=-400))))
    yield Entry(
        "pdf-hidden-size-0.pdf",
        "hidden",
        _bytes(_hidden_pdf(_text_ops(amounts, y=700).replace(b"/F1 11 Tf", b"/F1 0 Tf"))),
    )
    yield Entry("pdf-corrupt.pdf", "fail", _bytes(CORRUPT_PDF))
    yield Entry("pdf-header-only.pdf", "fail", _bytes(b"%PDF-1.7\n"))
    valid = text_pdf(invoice_text("HP-2024-0100", vendor="Humongous Ltd"))
    yield Entry("pdf-truncated.pdf", "fail", _bytes(valid[: len(valid) // 2]))
    yield Entry("pdf-encrypted.pdf", "fail", _bytes(text_pdf("INVOICE\nTotal 1.00", encrypt="secret")))
    bomb = b"BT /F1 11 Tf 72 800 Td (A) Tj ET\n" + b" " * 200_000_000
    yield Entry("pdf-flate-bomb.pdf", "end", _bytes(_one_page_pdf(bomb, compress=True)))
    yield Entry("pdf-many-pages.pdf", "limit", _bytes(text_pdf("\f".join(f"INVOICE\npage {n}" for n in range(1500)))))
    yield Entry(
        "pdf-zero-pages.pdf",
        "fail",
        _bytes(_raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])),
    )
    yield Entry(
        "pdf-pages-cycle.pdf",
        "end",
        _bytes(
            _raw_pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
                ]
            )
        ),
    )
    yield Entry("pdf-lying-count.pdf", "end", _bytes(valid.replace(b"/Count 1", b"/Count 999999999")))
    yield Entry("pdf-huge-media-box.pdf", "end", _bytes(_one_page_pdf(b"", media_box=b"[0 0 14400 14400]")))
    yield Entry("pdf-negative-media-box.pdf", "end", _bytes(_one_page_pdf(b"", media_box=b"[0 0 -5 -5]")))
    yield Entry("pdf-long-line.pdf", "end", _bytes(_one_page_pdf(_text_ops(["Total 1.00 " * 20_000]))))
    yield Entry("pdf-many-lines.pdf", "end", _bytes(_one_page_pdf(_text_ops(["Total 1.00"] * 20_000))))
    script = b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    yield Entry("pdf-javascript.pdf", "end", _bytes(valid.replace(b"/Type /Catalog", script)))
    yield Entry("pdf-as-text.txt", "end", _bytes(valid))
    yield Entry("pdf-random-bytes.pdf", "fail", _bytes(b"%PDF-1.4\n" + random.Random(5).randbytes(300_000)))
    yield Entry("pdf-no-header.pdf", "fail", _bytes(random.Random(6).randbytes(50_000)))


# images ------------------------------------------------------------------------------------------------------
def _png(width: int, height: int, rows: bytes, *, color_type: int = 0) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def _png_bomb(side: int) -> bytes:
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * side
    body = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return _png(side, side, body)


def _small_image(fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format=fmt)
    return buffer.getvalue()


def _images() -> Iterator[Entry]:
    yield Entry("img-png-bomb.png", "fail", _bytes(_png_bomb(30_000)))
    yield Entry("img-png-declared-huge.png", "fail", _bytes(_png(1_000_000, 1_000_000, zlib.compress(b"\x00" * 64))))
    yield Entry("img-png-zero-size.png", "fail", _bytes(_png(0, 0, zlib.compress(b""))))
    yield Entry("img-png-corrupt.png", "fail", _bytes(b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(5000)))
    yield Entry("img-png-truncated.png", "end", _bytes(_small_image("PNG")[:40]))
    jpeg = _small_image("JPEG")
    yield Entry("img-jpeg-truncated.jpg", "end", _bytes(jpeg[: len(jpeg) // 2]))
    yield Entry("img-jpeg-blank.jpg", "end", _bytes(jpeg))
    yield Entry("img-gif.gif", "end", _bytes(_small_image("GIF")))
    yield Entry("img-bmp.bmp", "end", _bytes(_small_image("BMP")))
    yield Entry("img-tiff.tiff", "end", _bytes(_small_image("TIFF")))
    yield Entry("img-empty.png", "fail", _bytes(b""))
    yield Entry("img-text-named-png.png", "end", _text(invoice_text("HI-2024-0001", vendor="Alpine Ski House")))


# HTML --------------------------------------------------------------------------------------------------------
def _hidden_html(hidden: str, head: str = "") -> bytes:
    visible = "".join(f"<p>{line}</p>" for line in _VISIBLE_HEAD)
    return f"<html><head>{head}</head><body>{visible}{hidden}</body></html>".encode()


def _html() -> Iterator[Entry]:
    amounts = "".join(f"<p>{line}</p>" for line in _HIDDEN_AMOUNTS.splitlines())
    hidden_forms = {
        "display-none": f'<div style="display:none">{amounts}</div>',
        "visibility": f'<div style="visibility: hidden">{amounts}</div>',
        "font-size-0": f'<div style="font-size:0">{amounts}</div>',
        "hidden-attribute": f"<div hidden>{amounts}</div>",
        "aria-hidden": f'<div aria-hidden="true">{amounts}</div>',
        "comment": f"<!-- {_HIDDEN_AMOUNTS} -->",
        "script": f"<script>var t = `{_HIDDEN_AMOUNTS}`;</script>",
        "template": f"<template>{amounts}</template>",
        "opacity": f'<div style="opacity:0">{amounts}</div>',
    }
    for form, hidden in hidden_forms.items():
        yield Entry(f"html-hidden-{form}.html", "hidden", _bytes(_hidden_html(hidden)))
    yield Entry(
        "html-hidden-class-rule.html",
        "hidden",
        _bytes(_hidden_html(f'<div class="x">{amounts}</div>', "<style>.x { display: none }</style>")),
    )
    yield Entry("html-unclosed.html", "end", _text("<html><body><p>INVOICE<p>Total 1.00<div><table><tr><td>"))
    yield Entry("html-huge-attribute.html", "end", _text('<p title="' + "x" * 2_000_000 + '">INVOICE</p>'))
    yield Entry("html-entities.html", "end", _text("<p>" + "&amp;" * 300_000 + "</p>"))
    laughs = '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    yield Entry("html-entity-expansion.html", "end", _text(laughs + "<html><body>&b;&b;&b;</body></html>"))
    yield Entry("html-wrong-charset.html", "end", _text('<meta charset="utf-16"><p>INVOICE Total 1.00</p>'))
    yield Entry("html-nul.html", "end", _bytes(b"<p>INVOICE\x00Total\x001.00</p>" * 1000))
    yield Entry("html-only-script.html", "fail", _text("<script>" + "x=1;" * 50_000 + "</script>"))
    yield Entry("html-svg-script.html", "end", _text("<svg><script>alert(1)</script><text>INVOICE</text></svg>"))
    data_uri = "data:image/png;base64," + "A" * 3_000_000
    yield Entry("html-data-uri.html", "end", _text(f'<img src="{data_uri}"><p>INVOICE</p>'))
    yield Entry("html-many-tables.html", "end", _text("<table><tr><td>1.00</td></tr></table>" * 30_000))
    yield Entry("html-empty.html", "fail", _text(""))


# names -------------------------------------------------------------------------------------------------------
def _names() -> Iterator[Entry]:
    small = _text("MEMO\nThe garage is closed next weekend.\n")
    yield Entry("[bold red]markup.txt", "end", small)
    yield Entry("[link=file:evil]link.txt", "end", small)
    yield Entry("\x1b[31mansi-red\x1b[0m.txt", "end", small)
    yield Entry(b"caf\xe9-latin1-name.txt", "end", small)
    yield Entry(b"\xff\xfe-invalid-name.txt", "end", small)
    yield Entry("new\nline.txt", "end", small)
    yield Entry("tab\there.txt", "end", small)
    yield Entry("long-" + "n" * 240 + ".txt", "end", small)
    yield Entry("rtl-\u202etxt.pdf", "end", small)
    yield Entry("-rf.txt", "end", small)
    yield Entry("percent_%_underscore.txt", "end", small)
    yield Entry("back\\slash.txt", "end", small)
    yield Entry("emoji-\U0001f4c4.txt", "end", small)
    yield Entry(".hidden-name.txt", "end", small)


# other formats -----------------------------------------------------------------------------------------------
def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", b"\x00" * 200_000_000)
    return buffer.getvalue()


def _tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = invoice_text("HT-2024-0001", vendor="Tar Ltd").encode()
        info = tarfile.TarInfo("invoice.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _sparse(size: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with path.open("wb") as handle:
            handle.truncate(size)

    return make


def _others() -> Iterator[Entry]:
    yield Entry("other-zip-bomb.zip", "fail", _bytes(_zip_bomb()))
    yield Entry("other-fake.docx", "fail", _bytes(zip_bytes({"word/document.xml": "<w:document/>"})))
    yield Entry("other-fake.xlsx", "fail", _bytes(zip_bytes({"xl/workbook.xml": "<workbook/>"})))
    yield Entry("other-elf.bin", "fail", _bytes(b"\x7fELF" + random.Random(8).randbytes(20_000)))
    yield Entry("other-random.bin", "fail", _bytes(random.Random(9).randbytes(2_000_000)))
    yield Entry("other-gzip.txt.gz", "fail", _bytes(gzip.compress(invoice_text("HG-1", vendor="Gz Ltd").encode())))
    yield Entry("other-archive.tar", "end", _bytes(_tar()))
    yield Entry("other-sparse-40mb.txt", "limit", _sparse(40_000_000))
    yield Entry("other-sparse-40mb.pdf", "limit", _sparse(40_000_000))
    yield Entry("other-data.json", "end", _text('{"total": 0.03, "type": "invoice"}'))
    laughs = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    yield Entry("other-laughs.xml", "end", _text(laughs + "<l>&b;&b;&b;</l>"))
    yield Entry("other-table.csv", "end", _text('item,amount\nwidget,1.00\n=HYPERLINK("x"),2\n'))
    yield Entry("other-mail.eml", "end", _text("From: a@example.org\nSubject: Invoice\n\nTotal 1.00\n"))
    yield Entry("other-doc.rtf", "end", _text("{\\rtf1\\ansi INVOICE Total 1.00}"))
    yield Entry("other-no-extension", "end", _text(invoice_text("HN-2024-0001", vendor="Noext Ltd")))
    yield Entry("other-link-to-memo.txt", "end", lambda path: path.symlink_to("-rf.txt"))


# special files -----------------------------------------------------------------------------------------------
def _socket(path: Path) -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.close()  # the socket file stays; nobody listens


def _specials() -> Iterator[Entry]:
    yield Entry("special-dangling.txt", "skip", lambda path: path.symlink_to("does-not-exist.txt"))
    yield Entry("special-dev-zero.txt", "skip", lambda path: path.symlink_to("/dev/zero"))
    yield Entry("special-dev-null.txt", "skip", lambda path: path.symlink_to("/dev/null"))
    yield Entry("special-fifo.txt", "skip", lambda path: os.mkfifo(path))
    yield Entry("special-socket.txt", "skip", _socket)
    yield Entry("special-loop-a.txt", "skip", lambda path: path.symlink_to("special-loop-b.txt"))
    yield Entry("special-loop-b.txt", "skip", lambda path: path.symlink_to("special-loop-a.txt"))


def entries() -> list[Entry]:
    """Every corpus entry, valid documents first."""
    return [
        *_valid(),
        *_slow(),
        *_encodings(),
        *_pdfs(),
        *_images(),
        *_html(),
        *_names(),
        *_others(),
        *_specials(),
    ]


def write_corpus(directory: Path) -> list[Entry]:
    """Write every entry into `directory` (created) and return them."""
    directory.mkdir(parents=True, exist_ok=True)
    written = entries()
    for entry in written:
        name = entry.name if isinstance(entry.name, bytes) else os.fsencode(entry.name)
        entry.make(Path(os.fsdecode(os.path.join(os.fsencode(directory), name))))
    return written
