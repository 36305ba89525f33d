"""Settings: the only place environment variables are read."""

from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from claimflow.runtime.code_digests import default_cache_dir
from claimflow.runtime.database_url import database_url_refusal
from claimflow.runtime.delivery.config import DeliveryConfig, DeliveryConfigError, parse_targets
from claimflow.runtime.errors import SetupError
from claimflow.runtime.gateway.caps import OutputCaps
from claimflow.runtime.gateway.config import GatewayConfig, PriceTable, ProviderLimits, TransportPolicy
from claimflow.runtime.gateway.errors import GatewaySetupError
from claimflow.runtime.ingest.models import IngestLimits
from claimflow.runtime.masked_repr import masked_repr
from claimflow.runtime.policy_file import unknown_keys
from claimflow.runtime.retention.ages import parse_age
from claimflow.runtime.sources import kind_of
from claimflow.runtime.sqlite_durability import SQLITE_SYNCHRONOUS, SqliteSynchronous
from claimflow.state.budget import Budget
from claimflow.state.masking import MaskPatterns
from claimflow.state.policy import ALWAYS_REVIEW, FieldThreshold, Policy

DEFAULT_DATA_DIR = ".claimflow"


class SettingsError(SetupError):
    """A setting is missing or malformed; the message names it and what it should be."""


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def _cache_dir() -> Path | None:
    """CLAIMFLOW_CACHE_DIR: a folder, or `off` for none; unset, the user's cache folder (`default_cache_dir`)."""
    value = _env("CLAIMFLOW_CACHE_DIR")
    if value is None:
        return default_cache_dir()
    return None if value.strip().lower() == "off" else Path(value).expanduser()


def _float(name: str, default: float | None, what: str = "a finite number") -> float | None:
    """A finite number, or `default` when unset; `what` says in the error which numbers the setting takes.

    `nan` and `inf` pass `float()`, but no range check holds for nan and none is meant for inf: both are refused.
    """
    raw = _env(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number") from None
    if not math.isfinite(value):
        raise SettingsError(f"{name}={raw!r} must be {what}")
    return value


def _int(name: str, default: int | None, what: str = "a whole number") -> int | None:
    """A whole number (`3`, `3.0` or `1e3`), or `default` when unset; a fraction is refused, not cut off."""
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)  # exact, however large: a float would round it
    except ValueError:
        pass
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number") from None
    if not value.is_integer():  # a fraction, nan or inf (1e400 reads as inf)
        raise SettingsError(f"{name}={raw!r} must be {what}")
    return int(value)


def _choice(name: str, choices: tuple[str, ...], default: str) -> Any:
    value = _env(name) or default
    if value not in choices:
        raise SettingsError(f"{name}={value!r}: use one of {', '.join(choices)}")
    return value


def _budget(base: Budget) -> Budget:
    on_exceeded = _env("CLAIMFLOW_ON_BUDGET") or base.on_exceeded
    if on_exceeded not in ("review", "fail"):
        raise SettingsError(f"CLAIMFLOW_ON_BUDGET={on_exceeded!r}: use review or fail")
    limits = {
        "max_cost": _optional_non_negative("CLAIMFLOW_MAX_COST", base.max_cost),
        "max_tokens": _whole("CLAIMFLOW_MAX_TOKENS", base.max_tokens, least=0),
        "max_calls": _whole("CLAIMFLOW_MAX_CALLS", base.max_calls, least=0),
        "max_model_seconds": _optional_non_negative("CLAIMFLOW_MAX_MODEL_SECONDS", base.max_model_seconds),
    }
    try:
        return Budget(**limits, on_exceeded=on_exceeded)  # type: ignore[arg-type]  # checked just above
    except ValidationError as error:
        raise SettingsError(f"the budget (CLAIMFLOW_MAX_*) is not valid: {_problems(error)}") from None


ModelT = TypeVar("ModelT", bound=BaseModel)

SynchronousCommit = Literal["off", "on"]
"""Whether a checkpoint's commit on Postgres waits for the server's log flush (see `runtime.checkpoint_postgres`)."""


