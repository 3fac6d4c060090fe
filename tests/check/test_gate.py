"""`Gate`: at most `limit` tasks of a host group at once, the rest queued per group, so a busy
host's backlog costs no tasks and never holds up another host's links."""

from __future__ import annotations

import pytest
import trio
import trio.testing

from citecheck.gate import Gate, total
from citecheck.model import Target
from citecheck.settings import FetchSettings, HostSettings
from citecheck.targets import normalise


def target(url: str) -> Target:
    found = normalise(url)
    assert isinstance(found, Target)
    return found


@pytest.mark.trio
async def test_a_groups_backlog_waits_in_its_queue_and_others_go_ahead(
    autojump_clock: trio.testing.MockClock,
) -> None:
    running: dict[str, int] = {}
    most: dict[str, int] = {}
    finished: dict[str, float] = {}
    tasks_most = 0

    async def fetch(found: Target, want_page: bool) -> None:
        nonlocal tasks_most
        group = found.group
        running[group] = running.get(group, 0) + 1
        most[group] = max(most.get(group, 0), running[group])
        tasks_most = max(tasks_most, sum(running.values()))  # each task is in one fetch
        await trio.sleep(10 if "slow" in group else 1)
        running[group] -= 1
        finished[found.url] = trio.current_time()

    start = trio.current_time()
    async with trio.open_nursery() as nursery:
        # 3 a group (--host-concurrency), 100 in all (twice --max-concurrency)
        gate = Gate.of(nursery, fetch, FetchSettings(host_concurrency=3, max_concurrency=50))
        for n in range(60):
            gate.start(target(f"https://www.slow.example/{n}"), False)
        for n in range(6):
            gate.start(target(f"https://fast.example/{n}"), n % 2 == 0)
    assert len(finished) == 66  # every target checked once
    assert sorted(most.values()) == [3, 3]  # two groups, each at its limit
    assert tasks_most <= 6  # 3 per group, not 66
    # fast.example's 6 links took 2 rounds of 1 s, not a place behind 60 slow ones.
    fast = [at - start for url, at in finished.items() if "fast.example" in url]
    assert max(fast) == pytest.approx(2.0)
    slow = [at - start for url, at in finished.items() if "slow.example" in url]
    assert max(slow) == pytest.approx(200.0)  # 60 links, 3 at a time, 10 s each


def test_a_group_gets_the_most_it_may_have_in_flight() -> None:
    assert FetchSettings(host_concurrency=8).most_per_host() == 8
    wider = HostSettings(pattern="wire.example", concurrency=32)
    narrower = HostSettings(pattern="slow.example", concurrency=1)
    assert FetchSettings(host_concurrency=8, hosts=(wider, narrower)).most_per_host() == 32
    assert FetchSettings(host_concurrency=4, hosts=(narrower,)).most_per_host() == 4


@pytest.mark.trio
async def test_the_total_is_shared_out_in_turn_over_the_groups(
    autojump_clock: trio.testing.MockClock,
) -> None:
    """100 links of one host then 4 of each of 3 others, 4 places in all: the others' links
    are not queued behind the first host's backlog."""
    order: list[str] = []
    running = 0
    most = 0

    async def fetch(found: Target, want_page: bool) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        order.append(found.host)
        await trio.sleep(1)
        running -= 1

    async with trio.open_nursery() as nursery:
        gate = Gate(nursery, fetch, 8, 4)
        for n in range(100):
            gate.start(target(f"https://big.example/{n}"), False)
        for host in ("a.example", "b.example", "c.example"):
            for n in range(4):
                gate.start(target(f"https://{host}/{n}"), False)
    assert len(order) == 112
    assert most == 4
    # The first 4 places went to big.example before the others came; after that the places
    # go round: the 12 other links are all started within the next 16 (4 rounds of 4).
    others = [n for n, host in enumerate(order) if host != "big.example"]
    assert len(others) == 12
    assert max(others) < 4 + 16


def test_total_leaves_room_for_tasks_that_wait() -> None:
    assert total(FetchSettings(max_concurrency=64)) == 128
