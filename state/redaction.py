"""Secrets out of URLs, before a text is stored or shown: the one redaction every boundary uses.

A model server's URL may carry credentials (`http://user:pass@host/v1`, `?api_key=...`), and the SDKs put the
URL they called into their errors. Run errors, events, recordings, logs and the terminal get the text with the
password and every credential-like query value replaced by `***`; the scheme, host, port and path stay, so the
message still says which server failed.
"""

from __future__ import annotations

import re

MASK = "***"
"""What a secret is replaced with."""

# A URL runs to the first white space or quoting character; its authority ends at the first `/`, `?` or `#`
# (RFC 3986, as the HTTP client reads it).
_URL = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<authority>[^\s/?#'\"<>`]*)(?P<rest>[^\s'\"<>`]*)")

# Query and fragment parameters whose values are credentials: keys, tokens, secrets, passwords, signatures.
_SECRET_NAME = re.compile(
    r"key|token|secret|passw(?:or)?d|pwd|auth|credential|signature|^sig$|^code$|session", re.IGNORECASE
)
_PARAMETER = re.compile(r"(?P<lead>[?#&;])(?P<name>[^=&;#\s]+)=(?P<value>[^&;#\s]*)")


def _authority(authority: str) -> str:
    userinfo, at, host = authority.rpartition("@")
    if not at:
        return authority
    user, colon, _ = userinfo.partition(":")
    # A user alone may itself be a token (`https://<token>@host`): only a user beside a password is kept.
    return f"{user}:{MASK}@{host}" if colon else f"{MASK}@{host}"


def _parameter(match: re.Match[str]) -> str:
    name, value = match["name"], match["value"]
    if not value or not _SECRET_NAME.search(name):
        return match[0]
    return f"{match['lead']}{name}={MASK}"


def _url(match: re.Match[str]) -> str:
    return match["scheme"] + _authority(match["authority"]) + _PARAMETER.sub(_parameter, match["rest"])


def redact(text: str) -> str:
    """`text` with the secrets of every URL in it masked.

    `http://user:pass@host/v1?api_key=abc&model=m` becomes `http://user:***@host/v1?api_key=***&model=m`;
    a user name without a password (`https://token@host`) is masked whole. Text without URLs is unchanged.
    """
    if "://" not in text:
        return text
    return _URL.sub(_url, text)