SETTINGS_FILE_BYTES = 16 << 20
"""The most a settings file (a policy, mask patterns) may hold: far beyond any real one, and read whole."""


def _settings_text(name: str, path: str) -> str:
    """The text of the file an environment variable names: a regular file, or a pipe with a writer.

    A pipe is the shell's `<(...)` or `/dev/stdin`; one that no process writes reads as nothing, at once, rather
    than waiting for a writer that never comes. A device (`/dev/zero`) or a folder is refused unread: it would
    never end, or is no text. At most SETTINGS_FILE_BYTES are read.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            mode = os.fstat(descriptor).st_mode  # before a file object: opening one on a folder fails on its own
            if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
                raise SettingsError(f"{name}={path!r} cannot be read: it is {kind_of(mode)}, not a file")
            os.set_blocking(descriptor, True)  # a pipe's writer is there, or reading it ends at once
            with os.fdopen(descriptor, "rb", closefd=False) as handle:
                data = handle.read(SETTINGS_FILE_BYTES + 1)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise SettingsError(f"{name}={path!r} cannot be read: {error.strerror or error}") from None
    if len(data) > SETTINGS_FILE_BYTES:
        raise SettingsError(f"{name}={path!r} holds more than {SETTINGS_FILE_BYTES:,} bytes: no settings file does")
    if not data and stat.S_ISFIFO(mode):
        raise SettingsError(f"{name}={path!r} cannot be read: it is a pipe that no process writes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SettingsError(f"{name}={path!r} is not UTF-8 text: {error.reason} at byte {error.start}") from None


def _policy_file() -> Policy:
    """CLAIMFLOW_POLICY's file; a key the policy has no setting for is refused, as a bad value is."""
    path = _env("CLAIMFLOW_POLICY")
    if path is None:
        return Policy()
    text = _settings_text("CLAIMFLOW_POLICY", path)
    try:
        data = json.loads(text)
    except ValueError:
        data = None  # not JSON: the model's validation says so, as for any other file
    unknown = unknown_keys(data)
    if unknown:
        raise SettingsError(f"CLAIMFLOW_POLICY={path!r} is not a valid policy: {'; '.join(unknown)}")
    try:
        return Policy.model_validate_json(text)
    except ValidationError as error:
        raise SettingsError(f"CLAIMFLOW_POLICY={path!r} is not a valid policy: {_problems(error)}") from None


def _problems(error: ValidationError) -> str:
    """Each problem as `where: what`, without pydantic's prefixes and links: one line a user can act on."""
    return "; ".join(
        f"{'.'.join(map(str, item['loc'])) or 'file'}: {str(item['msg']).removeprefix('Value error, ')}"
        for item in error.errors()
    )


def _policy() -> Policy:
    """The policy file (CLAIMFLOW_POLICY), then single CLAIMFLOW_* thresholds over it; validated as a whole."""
    base = _policy_file()
    overrides = {
        "classify_min_confidence": _fraction("CLAIMFLOW_CLASSIFY_MIN_CONFIDENCE", base.classify_min_confidence),
        "field_auto_accept": _fraction("CLAIMFLOW_FIELD_AUTO_ACCEPT", base.field_auto_accept),
        "high_risk_total": _amount("CLAIMFLOW_HIGH_RISK_TOTAL", base.high_risk_total),
        "high_risk_field_auto_accept": _fraction(
            "CLAIMFLOW_HIGH_RISK_FIELD_AUTO_ACCEPT", base.high_risk_field_auto_accept
        ),
        "ocr_field_auto_accept": _ocr_bar(base.ocr_field_auto_accept),
        "budget": _budget(base.budget),
    }
    try:
        return Policy.model_validate({**base.model_dump(), **overrides})
    except ValidationError as error:
        raise SettingsError(f"the policy thresholds are not valid: {_problems(error)}") from None


def _fraction(name: str, default: float) -> float:
    what = "a number from 0 to 1"
    value = _float(name, default, what)
    if value is None or not 0 <= value <= 1:
        raise SettingsError(f"{name}={_env(name)} must be {what}")
    return value


