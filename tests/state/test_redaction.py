"""`redact` masks the credentials of every URL in a text and leaves everything else as it was."""

from __future__ import annotations

import pytest

from claimflow.state.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://alice:s3cret@127.0.0.1:8000/v1", "http://alice:***@127.0.0.1:8000/v1"),
        ("https://sk-live-123@api.example.com/v1/chat", "https://***@api.example.com/v1/chat"),
        ("http://alice:p@ss:w@rd@host/v1", "http://alice:***@host/v1"),
        ("postgresql+psycopg://app:hunter2@db:5432/claims", "postgresql+psycopg://app:***@db:5432/claims"),
        ("http://host/v1?key=abc", "http://host/v1?key=***"),
        ("http://host/v1?model=m&api_key=abc&x=1", "http://host/v1?model=m&api_key=***&x=1"),
        ("http://host/v1?access_token=t0k;apiKey=k2#token=t3", "http://host/v1?access_token=***;apiKey=***#token=***"),
        ("https://blob/x?sv=2024&sig=AbC%2F&se=1", "https://blob/x?sv=2024&sig=***&se=1"),
        ("http://host/v1?model=m&key=", "http://host/v1?model=m&key="),
    ],
)
def test_credentials_in_a_url_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_urls_inside_messages_are_masked_and_the_message_kept() -> None:
    message = (
        "classify@2 on openai:m: could not connect to http://bob:pw2@127.0.0.1:9/v1/chat/completions: "
        "refused; also tried 'https://u:v@other/x?token=abc', then <http://w:z@third>"
    )
    assert redact(message) == (
        "classify@2 on openai:m: could not connect to http://bob:***@127.0.0.1:9/v1/chat/completions: "
        "refused; also tried 'https://u:***@other/x?token=***', then <http://w:***@third>"
    )


@pytest.mark.parametrize(
    "text",
    [
        "HTTP 503 (overloaded) after 4 attempts",
        "http://127.0.0.1:8000/v1/chat/completions?model=llama3",
        "mail alice@example.com about key=value",
        "classify@2 on openai:gpt-4o-mini",
        "",
    ],
)
def test_text_without_url_secrets_is_unchanged(text: str) -> None:
    assert redact(text) == text
