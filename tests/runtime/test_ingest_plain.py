"""Plain text: encodings, line ends, form-feed pages, and binary junk."""

from __future__ import annotations

import pytest

from claimflow.runtime.ingest import EmptyDocumentError, UnsupportedFormatError, parse_document


def pages(data: bytes, filename: str = "notes.txt") -> tuple[str, ...]:
    parsed = parse_document(data, filename)
    assert parsed.method == "plain"
    assert parsed.media_type == "text/plain"
    return parsed.pages


def test_utf8_text_is_kept_exactly():
    text = "Invoice No.: 7\nTotal:  \u00a3160.65\n  indented line\n"

    assert pages(text.encode()) == (text,)


def test_utf8_bom_is_removed():
    assert pages(b"\xef\xbb\xbfTotal 5.00") == ("Total 5.00",)


def test_utf16_with_bom_is_decoded():
    assert pages("Gesamtbetrag 1.234,56 \u20ac".encode("utf-16")) == ("Gesamtbetrag 1.234,56 \u20ac",)


def test_cp1252_is_the_first_fallback():
    # 0x80 is the euro sign in cp1252 and a control character in latin-1.
    assert pages("Caf\u00e9 total \u20ac12,50 \u2013 paid".encode("cp1252")) == (
        "Caf\u00e9 total \u20ac12,50 \u2013 paid",
    )


def test_latin1_is_the_last_fallback():
    # 0x81 is undefined in cp1252, so only latin-1 can decode this.
    assert pages(b"Stra\xdfe \x81 12") == ("Stra\u00dfe \x81 12",)


def test_windows_and_old_mac_line_ends_become_newlines():
    assert pages(b"one\r\ntwo\rthree\n") == ("one\ntwo\nthree\n",)


def test_form_feeds_split_pages_and_a_trailing_one_is_dropped():
    assert pages(b"page one\n\fpage two\n\f") == ("page one\n", "page two\n")


def test_empty_pages_between_form_feeds_are_kept():
    assert pages(b"one\f\ftwo") == ("one", "", "two")


def test_nul_bytes_are_refused_as_binary():
    with pytest.raises(UnsupportedFormatError, match="binary"):
        parse_document(b"looks like text\x00\x00\x01 but is not", "data.txt")


def test_control_character_junk_is_refused():
    with pytest.raises(UnsupportedFormatError, match="control characters"):
        parse_document(bytes(range(1, 9)) * 50 + b"abc", "junk.txt")


def test_only_white_space_is_empty():
    with pytest.raises(EmptyDocumentError, match="No text"):
        parse_document(b" \n\t\r\n \f \n", "blank.txt")


def test_text_without_extension_is_plain_text():
    assert pages(b"Mutual Non-Disclosure Agreement", "README") == ("Mutual Non-Disclosure Agreement",)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_without_bom_and_utf32_are_decoded(encoding: str) -> None:
    text = "Rechnung Nr. 7\nGesamtbetrag: 1.234,56 \u20ac\nCaf\u00e9 M\u00fcller\n"

    assert pages(text.encode(encoding)) == (text,)
    assert pages(text.encode(encoding), "README") == (text,)  # no extension: the bytes say text


def test_nul_bytes_that_are_not_wide_text_are_still_refused() -> None:
    # Every other byte NUL but the others control characters: binary, not UTF-16 text.
    with pytest.raises(UnsupportedFormatError, match="control characters"):
        parse_document(bytes([1, 0, 2, 0, 3, 0]) * 100, "counts.txt")
    with pytest.raises(UnsupportedFormatError, match="save it as UTF-8"):
        parse_document(b"looks like text\x00\x00\x01 but is not", "data.txt")