OCR_BAR = "CLAIMFLOW_OCR_FIELD_AUTO_ACCEPT"
"""The policy's `ocr_field_auto_accept`: a confidence from 0 to 1, or `always_review`."""


def _ocr_bar(default: FieldThreshold | None) -> FieldThreshold | None:
    raw = _env(OCR_BAR)
    if raw is None:
        return default
    if raw.strip() == ALWAYS_REVIEW:
        return ALWAYS_REVIEW
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 1:  # NaN fails it too
        raise SettingsError(f"{OCR_BAR}={raw!r} must be a number from 0 to 1, or {ALWAYS_REVIEW}")
    return value


def _amount(name: str, default: Decimal) -> Decimal:
    """An amount in exact decimal (a float would round it), finite and 0 or more."""
    raw = _env(name)
    if raw is None:
        return default
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise SettingsError(f"{name}={raw!r} is not a number: write an amount such as 10000 or 2500.50") from None
    if not value.is_finite() or value < 0:
        raise SettingsError(f"{name}={raw!r} must be an amount, 0 or more")
    return value


def _limits(provider: str) -> ProviderLimits:
    prefix = f"CLAIMFLOW_{provider.upper()}"
    return ProviderLimits(
        requests_per_minute=_optional_non_negative(f"{prefix}_RPM", None),
        tokens_per_minute=_optional_non_negative(f"{prefix}_TPM", None),
    )


OUTPUT_CAP = "CLAIMFLOW_MAX_OUTPUT_TOKENS"
"""The output token cap of every step; with `_<STEP>` (`_CLASSIFY`, `_EXTRACT`, `_EXTRACT_<TYPE>`), of one."""


def _positive_int(name: str) -> int | None:
    return _whole(name, None, least=1, what="a whole number of tokens, at least 1")


def _output_caps() -> OutputCaps:
    """CLAIMFLOW_MAX_OUTPUT_TOKENS for every step, CLAIMFLOW_MAX_OUTPUT_TOKENS_<STEP> for one step or kind."""
    prefix = f"{OUTPUT_CAP}_"
    steps: dict[str, int] = {}
    for name in sorted(os.environ):
        if not name.startswith(prefix):
            continue
        step = name.removeprefix(prefix).lower()
        if step not in ("classify", "extract") and not (step.startswith("extract_") and len(step) > len("extract_")):
            raise SettingsError(
                f"{name}: no step {step!r}; use {prefix}CLASSIFY, {prefix}EXTRACT or {prefix}EXTRACT_<TYPE>"
            )
        cap = _positive_int(name)
        if cap is not None:
            steps[step] = cap
    return OutputCaps(default=_positive_int(OUTPUT_CAP), steps=steps)


def _gateway(base_url: str | None, model: str) -> GatewayConfig:
    prices_path = _env("CLAIMFLOW_PRICES")
    try:
        text = _settings_text("CLAIMFLOW_PRICES", prices_path) if prices_path else None
        prices = PriceTable.from_text(text, prices_path) if text is not None and prices_path else PriceTable()
    except GatewaySetupError as error:  # from_text says what is wrong in the file
        raise SettingsError(f"CLAIMFLOW_PRICES={prices_path!r} cannot be read: {error}") from None
    defaults = TransportPolicy()
    defaults_config = GatewayConfig()
    # `--base-url` belongs to the provider of `--model`: an anthropic: model must not ignore it and call
    # Anthropic's own API instead of the endpoint the user named.
    anthropic = model.startswith("anthropic:")
    return GatewayConfig(
        openai_base_url=(None if anthropic else base_url) or _env("CLAIMFLOW_OPENAI_BASE_URL"),
        openai_api_key=_env("OPENAI_API_KEY"),
        openai_mode=_choice("CLAIMFLOW_OPENAI_MODE", ("json", "json_schema", "tools", "md_json"), "json"),
        anthropic_api_key=_env("ANTHROPIC_API_KEY"),
        anthropic_base_url=(base_url if anthropic else None) or _env("CLAIMFLOW_ANTHROPIC_BASE_URL"),
        timeout_s=_positive("CLAIMFLOW_MODEL_TIMEOUT_S", defaults_config.timeout_s),
        call_deadline_s=_positive("CLAIMFLOW_MODEL_CALL_DEADLINE_S", defaults_config.call_deadline_s),
        max_response_bytes=_at_least_one("CLAIMFLOW_MODEL_MAX_RESPONSE_BYTES", defaults_config.max_response_bytes),
        output_caps=_output_caps(),
        transport=TransportPolicy(max_attempts=_at_least_one("CLAIMFLOW_MODEL_MAX_ATTEMPTS", defaults.max_attempts)),
        limits={provider: _limits(provider) for provider in ("openai", "anthropic")},
        prices=prices,
    )


