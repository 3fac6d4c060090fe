"""`shards.py`: how the global limit is divided and how groups are assigned (in plain values),
and the spare workers forked ahead (real processes, no request leaving the machine)."""

from __future__ import annotations

import os

import pytest

from citecheck.model import Target
from citecheck.settings import FetchSettings
from citecheck.shards import Shards, processes, split
from citecheck.targets import normalise

TYPE_CHECKING = False
if TYPE_CHECKING:
    from citecheck.fetch import Fetched


def test_by_default_half_the_cpus_check_and_the_rest_extract() -> None:
    assert processes(2, None, None) == (1, 1)
    assert processes(1, None, None) == (1, 1)
    assert processes(8, None, None) == (4, 4)
    assert processes(3, None, None) == (1, 2)


def test_what_is_asked_for_is_kept_and_extraction_gets_what_is_left() -> None:
    assert processes(2, 2, None) == (2, 1)
    assert processes(8, 1, None) == (1, 7)
    assert processes(2, None, 3) == (1, 3)
    assert processes(4, 3, 2) == (3, 2)


def test_checking_in_this_process_leaves_extraction_every_cpu() -> None:
    assert processes(2, None, None, in_process=True) == (1, 2)
    assert processes(4, 1, None, in_process=True) == (1, 4)


def test_split_divides_the_global_limit_exactly() -> None:
    assert split(128, 2) == [64, 64]
    assert split(7, 3) == [3, 2, 2]
    assert sum(split(129, 4)) == 129


def test_split_gives_every_worker_at_least_one() -> None:
    assert split(1, 1) == [1]


def test_never_more_workers_than_the_global_limit() -> None:
    shards = Shards(FetchSettings(max_concurrency=2), 8)
    assert len(shards._load) == 2


def test_a_host_group_stays_with_one_worker_and_new_groups_go_to_the_least_loaded() -> None:
    shards = Shards(FetchSettings(max_concurrency=8), 2)
    for url in [
        "https://www.bbc.co.uk/1",
        "https://apnews.com/1",
        "https://news.bbc.co.uk/2",
        "https://bbc.co.uk/3",
        "https://www.reuters.com/1",
    ]:
        target = normalise(url)
        assert isinstance(target, Target)
        shards.add(target, False)
    assert shards._owner == {"bbc.co.uk": 0, "apnews.com": 1, "reuters.com": 1}
    assert shards._load == [3, 2]


def test_nothing_can_be_added_once_the_workers_are_told_the_input_is_over() -> None:
    shards = Shards(FetchSettings(max_concurrency=8), 2)
    with shards:
        shards.finish()
        shards.finish()  # a second time changes nothing
        target = normalise("https://apnews.com/1")
        assert isinstance(target, Target)
        with pytest.raises(RuntimeError, match=r"after Shards\.finish"):
            shards.add(target, False)
        assert shards.results() == {}


def _check_loopback(sharded: Shards) -> dict[tuple[object, bool], Fetched]:
    """`sharded`'s results for one loopback link: refused before any connection, so no request
    leaves this machine, yet a worker must have taken it and answered."""
    target = normalise("http://127.0.0.1:9/page")
    assert isinstance(target, Target)
    sharded.add(target, False)
    return sharded.results()


def test_a_spare_forked_ahead_is_taken_by_the_shards_and_checks() -> None:
    # No request leaves: the only link is a loopback literal, refused before any connection.
    from citecheck import shards
    from citecheck.policy import Paywalled

    with shards.spares(1):
        spare = shards._spares[0].process
        with Shards(FetchSettings(max_concurrency=4), 1, paywalled=Paywalled()) as sharded:
            assert shards._spares == []  # taken
            assert sharded._processes == [spare]  # and not forked again
            results = _check_loopback(sharded)
    assert [fetched.outcome.status for fetched in results.values()] == ["refused-private"]
    assert not spare.is_alive()


def test_spares_a_run_does_not_take_are_stopped_as_soon_as_its_shards_are_forked() -> None:
    from citecheck import shards
    from citecheck.policy import Paywalled

    with shards.spares(3):
        forked = [spare.process for spare in shards._spares]
        with Shards(FetchSettings(max_concurrency=4), 1, paywalled=Paywalled()) as sharded:
            assert sharded._processes == forked[:1]
            assert shards._spares == []
            assert [process.is_alive() for process in forked] == [True, False, False]
            assert sharded.results() == {}
    assert not any(process.is_alive() for process in forked)


def test_a_spare_killed_before_its_orders_is_replaced_by_a_new_worker() -> None:
    # No request leaves: the only link is a loopback literal, refused before any connection.
    import signal

    from citecheck import shards
    from citecheck.policy import Paywalled

    with shards.spares(1):
        spare = shards._spares[0].process
        assert spare.pid is not None
        os.kill(spare.pid, signal.SIGKILL)
        spare.join()
        with Shards(FetchSettings(max_concurrency=4), 1, paywalled=Paywalled()) as sharded:
            assert len(sharded._processes) == 1
            assert sharded._processes != [spare]
            results = _check_loopback(sharded)
    assert [fetched.outcome.status for fetched in results.values()] == ["refused-private"]


