"""The environment a benchmark's child process runs in: this one, less what would change what it measures."""

from __future__ import annotations

import os


def environment_without(*prefixes: str) -> dict[str, str]:
    """This process's environment without the variables whose names start with any of `prefixes`.

    Benchmarks leave out `CLAIMFLOW_` (a setting of the machine's would change the run measured), `OPENAI_` (a
    key or endpoint would send requests elsewhere) and `PYTHONDONTWRITEBYTECODE` (start-up is measured with
    bytecode caching on, as an installed package has it), each as its measurement needs.
    """
    return {name: value for name, value in os.environ.items() if not name.startswith(prefixes)}