def _positive(name: str, default: float) -> float:
    what = "a number greater than 0"
    value = _float(name, default, what)
    if value is None or value <= 0:
        raise SettingsError(f"{name}={_env(name)} must be {what}")
    return value


def _whole(name: str, default: int | None, *, least: int, what: str | None = None) -> int | None:
    what = what or f"a whole number, at least {least}"
    value = _int(name, default, what)
    if value is not None and value < least:
        raise SettingsError(f"{name}={_env(name)} must be {what}")
    return value


def _at_least_one(name: str, default: int) -> int:
    # A count or a size: 0 or less would refuse every document or call, so it is refused here rather than
    # replaced by a default the user did not ask for.
    value = _whole(name, default, least=1)
    if value is None:
        raise SettingsError(f"{name} must be a whole number, at least 1")
    return value


def _worker_timing() -> WorkerTiming:
    """CLAIMFLOW_WORKER_HEARTBEAT_S and _STALLED_S, the reaper's period and retention; a live worker never stalls.

    A worker is taken for dead when silent for the stall threshold: a heartbeat that comes as seldom, or more
    seldom, would have live workers' jobs run again by the reaper while they still run them.
    """
    heartbeat_s = _positive("CLAIMFLOW_WORKER_HEARTBEAT_S", 10.0)
    stalled_s = _positive("CLAIMFLOW_WORKER_STALLED_S", 60.0)
    if heartbeat_s >= stalled_s:
        raise SettingsError(
            f"CLAIMFLOW_WORKER_HEARTBEAT_S={heartbeat_s:g} must be less than CLAIMFLOW_WORKER_STALLED_S={stalled_s:g}"
            " (a few times less: a worker silent that long is taken for dead and its jobs are run again)"
        )
    return WorkerTiming(
        heartbeat_s=heartbeat_s,
        stalled_s=stalled_s,
        reaper_every_s=_reaper_every(),
        max_stalls=_at_least_one("CLAIMFLOW_WORKER_MAX_STALLS", 3),
        freeze_s=_freeze_s(),
        prune_after=_prune_after(),
        prune_cron=_prune_cron(),
    )


MIN_FREEZE_S = 2.0
"""The shortest CLAIMFLOW_WORKER_FREEZE_S but 0: two of the worker loop's beats (`runtime.queue.beat.BEAT_S`, not
imported here: settings are read by every command, asyncio is not), so a beat that came a little late does not
kill a healthy worker. tests/runtime/test_worker_beat.py holds the two together."""


def _freeze_s() -> float:
    """CLAIMFLOW_WORKER_FREEZE_S: seconds a worker's event loop may stay silent before it is killed; 0 turns it off."""
    what = f"a number of seconds, 0 (no supervising process) or at least {MIN_FREEZE_S:g}"
    value = _non_negative("CLAIMFLOW_WORKER_FREEZE_S", 60.0, what)
    if 0 < value < MIN_FREEZE_S:
        raise SettingsError(f"CLAIMFLOW_WORKER_FREEZE_S={_env('CLAIMFLOW_WORKER_FREEZE_S')} must be {what}")
    return value