def test_spares_not_taken_are_stopped_when_the_run_ends() -> None:
    from citecheck import shards

    with shards.spares(2):
        forked = [spare.process for spare in shards._spares]
        assert len(forked) == 2
        assert all(process.is_alive() for process in forked)
    assert shards._spares == []
    assert not any(process.is_alive() for process in forked)


def test_spares_are_left_to_shards_with_a_transport_or_a_paywall_test_that_cannot_be_sent() -> None:
    import httpx

    from citecheck import shards

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)

    with shards.spares(1):
        spare = shards._spares[0].process
        with Shards(
            FetchSettings(max_concurrency=4), 1, transport=httpx.MockTransport(answer)
        ) as sharded:
            assert sharded._processes != [spare]
            assert len(shards._spares) == 1
            assert sharded.results() == {}
        with Shards(FetchSettings(max_concurrency=4), 1, paywalled=lambda url: True) as sharded:
            assert sharded._processes != [spare]
            assert len(shards._spares) == 1
            assert sharded.results() == {}
        with Shards(FetchSettings(max_concurrency=4), 1) as sharded:  # the default pickles
            assert sharded._processes == [spare]
            assert sharded.results() == {}


def test_the_paywall_test_sent_to_a_spare_answers_as_before() -> None:
    import pickle

    from citecheck.policy import Paywalled
    from citecheck.publishers import default_registry

    for paywalled in (Paywalled(), Paywalled(default_registry())):
        sent = pickle.loads(pickle.dumps(paywalled))
        for url in ("https://www.nytimes.com/2025/03/11/world/x.html", "https://apnews.com/x"):
            assert sent(url) == paywalled(url)
        assert sent("https://www.nytimes.com/x") is True
        assert sent("https://apnews.com/x") is False


def test_a_spares_orders_import_nothing_its_imports_did_not() -> None:
    # A spare imports the HTTP stack, then waits for its orders: what unpickling them imports
    # is on the way to the first request (while the paywall test lived in check.py, it was
    # citecheck.check and the extraction modules, 0.012 s).
    import pickle
    import subprocess
    import sys

    from citecheck.policy import Paywalled

    orders = pickle.dumps((FetchSettings(max_concurrency=64), Paywalled()))
    script = (
        "import pickle, sys\n"
        "import citecheck.cli, citecheck.shards\n"  # what the spare was forked with
        "citecheck.shards._import_stack()\n"
        "before = set(sys.modules)\n"
        "settings, paywalled = pickle.loads(sys.stdin.buffer.read())\n"
        "print(sorted(set(sys.modules) - before))\n"
        "assert settings.max_concurrency == 64 and paywalled('https://www.nytimes.com/x')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=orders, capture_output=True, timeout=60, check=True
    )
    assert done.stdout.decode().strip() == "[]"


@pytest.mark.parametrize(
    ("args", "forked"),
    [
        (["check", "a.md"], True),
        (["check", "--max-concurrency", "64", "docs/"], True),
        (["check", "--replay", "c.json", "a.md"], False),
        (["check", "--record=c.json", "a.md"], False),
        (["check", "--help"], False),
        (["check", "-h"], False),
        (["extract", "a.md"], False),
        (["fix", "a.md"], True),
        (["fix", "--replay", "c.json", "a.md"], False),
        ([], False),
    ],
)
def test_only_checking_on_the_network_forks_spares_ahead(
    args: list[str], forked: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import contextlib

    from citecheck import cli, shards

    asked: list[int] = []

    def spares(count: int) -> contextlib.AbstractContextManager[None]:
        asked.append(count)
        return contextlib.nullcontext()

    monkeypatch.setattr(shards, "spares", spares)
    with cli._spares(args):
        pass
    assert asked == ([processes(os.cpu_count() or 1, None, None)[0]] if forked else [])


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads /proc (Linux)")
def test_a_spare_leaves_ctrl_c_to_the_process_that_forked_it() -> None:
    # A terminal's Ctrl-C reaches every process of the group: the parent answers it (130) and
    # stops its workers; a spare still importing would print its own traceback.
    import signal
    import time

    from citecheck import shards

    def ignored(pid: int) -> bool:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("SigIgn:"):
                    return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
        raise AssertionError("no SigIgn line")

    # As in a terminal, whatever this test runner was started with (a shell's background job
    # ignores SIGINT, and a fork would inherit that).
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        assert not ignored(os.getpid())
        with shards.spares(1):
            spare = shards._spares[0].process
            assert spare.pid is not None
            deadline = time.monotonic() + 10
            while not ignored(spare.pid):
                assert time.monotonic() < deadline, "the spare still takes Ctrl-C"
                time.sleep(0.01)
            os.kill(spare.pid, signal.SIGINT)
            time.sleep(0.1)
            assert spare.is_alive()
        assert not spare.is_alive()
    finally:
        signal.signal(signal.SIGINT, before)
