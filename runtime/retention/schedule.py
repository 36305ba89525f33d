"""When workers prune: a cron expression of five fields, read in UTC, that fires at some time (`parse_cron`)."""

from __future__ import annotations

import time

from croniter import CroniterError, croniter


def parse_cron(text: str) -> str:
    """`text` with its fields single-spaced; ValueError saying what is accepted otherwise.

    Refused too: an expression that never fires (`0 0 31 2 *`, the 31st of February). The workers' scheduler
    looks for the last and the next time it fires as soon as a worker starts, and finding none stops the worker.
    """
    fields = text.split()
    expression = " ".join(fields)
    if len(fields) != 5 or not croniter.is_valid(expression):
        raise ValueError(
            f"{text!r} is not a cron expression of five fields (minute, hour, day of the month, month, day of the "
            "week), e.g. '17 3 * * *' for every day at 03:17 UTC"
        )
    try:
        schedule = croniter(expression, time.time())
        schedule.get_next(float)
        schedule.get_prev(float)
    except CroniterError:
        raise ValueError(f"{text!r} never fires (no such day in any year): name a day that exists") from None
    return expression


__all__ = ["parse_cron"]