def _reaper_every() -> int:
    """CLAIMFLOW_REAPER_EVERY_S: whole seconds, 1 to 59 (it is the seconds column of a cron line)."""
    value = _at_least_one("CLAIMFLOW_REAPER_EVERY_S", 30)
    if value > 59:
        raise SettingsError(f"CLAIMFLOW_REAPER_EVERY_S={value} must be at most 59 seconds")
    return value


def _prune_after() -> timedelta | None:
    """CLAIMFLOW_PRUNE_AFTER: an age such as `30d` after which workers prune finished runs; unset, never."""
    text = _env("CLAIMFLOW_PRUNE_AFTER")
    if text is None:
        return None
    try:
        age = parse_age(text)
    except ValueError as error:
        raise SettingsError(f"CLAIMFLOW_PRUNE_AFTER: {error}") from None
    if not age:
        # Zero would take every run's original and checkpoints an hour after it finished, and is most likely
        # written meaning "never": that is leaving the setting unset.
        raise SettingsError(
            f"CLAIMFLOW_PRUNE_AFTER={text.strip()} must be longer than zero; unset, workers never prune"
        )
    return age


PRUNE_CRON = "43 * * * *"
"""When workers prune unless CLAIMFLOW_PRUNE_CRON says otherwise: hourly, at 43 minutes past. Retention periods
are days, so an hour late is nothing; a busy installation may prefer a quiet hour of the night."""


def _prune_cron() -> str:
    """CLAIMFLOW_PRUNE_CRON: when workers prune, a cron expression of five fields read in UTC; unset, hourly."""
    text = _env("CLAIMFLOW_PRUNE_CRON")
    if text is None:
        return PRUNE_CRON
    # Imported only when the setting is there: every command loads the settings, few set this one (croniter).
    from claimflow.runtime.retention.schedule import parse_cron  # noqa: PLC0415

    try:
        return parse_cron(text)
    except ValueError as error:
        raise SettingsError(f"CLAIMFLOW_PRUNE_CRON: {error}") from None


def _database_url() -> str | None:
    """CLAIMFLOW_DATABASE_URL: a Postgres URL (see `database_url_refusal`); unset, SQLite in the data directory."""
    url = _env("CLAIMFLOW_DATABASE_URL")
    refusal = None if url is None else database_url_refusal(url)
    if refusal:
        raise SettingsError(refusal)
    return url


OCR_LANGUAGES = "CLAIMFLOW_OCR_LANGUAGES"
"""The languages scans and photos are read in: tesseract's `-l` value, language codes joined by `+` (`eng+deu`)."""

# Tesseract's codes are letters and `_` (`deu`, `chi_sim`); anything else (a comma, a space, a path) is no code.
_LANGUAGE_VALUE = re.compile(r"[A-Za-z_]+(?:\+[A-Za-z_]+)*")


def _ocr_languages(default: str) -> str:
    """CLAIMFLOW_OCR_LANGUAGES, its shape checked; whether tesseract has the data is checked where OCR may run."""
    raw = _env(OCR_LANGUAGES)
    if raw is None:
        return default
    value = raw.strip()
    if not _LANGUAGE_VALUE.fullmatch(value):
        raise SettingsError(
            f"{OCR_LANGUAGES}={raw!r} is not a tesseract language value: write language codes joined by +,"
            " e.g. eng+deu+fra (`tesseract --list-langs` lists those installed)"
        )
    return value


def _document_limits() -> IngestLimits:
    """What one document may be (CLAIMFLOW_MAX_*) and the languages OCR reads in (CLAIMFLOW_OCR_LANGUAGES)."""
    defaults = IngestLimits()
    return IngestLimits(
        max_bytes=_at_least_one("CLAIMFLOW_MAX_DOCUMENT_BYTES", defaults.max_bytes),
        max_pages=_at_least_one("CLAIMFLOW_MAX_PAGES", defaults.max_pages),
        max_page_chars=_at_least_one("CLAIMFLOW_MAX_PAGE_CHARS", defaults.max_page_chars),
        max_chars=_at_least_one("CLAIMFLOW_MAX_DOCUMENT_CHARS", defaults.max_chars),
        ocr_languages=_ocr_languages(defaults.ocr_languages),
    )


