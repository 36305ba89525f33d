"""Secrets kept out of the log records of the HTTP client, the provider SDKs and Instructor.

These libraries log the URL of each request (at INFO and DEBUG, when a program turns logging on), credentials and
all (`http://user:pass@host`, `?token=`), and the SDKs' errors hold it too; a server may also echo the API key it
was sent. Whatever sends through them (a model gateway, a webhook delivery) calls `redact_http_logs` first, and a
gateway passes its key to `hide_key`: every record then reaches the handlers with both masked (`scrub`).
"""

from __future__ import annotations

import logging

from claimflow.state.redaction import MASK, redact

MIN_HIDDEN_KEY_CHARS = 8
"""Keys shorter than this are not looked for in texts: masking them would mask ordinary words."""

_HIDDEN_KEYS: set[str] = set()

HTTP_LOGGERS = ("httpx", "httpx2", "httpcore", "httpcore2", "openai", "anthropic", "instructor")
"""The packages whose loggers write the URL of a request, or an error that holds it (at INFO and DEBUG, and
Instructor's at ERROR, when a program turns them on)."""

_FORMATTER = logging.Formatter()


def hide_key(key: str) -> None:
    """Mask `key` (an API key a gateway sends) in every failure's text and HTTP log record from now on."""
    if len(key) >= MIN_HIDDEN_KEY_CHARS:
        _HIDDEN_KEYS.add(key)


def scrub(text: str) -> str:
    """`text` with the secrets of its URLs masked (`redact`), and every key passed to `hide_key`."""
    text = redact(text)
    for key in _HIDDEN_KEYS:
        text = text.replace(key, MASK)
    return text


class _RedactingFilter(logging.Filter):
    """Masks the secrets of URLs and the hidden keys in a record, its traceback included, before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        redacted = scrub(text)
        if redacted != text:
            record.msg, record.args = redacted, None
        if record.exc_info:
            traceback = record.exc_text or _FORMATTER.formatException(record.exc_info)
            masked = scrub(traceback)
            if masked != traceback:
                # Formatters print `exc_text` when it is set; `exc_info` would let a handler render the original.
                record.exc_text, record.exc_info = masked, None
        return True


def redact_http_logs() -> None:
    """Put the redacting filter on every logger of the HTTP client, the SDKs and Instructor, once.

    A logger's filters see only the records logged on it, not its children's: so every module logger of these
    packages that exists by now (they are made on import, and the caller sends after its imports) gets one.
    """
    names = {name for name in logging.root.manager.loggerDict if name.partition(".")[0] in HTTP_LOGGERS}
    for name in sorted(names | set(HTTP_LOGGERS)):
        logger = logging.getLogger(name)
        if not any(isinstance(installed, _RedactingFilter) for installed in logger.filters):
            logger.addFilter(_RedactingFilter())


__all__ = ["HTTP_LOGGERS", "MIN_HIDDEN_KEY_CHARS", "hide_key", "redact_http_logs", "scrub"]
