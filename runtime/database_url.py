"""CLAIMFLOW_DATABASE_URL, checked when the settings load: a URL that is not Postgres's is a setting refused.

Left to the first connection, `mysql://...` or a port that is not a number would read as a database out of reach
(exit code 3, advice to run again); it is a setting to fix (exit code 2), and is told as one, password masked.
"""

from __future__ import annotations

import re

from claimflow.state.redaction import MASK, redact

DATABASE_URL_FORM = (
    "a Postgres URL, postgresql://HOST[:PORT]/DATABASE[?PARAMETER=VALUE...] (or postgres://...) with USER@ or "
    "USER:PASSWORD@ before the host where needed, or nothing to keep runs in SQLite in the data directory"
)
"""What CLAIMFLOW_DATABASE_URL takes, as a refusal says it (no `user:password@` in it, which `redact` would mask)."""


def database_url_refusal(url: str) -> str | None:
    """Why `url` cannot be CLAIMFLOW_DATABASE_URL, in one line naming the variable and what it takes; None if it can.

    It must be a `postgresql://` or `postgres://` URL that libpq can parse, its ports whole numbers from 1 to 65535
    (libpq leaves those to the connection). Nothing is connected to.
    """
    shown, password = _masked(url)
    problem = None
    if not url.startswith(("postgresql://", "postgres://")):
        problem = "is not a Postgres URL"
    else:
        # Imported only when the setting is there: Postgres is then used, and psycopg would load anyway.
        from psycopg import Error  # noqa: PLC0415
        from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415

        try:
            ports = str(conninfo_to_dict(url).get("port") or "")
        except Error as error:
            # libpq quotes the part it could not read, which may be the password.
            secret = re.compile(rf'"[^"]*{re.escape(password)}[^"]*"') if password else None
            said = secret.sub(f'"{MASK}"', str(error)) if secret else str(error)
            problem = f"is not a valid Postgres URL ({' '.join(said.split())})"
        else:
            if any(not (port.isdigit() and 0 < int(port) < 65536) for port in ports.split(",") if port):
                problem = f"has a port that is not a number from 1 to 65535 ({ports})"
    return f"CLAIMFLOW_DATABASE_URL={shown!r} {problem}: set {DATABASE_URL_FORM}" if problem else None


# A password in libpq's keyword/value form ("host=db password=s3cret"), which is no URL for `redact` to mask:
# the value bare, or single-quoted with backslash escapes (libpq's own quoting).
_KEYWORD_PASSWORD = re.compile(r"(?i)\b((?:ssl)?password\s*=\s*)('(?:\\.|[^'\\])*'?|\S+)")


def _masked(url: str) -> tuple[str, str]:
    """`url` with its password masked (`redact`, which also ends a URL at a space), and that password, or `""`.

    A keyword/value connection string is refused (not a URL), but told with its password masked too.
    """
    if "://" not in url:
        return redact(_KEYWORD_PASSWORD.sub(lambda found: found[1] + MASK, url)), ""
    scheme, _, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    userinfo, _, hosts = authority.rpartition("@")
    user, _, password = userinfo.partition(":")
    if not password:
        return redact(url), ""
    return redact(f"{scheme}://{user}:{MASK}@{hosts}{slash}{path}"), password
