"""A user's rule is judged by what it returns; whatever it says or raises is bounded and named."""

from __future__ import annotations

import importlib.util
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import pytest

import claimflow
from claimflow import DocumentType, Field, RuleInput, RuleResult, rule
from claimflow.state.errors import RuleFailedError
from claimflow.state.schema.rules import MAX_MESSAGE_CHARS


def _order(*checks: object) -> DocumentType:
    return DocumentType(
        name="purchase_order",
        description="An order a buyer sends a supplier.",
        fields=[Field("po_number", "identifier"), Field("total", "amount")],
        rules=checks,  # type: ignore[arg-type]
    )


@rule("chatty", fields=["total"])
def chatty(doc: RuleInput) -> RuleResult | None:
    """Fails with a message of five million characters."""
    return doc.failed("x" * 5_000_000)


@rule("loud", fields=["total"])
def loud(doc: RuleInput) -> RuleResult | None:
    """Raises an error whose message is five million characters."""
    raise ValueError("y" * 5_000_000)


@rule("quits", fields=["total"])
def quits(doc: RuleInput) -> RuleResult | None:
    """Calls sys.exit, as a script would."""
    raise SystemExit(2)


def test_a_rules_long_message_is_cut_saying_how_much_was_left_out() -> None:
    # The message is kept in every checkpoint, event and review request after the rule: five megabytes each.
    [result] = _order(chatty).check({"total": "10.00"})
    assert not result.passed and result.rule == "chatty"
    assert result.message == "x" * MAX_MESSAGE_CHARS + "... (4,998,000 more characters not kept)"


def test_a_rule_that_raises_with_a_long_message_fails_with_its_message_cut() -> None:
    with pytest.raises(RuleFailedError) as raised:
        _order(loud).check({"total": "10.00"})
    message = str(raised.value)
    assert message.startswith("rule 'loud' of document type 'purchase_order' raised ValueError: yyy")
    # Then where it raised: this file, a user's as any type's rules are.
    assert re.search(
        r"\.\.\. \(4,998,000 more characters not kept\) \(raised at .*test_user_type_rules\.py:\d+\)$", message
    )
    assert len(message) < MAX_MESSAGE_CHARS + 200


def test_a_rule_that_calls_sys_exit_fails_as_a_rule_not_the_program() -> None:
    with pytest.raises(RuleFailedError, match=r"rule 'quits' of document type 'purchase_order' raised SystemExit: 2"):
        _order(quits).check({"total": "10.00"})


@rule("unsure", fields=["total"])
def unsure(doc: RuleInput) -> RuleResult | None:
    """Raises with no message, as a bare `assert` (outside pytest's rewriting) or `raise ValueError()` does."""
    raise ValueError


def test_a_rule_that_raises_with_no_message_is_named_by_its_error_alone() -> None:
    # It read `raised ValueError:  (raised at ...)`, as if a message had been cut off.
    with pytest.raises(RuleFailedError) as raised:
        _order(unsure).check({"total": "10.00"})
    message = str(raised.value)
    assert message.startswith("rule 'unsure' of document type 'purchase_order' raised ValueError (raised at ")
    assert re.search(r"test_user_type_rules\.py:\d+\)$", message)


@rule("interrupted", fields=["total"])
def interrupted(doc: RuleInput) -> RuleResult | None:
    """Ctrl-C while the rule runs."""
    raise KeyboardInterrupt


def test_a_keyboard_interrupt_is_a_rules_failure_on_a_worker_thread_and_ctrl_c_on_the_main_one() -> None:
    # The engine runs rules on worker threads, which Ctrl-C never reaches: there the interrupt is the rule's own.
    with ThreadPoolExecutor(1) as worker:
        on_a_thread = worker.submit(_order(interrupted).check, {"total": "10.00"})
        with pytest.raises(RuleFailedError, match=r"rule 'interrupted' .* raised KeyboardInterrupt"):
            on_a_thread.result()
    # A user's own test calls check() on the main thread, where it is Ctrl-C: it stops the test as it would.
    with pytest.raises(KeyboardInterrupt):
        _order(interrupted).check({"total": "10.00"})


