"""The repr of a configuration: a config ends up in logs and tracebacks, so it shows no secret."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from claimflow.state.redaction import redact


def masked_repr(config: Any) -> str:
    """`Name(field=value, ...)` of a dataclass, with no secret in it.

    Fields declared `repr=False` (keys, secrets) are left out, and the credentials of every `*_url` value are
    masked (`postgresql://user:***@host/db`).
    """
    shown = ", ".join(
        f"{name}={redact(value) if isinstance(value, str) and name.endswith('_url') else value!r}"
        for name, value in ((item.name, getattr(config, item.name)) for item in fields(config) if item.repr)
    )
    return f"{type(config).__name__}({shown})"
