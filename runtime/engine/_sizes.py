"""Sizes as people read them in messages."""


def human_size(count: int) -> str:
    """A size for messages: megabytes with the exact count when large, bytes when small (never "0.0 MB")."""
    return f"{count / 1e6:.1f} MB ({count} bytes)" if count >= 100_000 else f"{count} bytes"
