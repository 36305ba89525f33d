"""Retention ages as people write them: `30d`, `12h`, `90m`, `45s`, `2w`."""

from __future__ import annotations

from datetime import timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


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