RULES = """
from claimflow import RuleInput, RuleResult, rule


def _share(total, parts):
    return total / parts


@rule("split_evenly", fields=["total"])
def split_evenly(doc: RuleInput) -> RuleResult | None:
    return doc.check(_share(doc.amount("total"), 0) > 0, "split")
"""


def _users_file(tmp_path: Path, name: str, source: str) -> tuple[Path, ModuleType]:
    """`source` written to `name`.py in a folder of the user's, and imported from there."""
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return path, module


def test_check_names_the_line_a_rule_raised_at_as_a_runs_error_does(tmp_path: Path) -> None:
    # A user's own rules, in their own file: a test of them said what was raised, not where in twenty lines.
    source, module = _users_file(tmp_path, "my_rules", RULES)

    with pytest.raises(RuleFailedError) as raised:
        _order(module.split_evenly).check({"total": "10.00"})
    assert str(raised.value) == (
        "rule 'split_evenly' of document type 'purchase_order' raised DivisionByZero:"
        f" [<class 'decimal.DivisionByZero'>] (raised at {source}:6)"
    )
    # The traceback still leads to what the rule raised.
    assert type(raised.value.__cause__).__name__ == "DivisionByZero"


THROUGH_A_LIBRARY = """
from pydantic import TypeAdapter

from claimflow import RuleInput, RuleResult, rule


@rule("counted", fields=["total"])
def counted(doc: RuleInput) -> RuleResult | None:
    count = TypeAdapter(int).validate_python("many")
    return doc.check(count > 0, "counted")
"""


def test_a_rule_that_raises_through_a_library_names_its_own_line_not_the_librarys(tmp_path: Path) -> None:
    # The last frame outside claimflow was pydantic's, in the installed packages: a user was sent to read it.
    source, module = _users_file(tmp_path, "my_rules_through_a_library", THROUGH_A_LIBRARY)

    with pytest.raises(RuleFailedError) as raised:
        _order(module.counted).check({"total": "10.00"})
    assert str(raised.value).endswith(f"(raised at {source}:9)"), str(raised.value)


def test_a_rule_kept_beside_claimflows_package_is_still_users_code() -> None:
    # Installed for development, claimflow's subpackages are links into the repository's top level; a type kept
    # in the same tree (the shipped example's folder, a team's own types in its fork) was taken for claimflow's
    # own code, and its errors lost their file and line.
    beside = Path(claimflow.__file__).resolve().parent.parent / "examples" / "custom_type" / "my_rules.py"
    module: dict[str, object] = {"__name__": "my_rules"}
    exec(compile(RULES, str(beside), "exec"), module)  # noqa: S102 - the rules above, as if read from `beside`

    with pytest.raises(RuleFailedError, match=re.escape(f"(raised at {beside}:6)")):
        _order(module["split_evenly"]).check({"total": "10.00"})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        (True, "True"),
        ("ok", "'ok'"),
        ({"passed": True}, "{'passed': True}"),
        ("z" * 5_000, "'zzzzzzzzzzzz...zzzzzzzzzzzzz'"),
    ],
)
def test_a_rule_that_returns_no_result_says_what_it_returned_and_what_it_must_return(
    answer: object, shown: str
) -> None:
    # It was told as "raised TypeError": its author looked for a line that raised, and there was none.
    returns = rule("returns", fields=["total"])(lambda doc: answer)  # type: ignore[arg-type,return-value]
    with pytest.raises(RuleFailedError) as raised:
        _order(returns).check({"total": "10.00"})
    assert str(raised.value) == (
        f"rule 'returns' of document type 'purchase_order' returned {shown}; a rule returns doc.check(...),"
        " doc.passed(...) or doc.failed(...) (a RuleResult), or None when it does not apply"
    )
