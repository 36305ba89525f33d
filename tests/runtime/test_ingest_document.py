"""The entry point: sniffing, limits checked first, refusals with useful messages."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage

import pytest

import claimflow.runtime.ingest as ingest
from claimflow.runtime.ingest import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
    IngestError,
    IngestLimits,
    OcrUnavailableError,
    ParsedPages,
    UnsupportedFormatError,
    parse_document,
    sniff_media_type,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"%PDF-1.7\n...", "scan.bin", "application/pdf"),
        (b"\xef\xbb\xbf  %PDF-1.4 after junk", "report.pdf", "application/pdf"),
        (b"notes about %PDF-1.4 headers", "notes.txt", "text/plain"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "photo.png", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.jpg", "image/png"),
        (b"II*\x00\x08\x00", "fax", "image/tiff"),
        (b"MM\x00*\x00\x08", "fax", "image/tiff"),
        (b"GIF89a\x01\x00", "anim.gif", "image/gif"),
        (b"  <!DOCTYPE html><html><body>x</body></html>", "page.txt", "text/html"),
        (b"<html><p>x</p></html>", "download", "text/html"),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "a", "text/html"),
        (b"<p>fragment</p>", "fragment.htm", "text/html"),
        (b"plain words", "letter.txt", "text/plain"),
        (b"plain words", "letter", "text/plain"),
        (b"INVOICE\r\nTotal: 12,50 \x80\n", "invoice.pdf", "text/plain"),  # misnamed text, cp1252 too
        (b"RECEIPT\tTotal 5.00", "scan.JPG", "text/plain"),
        (b"INVOICE\x00\x01 cut off", "invoice.pdf", "application/pdf"),  # control bytes: a damaged PDF
        (b"\x10\x80\x05 no signature", "photo.png", "image/png"),
        # Word's folders without a [Content_Types].xml declaring a Word document are a zip.
        (zipped("[Content_Types].xml", "word/document.xml"), "contract.docx", "application/zip"),
        (zipped("word/document.xml"), "renamed.pdf", "application/zip"),
        (b"PK\x03\x04 cut off", "contract.docx", DOCX),  # a damaged one, for the Word reader to say so
        (zipped("data.csv"), "bundle.zip", "application/zip"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "setup.exe", "application/x-msdownload"),
        (b"MZ Logistics Ltd statement", "statement.txt", "text/plain"),
        (b"\x00\x01\x02\x03", "blob", "application/octet-stream"),
    ],
)
def test_sniff_uses_magic_bytes_first_and_extension_second(data, filename, expected):
    assert sniff_media_type(data, filename) == expected


def test_zero_bytes_is_empty():
    with pytest.raises(EmptyDocumentError, match="0 bytes"):
        parse_document(b"", "nothing.pdf")


def test_size_limit_is_checked_before_parsing():
    # A zip would be refused as unsupported: the size check must come first.
    with pytest.raises(DocumentTooLargeError, match="big.docx"):
        parse_document(zipped("word/document.xml"), "big.docx", IngestLimits(max_bytes=100))


@pytest.mark.parametrize(
    ("size", "limit", "stated"),
    [
        (5000, 4000, ("4.9 KiB", "3.9 KiB")),
        (30 * 1024 * 1024, 25 * 1024 * 1024, ("30.0 MiB", "25.0 MiB")),
        (25 * 1024 * 1024 + 1, 25 * 1024 * 1024, ("26,214,401 bytes", "26,214,400 bytes")),
    ],
)
def test_size_message_tells_size_and_limit_apart(size, limit, stated):
    with pytest.raises(DocumentTooLargeError) as raised:
        parse_document(b"x" * size, "huge.txt", IngestLimits(max_bytes=limit))

    assert str(raised.value) == (
        f"'huge.txt' is {stated[0]}; documents up to {stated[1]} are accepted (CLAIMFLOW_MAX_DOCUMENT_BYTES)."
    )


def test_exactly_the_size_limit_is_accepted():
    assert parse_document(b"x" * 100, "fits.txt", IngestLimits(max_bytes=100)).pages == ("x" * 100,)


def test_plain_text_page_limit_applies():
    with pytest.raises(DocumentTooLargeError, match="3 pages; at most 2"):
        parse_document(b"a\fb\fc", "pages.txt", IngestLimits(max_pages=2))


@pytest.mark.parametrize(
    ("data", "filename", "named_type"),
    [
        (zipped("[Content_Types].xml", "word/document.xml"), "contract.docx", "application/zip"),
        (zipped("data.csv"), "bundle.zip", "application/zip"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "setup.exe", "application/x-msdownload"),
        (b"GIF89a\x01\x00\x01\x00", "anim.gif", "image/gif"),
    ],
)
def test_unsupported_formats_are_named_with_the_supported_ones(data, filename, named_type):
    with pytest.raises(UnsupportedFormatError) as raised:
        parse_document(data, filename)

    message = str(raised.value)
    assert named_type in message
    assert filename in message
    for supported in ("PDF", "JPEG", "PNG", "Word (.docx)", "plain text", "HTML"):
        assert supported in message


# A phone's photo in a format of its own: named, with what to send instead, not an unknown octet stream.
@pytest.mark.parametrize(
    ("data", "filename", "named"),
    [
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64), "IMG_0042.HEIC", "an HEIC photo (.heic"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heic" + bytes(64), "receipt", "an HEIC photo (.heic"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1" + bytes(64), "photo.avif", "an AVIF image (.avif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(64), "photo.webp", "a WebP image (.webp"),
        (b"BM" + (80).to_bytes(4, "little") + bytes(74), "scan.bmp", "a bitmap image (.bmp"),
    ],
)
def test_photos_in_formats_not_read_are_named_saying_to_send_a_jpeg(data, filename, named):
    with pytest.raises(UnsupportedFormatError) as raised:
        parse_document(data, filename)

    assert f"{filename!r} is {named}" in str(raised.value)
    assert "save or export it as JPEG or PNG" in str(raised.value)


def test_a_text_opening_with_bm_is_text():
    assert parse_document(b"BMW service invoice\nTotal 120.00", "note").method == "plain"


def test_every_error_is_an_ingest_error():
    for error in (
        UnsupportedFormatError,
        CorruptDocumentError,
        EncryptedDocumentError,
        EmptyDocumentError,
        DocumentTooLargeError,
        OcrUnavailableError,
    ):
        assert issubclass(error, IngestError)


def test_public_names_are_exported():
    assert {"parse_document", "sniff_media_type", "IngestLimits", "ParsedPages", "IngestError"} <= set(ingest.__all__)
    for name in ingest.__all__:
        assert hasattr(ingest, name)


def test_default_limits():
    limits = IngestLimits()

    assert (limits.max_bytes, limits.max_pages, limits.ocr_dpi) == (25 * 1024 * 1024, 200, 300)
    assert (limits.ocr_languages, limits.min_chars_for_text_layer) == ("eng", 20)


def test_results_are_immutable():
    parsed = parse_document(b"hello", "a.txt")

    assert parsed == ParsedPages(pages=("hello",), method="plain", media_type="text/plain")
    with pytest.raises(AttributeError):
        parsed.method = "ocr"  # type: ignore[misc]


def _email(**headers: str) -> bytes:
    message = EmailMessage()
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Please find our invoice attached.")
    message.add_attachment(b"%PDF-1.4\n...", maintype="application", subtype="pdf", filename="invoice-42.pdf")
    return message.as_bytes()


@pytest.mark.parametrize("filename", ["invoice-mail.eml", "saved.txt", "no-extension"])
def test_a_mail_message_is_refused_saying_to_send_its_attachments(filename: str) -> None:
    # Read as text, its document was the base64 of its attachments: classified as nothing, or worse.
    data = _email(From="billing@example.com", To="ap@example.org", Subject="Invoice 42")
    assert sniff_media_type(data, filename) == "message/rfc822"
    with pytest.raises(UnsupportedFormatError) as raised:
        parse_document(data, filename)
    message = str(raised.value)
    assert f"{filename!r} is an email (.eml, message/rfc822), which is not supported" in message
    assert "save its attachments and send them, one document each" in message


@pytest.mark.parametrize(
    "data",
    [
        b"From: billing@example.com\nSubject: Invoice 42\n\nInvoice No: 42\nTotal: 12.00\n",  # no MIME: plain text
        b"Subject: Invoice\nInvoice No: 42\nMIME-Version: 1.0\nContent-Type: text/plain\n",  # not a header block
        b"Invoice No: 42\nTotal: 12.00 EUR\n",
    ],
)
def test_text_that_is_no_mime_message_is_read_as_text(data: bytes) -> None:
    assert sniff_media_type(data, "mail.eml") == "text/plain"
    assert "42" in parse_document(data, "mail.eml").pages[0]