def _mask_patterns() -> MaskPatterns | None:
    """CLAIMFLOW_MASK_PATTERNS: a JSON file of named patterns masked besides the built-in kinds."""
    return _json_file("CLAIMFLOW_MASK_PATTERNS", MaskPatterns, "a valid mask-patterns file")


def _json_file(name: str, model: type[ModelT], what: str) -> ModelT | None:
    """The JSON file the environment variable `name` points at, validated as `model`; None when unset."""
    path = _env(name)
    if path is None:
        return None
    text = _settings_text(name, path)
    try:
        return model.model_validate_json(text)
    except ValidationError as error:
        raise SettingsError(f"{name}={path!r} is not {what}: {_problems(error)}") from None


def _delivery() -> DeliveryConfig:
    try:
        targets = parse_targets(_env("CLAIMFLOW_DELIVER"))
    except DeliveryConfigError as error:
        raise SettingsError(str(error)) from None
    secret = _env("CLAIMFLOW_DELIVER_SECRET")
    if secret is None and any(target.kind == "webhook" for target in targets):
        raise SettingsError("CLAIMFLOW_DELIVER names a webhook: set CLAIMFLOW_DELIVER_SECRET, the key that signs it")
    return DeliveryConfig(
        targets=targets,
        secret=secret,
        max_attempts=_at_least_one("CLAIMFLOW_DELIVER_MAX_ATTEMPTS", 5),
        backoff_s=_non_negative("CLAIMFLOW_DELIVER_BACKOFF_S", 1.0),
        max_backoff_s=_positive("CLAIMFLOW_DELIVER_MAX_BACKOFF_S", 60.0),
        timeout_s=_positive("CLAIMFLOW_DELIVER_TIMEOUT_S", 10.0),
    )


def _non_negative(name: str, default: float, what: str = "a number, at least 0") -> float:
    value = _optional_non_negative(name, default, what)
    if value is None:
        raise SettingsError(f"{name} must be {what}")
    return value


def _optional_non_negative(name: str, default: float | None, what: str = "a number, at least 0") -> float | None:
    """A limit or a wait, or `default` (None: no limit) when unset."""
    value = _float(name, default, what)
    if value is not None and value < 0:
        raise SettingsError(f"{name}={_env(name)} must be {what}")
    return value


@dataclass(frozen=True)
class WorkerTiming:
    """How workers show they are alive, and how soon the jobs of one that stopped are run again."""

    heartbeat_s: float = 10.0
    """How often a worker writes its heartbeat (CLAIMFLOW_WORKER_HEARTBEAT_S)."""
    stalled_s: float = 60.0
    """A worker silent this long is dead: its jobs are run again (CLAIMFLOW_WORKER_STALLED_S)."""
    reaper_every_s: int = 30
    """How often the reaper looks for such jobs, in whole seconds (CLAIMFLOW_REAPER_EVERY_S)."""
    max_stalls: int = 3
    """A job put back this many times, each time after the worker running it went silent, fails its run rather
    than go to another worker (CLAIMFLOW_WORKER_MAX_STALLS): a document that kills or freezes every worker that
    advances it stops at that."""
    freeze_s: float = 60.0
    """`claimflow worker` kills its worker process, and starts another, once the process's event loop has been
    silent this long (CLAIMFLOW_WORKER_FREEZE_S): frozen by code that holds the interpreter lock. 0: no watching
    process, the worker runs in the command's own."""
    prune_after: timedelta | None = None
    """Workers prune runs finished longer ago than this (CLAIMFLOW_PRUNE_AFTER), on `prune_cron`; None never."""
    prune_cron: str = PRUNE_CRON
    """When workers prune, a cron expression of five fields in UTC (CLAIMFLOW_PRUNE_CRON; hourly at :43)."""


