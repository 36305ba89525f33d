"""The name a document sent as bytes is known by: its last part, with nothing a database or terminal refuses."""

from __future__ import annotations

import pytest

from claimflow.runtime.sources import sent_name


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("invoice.pdf", "invoice.pdf"),
        ("../../etc/invoice.pdf", "invoice.pdf"),
        ("C:\\Users\\ann\\invoice.pdf", "invoice.pdf"),
        ("in\x00voice.pdf", "in\\x00voice.pdf"),
        ("bell\x07\x1b[31m.pdf", "bell\\x07\\x1b[31m.pdf"),
        ("del\x7f.txt", "del\\x7f.txt"),
        ("c1\x85\x9b31m.pdf", "c1\\x85\\x9b31m.pdf"),  # C1 controls: NEL, a terminal's CSI
        ("invoice\u202efdp.exe", "invoice\\u202efdp.exe"),  # shown reversed: `invoiceexe.pdf`
        ("a\u2066b\u2069\u200f.pdf", "a\\u2066b\\u2069\\u200f.pdf"),
        ("invo\u200bice.pdf", "invo\\u200bice.pdf"),  # a zero-width space: `invoice.pdf` to a reader
        ("caf\udce9.txt", "caf\\xe9.txt"),
        ("Rechnung März.pdf", "Rechnung März.pdf"),
        ("", "upload"),
        ("dir/", "dir"),
    ],
)
def test_a_sent_name_keeps_its_last_part_with_control_characters_written_out(sent: str, kept: str) -> None:
    assert sent_name(sent) == kept
