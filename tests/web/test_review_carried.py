"""The forms the review pages carry across a redirect: kept for an hour, within a bound, for their own run only."""

from __future__ import annotations

from claimflow.runtime.web.carried import KEPT_SECONDS, MAX_KEPT_CHARS, _CarriedForms


def test_a_carried_form_is_shown_for_its_own_run_until_its_hour_is_out() -> None:
    forms = _CarriedForms()
    name = forms.put("run-1", {"comment": "checked"}, 20, now=100.0)
    assert forms.get(name, "run-1", now=100.0 + KEPT_SECONDS - 1) == {"comment": "checked"}  # a reload
    assert forms.get(name, "run-2", now=101.0) == {}  # another run's page shows none of it
    assert forms.get("made-up", "run-1", now=101.0) == {}
    assert forms.get(name, "run-1", now=100.0 + KEPT_SECONDS) == {}
    assert forms.chars == 0 and not forms.kept  # forgotten, not only hidden


def test_past_the_bound_the_oldest_forms_go_first() -> None:
    forms = _CarriedForms()
    third = MAX_KEPT_CHARS // 3
    oldest, older, newer = (forms.put("run-1", {"n": n}, third, now=float(n)) for n in range(3))
    newest = forms.put("run-1", {"n": 3}, third, now=3.0)
    assert forms.get(oldest, "run-1", now=4.0) == {}
    assert [forms.get(name, "run-1", now=4.0) for name in (older, newer, newest)] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert forms.chars <= MAX_KEPT_CHARS
