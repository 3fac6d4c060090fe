"""`confirm.py`: strikes days apart, `--confirm-dead` parsing, and the verdict a history gives."""

from __future__ import annotations

import pytest

from citecheck.cache import Failure
from citecheck.confirm import NOW, Rule, describe, judge, parse_rule, verdict
from citecheck.model import Outcome

DAY = 86400.0
DEAD = Outcome("dead", "HTTP 404 Not Found", http_status=404)


def failures(*days_and_statuses: tuple[float, str]) -> list[Failure]:
    return [Failure(day * DAY, status, None, "x") for day, status in days_and_statuses]


@pytest.mark.parametrize(
    ("text", "rule"),
    [("3/3", Rule(3, 3.0)), ("2/1.5", Rule(2, 1.5)), (" 4 / 7d ", Rule(4, 7.0)), ("now", NOW)],
)
def test_parse_rule(text: str, rule: Rule) -> None:
    assert parse_rule(text) == rule


@pytest.mark.parametrize("text", ["", "3", "x/3", "0/3", "3/-1", "never"])
def test_parse_rule_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="--confirm-dead"):
        parse_rule(text)


def test_a_strike_counts_only_days_after_the_last_counted_one() -> None:
    history = judge(failures((0, "dead"), (1, "dead"), (2.9, "dead"), (3, "dead")), Rule())
    assert history.strikes == 2
    assert not history.confirmed
    history = judge(failures((0, "dead"), (3, "soft-404"), (6, "dead")), Rule())
    assert history.strikes == 3
    assert history.confirmed


def test_transient_failures_are_not_strikes() -> None:
    history = judge(failures((0, "timeout"), (3, "server-error"), (6, "dead")), Rule())
    assert history.strikes == 1
    assert history.first_failure == 0.0  # the history starts with the first failure of any kind


def test_verdict_holds_back_an_unconfirmed_dead_link() -> None:
    history = judge(failures((0, "dead")), Rule())
    held = verdict(DEAD, history)
    assert held.status == "failing"
    assert held.http_status == 404
    assert held.detail.startswith("dead: HTTP 404 Not Found; failing since 1970-01-01: 1 of 3")


def test_verdict_passes_other_outcomes_and_confirmed_ones() -> None:
    history = judge(failures((0, "dead")), Rule())
    ok = Outcome("ok", "HTTP 200")
    assert verdict(ok, history) is ok
    assert verdict(DEAD, judge(failures((0, "dead")), NOW)) == DEAD
    confirmed = verdict(DEAD, judge(failures((0, "dead"), (3, "dead"), (6, "dead")), Rule()))
    assert confirmed.status == "dead"
    assert confirmed.detail.endswith("(confirmed: 3 failed checks since 1970-01-01)")


def test_describe_counts_other_failed_checks() -> None:
    text = describe(judge(failures((0, "timeout"), (1, "dead"), (2, "rate-limited")), Rule()))
    assert "1 of 3 strikes" in text
    assert text.endswith("; 2 other failed checks")
