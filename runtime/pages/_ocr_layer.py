"""Where a span of OCRed page text stands: tesseract's word boxes for the span's words."""

from __future__ import annotations

import re

from claimflow.runtime.ingest.ocr import OcrWord
from claimflow.runtime.pages.geometry import Box

_TOKEN = re.compile(r"\S+")


def _word_box(word: OcrWord) -> Box:
    return Box(word.left, word.top, word.left + word.width, word.top + word.height)


def _find_run(words: list[OcrWord], wanted: list[str], near: int) -> int | None:
    """Where the words `wanted` stand in a row, the start nearest word `near`."""
    size = len(wanted)
    starts = [at for at in range(len(words) - size + 1) if [w.text for w in words[at : at + size]] == wanted]
    return min(starts, key=lambda at: abs(at - near)) if starts else None


def span_boxes(words: list[OcrWord], page_text: str, start: int, end: int) -> list[Box]:
    """Boxes, one per line, of the words that `page_text[start:end]` touches.

    The page text is tesseract's text of the same image (``ocr_image``), so its n-th word is the n-th word
    tesseract placed; when the two disagree (another tesseract, another setting), the quote's words are
    looked for in a row instead, the run nearest the expected place winning. A quote that starts or ends
    inside a word marks the whole word: tesseract places words, not letters.
    """
    tokens = [(match.start(), match.end(), match.group()) for match in _TOKEN.finditer(page_text)]
    touched = [index for index, (first, last, _) in enumerate(tokens) if first < end and last > start]
    if not touched:
        return []
    first, last = touched[0], touched[-1]
    wanted = [text for _, _, text in tokens[first : last + 1]]
    if [word.text for word in words[first : last + 1]] == wanted:
        at: int | None = first
    else:
        at = _find_run(words, wanted, first)
    if at is None:
        return []
    return _by_line(words[at : at + len(wanted)])


def _by_line(words: list[OcrWord]) -> list[Box]:
    """One box per line tesseract read the words on, in reading order.

    A line of a photo turned a quarter runs down the image: its words, one below the other there, are one line.
    """
    boxes: list[Box] = []
    for before, word in zip([None, *words], words, strict=False):
        box = _word_box(word)
        if box.width <= 0 or box.height <= 0:
            continue
        if boxes and before is not None and before.line == word.line:
            boxes[-1] = boxes[-1].union(box)
        else:
            boxes.append(box)
    return boxes
