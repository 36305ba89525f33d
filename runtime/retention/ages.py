"""Retention ages as people write them: `30d`, `12h`, `90m`, `45s`, `2w`."""

from __future__ import annotations

from datetime import timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

SHORTEST_PRUNE_AGE = "1s"
"""The shortest age `claimflow prune --finished-older-than` takes, as written."""


def parse_age(text: str) -> timedelta:
    """`30d`, `12h`, `90m`, `45s`, `2w` as a timedelta; ValueError saying what is accepted otherwise."""
    number, unit = text.strip()[:-1], text.strip()[-1:].lower()
    try:
        value = float(number)
        # `value >= 0` is False for nan; inf and huge numbers overflow timedelta: all are refused alike.
        age = timedelta(seconds=value * _UNITS[unit]) if unit in _UNITS and value >= 0 else None
    except (ValueError, OverflowError):
        age = None
    if age is None:
        raise ValueError(f"{text!r} is not an age: a number and a unit, s, m, h, d or w (e.g. 30d)")
    return age


def parse_prune_age(text: str) -> timedelta:
    """`parse_age` for the age of the finished runs to prune; ValueError for an age under `SHORTEST_PRUNE_AGE` too.

    Zero (or a fraction of a second) would take the checkpoints and originals of runs that finished a moment ago,
    of every finished run there is: most likely a slip (`0d` for "today"), and nothing a retention period means.
    """
    age = parse_age(text)
    if age < parse_age(SHORTEST_PRUNE_AGE):
        raise ValueError(
            f"{text.strip()!r} would prune every finished run, those that finished a moment ago too: "
            f"the shortest age is {SHORTEST_PRUNE_AGE} (e.g. 30d)"
        )
    return age