@dataclass(frozen=True)
class Settings:
    """Where data lives, which models run, the policy thresholds and the model budget."""

    data_dir: Path
    model: str = "rules"
    policy: Policy = field(default_factory=Policy)
    policy_file: str | None = None
    """The file the policy came from (CLAIMFLOW_POLICY), named when it names a type or field no active type has."""
    gateway: GatewayConfig = field(default_factory=GatewayConfig)
    second_opinion: str | None = None
    """A second model whose extraction is arbitrated against the first's."""
    record_dir: Path | None = None
    """Where every model exchange is recorded, when set."""
    database_url: str | None = None
    """Postgres for the registry and checkpoints (production); None keeps both in SQLite in the data directory."""
    pool_size: int = 8
    """Postgres sessions for the registry, the checkpointer and the document store, each (CLAIMFLOW_POOL_SIZE)."""
    postgres_wait_s: float = 30.0
    """How long a read or write waits for a Postgres session (CLAIMFLOW_POSTGRES_WAIT_S; psycopg_pool's own
    default, `claimflow.runtime.reconnect.WAIT_S`): a database that is back within it (a restart, a failover)
    costs a run nothing, and a command still without one after it stops, saying the database cannot be reached.
    Longer for a failover that takes minutes; shorter to be told sooner."""
    postgres_synchronous_commit: SynchronousCommit = "off"
    """Whether a checkpoint's commit on Postgres waits for the server's log flush
    (CLAIMFLOW_POSTGRES_SYNCHRONOUS_COMMIT): off (a checkpoint survives a killed engine; a crash of the database
    server may lose the last steps no one was told of, which run again) or on (every checkpoint waits, as the
    server's own `synchronous_commit` says). The registry's writes always wait (see
    `claimflow.runtime.checkpoint_postgres`)."""
    sqlite_synchronous: SqliteSynchronous = "NORMAL"
    """SQLite's `synchronous` (CLAIMFLOW_SQLITE_SYNCHRONOUS), for the checkpoints, the registry and the document
    store alike: NORMAL (WAL; a committed step survives a killed process, and the last ones may be lost on power
    failure) or FULL (every commit also survives power loss)."""
    types: tuple[str, ...] = ()
    """Extra document types to load, `module[:attr]` or `file.py[:attr]` (--types, CLAIMFLOW_TYPES); installed
    types (entry points) and those in the nearest claimflow.toml / [tool.claimflow] are always found."""
    mask_patterns: MaskPatterns | None = None
    """Named patterns masked besides the built-in kinds (CLAIMFLOW_MASK_PATTERNS)."""
    limits: IngestLimits = field(default_factory=IngestLimits)
    """What one document may be: bytes, pages, characters per page and in all (CLAIMFLOW_MAX_DOCUMENT_BYTES,
    CLAIMFLOW_MAX_PAGES, CLAIMFLOW_MAX_PAGE_CHARS, CLAIMFLOW_MAX_DOCUMENT_CHARS); a document over one fails. And
    the languages scans and photos are read in (CLAIMFLOW_OCR_LANGUAGES)."""
    max_document_seconds: float = 600.0
    """Wall time one document's run may take each time it is advanced (CLAIMFLOW_MAX_DOCUMENT_SECONDS); a run
    that takes longer fails with that reason, and the batch goes on."""
    serve_concurrency: int = 4
    """Runs `claimflow serve` advances at once (CLAIMFLOW_SERVE_CONCURRENCY); uploads beyond it wait queued."""
    sweep_seconds: float = 60.0
    """How often `claimflow serve` sweeps reviews past their due time (CLAIMFLOW_SWEEP_SECONDS); 0 never."""
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    """Where completed records are delivered (CLAIMFLOW_DELIVER, CLAIMFLOW_DELIVER_*); no targets: nowhere."""
    execution: str = "local"
    """Where runs advance (CLAIMFLOW_EXECUTION): `local`, in the process that submits or decides, or `queue`, in
    `claimflow worker` processes (production mode; needs CLAIMFLOW_DATABASE_URL)."""
    worker: WorkerTiming = field(default_factory=WorkerTiming)
    """Worker heartbeat, stall threshold, reaper period and retention (CLAIMFLOW_WORKER_HEARTBEAT_S,
    CLAIMFLOW_WORKER_STALLED_S, CLAIMFLOW_REAPER_EVERY_S, CLAIMFLOW_PRUNE_AFTER), and how long a worker process's
    event loop may be silent before it is killed and replaced (CLAIMFLOW_WORKER_FREEZE_S)."""
    cache_dir: Path | None = field(default_factory=default_cache_dir)
    """Where the digests of the code the workflow version hashes are kept between processes (CLAIMFLOW_CACHE_DIR;
    `$XDG_CACHE_HOME/claimflow`, else `~/.cache/claimflow`); None keeps none (`off`). See `code_digests`."""

    def __repr__(self) -> str:
        # Settings end up in logs and tracebacks: the database URL's password masked, the keys left out.
        return masked_repr(self)

    @classmethod
    def load(
        cls,
        *,
        data_dir: str | Path | None = None,
        model: str | None = None,
        base_url: str | None = None,
        second_opinion: str | None = None,
        record_dir: Path | None = None,
        types: tuple[str, ...] = (),
    ) -> Settings:
        """Explicit arguments win, then CLAIMFLOW_* (and provider key) environment variables, then defaults."""
        directory = Path(data_dir or _env("CLAIMFLOW_DATA_DIR") or DEFAULT_DATA_DIR)
        chosen = model or _env("CLAIMFLOW_MODEL") or "rules"
        return cls(
            data_dir=directory,
            model=chosen,
            policy=_policy(),
            policy_file=_env("CLAIMFLOW_POLICY"),
            gateway=_gateway(base_url, chosen),
            second_opinion=second_opinion or _env("CLAIMFLOW_SECOND_OPINION"),
            record_dir=record_dir,
            database_url=_database_url(),
            pool_size=_at_least_one("CLAIMFLOW_POOL_SIZE", 8),
            postgres_wait_s=_positive("CLAIMFLOW_POSTGRES_WAIT_S", 30.0),
            postgres_synchronous_commit=_choice(
                "CLAIMFLOW_POSTGRES_SYNCHRONOUS_COMMIT", get_args(SynchronousCommit), "off"
            ),
            sqlite_synchronous=_choice("CLAIMFLOW_SQLITE_SYNCHRONOUS", SQLITE_SYNCHRONOUS, "NORMAL"),
            types=tuple(spec for spec in (*(_env("CLAIMFLOW_TYPES") or "").split(","), *types) if spec.strip()),
            mask_patterns=_mask_patterns(),
            limits=_document_limits(),
            max_document_seconds=_positive("CLAIMFLOW_MAX_DOCUMENT_SECONDS", 600.0),
            serve_concurrency=_at_least_one("CLAIMFLOW_SERVE_CONCURRENCY", 4),
            sweep_seconds=_non_negative("CLAIMFLOW_SWEEP_SECONDS", 60.0, "a number of seconds, 0 or more"),
            delivery=_delivery(),
            execution=_choice("CLAIMFLOW_EXECUTION", ("local", "queue"), "local"),
            worker=_worker_timing(),
            cache_dir=_cache_dir(),
        )

    def apart(self, data_dir: Path) -> Settings:
        """These settings for runs that must reach nothing of production: an evaluation's, a replay's.

        They keep the model, its endpoint, the policy and the limits, and run in this process on the data directory
        given, with no database (CLAIMFLOW_DATABASE_URL would register them among production's runs, and
        CLAIMFLOW_EXECUTION=queue hand them to its workers) and no delivery (CLAIMFLOW_DELIVER would send their
        records where production's go).
        """
        return replace(self, data_dir=data_dir, database_url=None, execution="local", delivery=DeliveryConfig())

    def with_budget(self, **limits: object) -> Settings:
        """These settings with budget limits replaced where a value is given (CLI flags)."""
        given = {name: value for name, value in limits.items() if value is not None}
        if not given:
            return self
        budget = self.policy.budget.model_copy(update=given)
        return replace(
            self, policy=self.policy.model_copy(update={"budget": Budget.model_validate(budget.model_dump())})
        )
