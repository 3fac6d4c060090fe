"""`shards.py` in plain values: how the global limit is divided and how groups are assigned."""

from __future__ import annotations

import pytest

from citecheck.model import Target
from citecheck.settings import FetchSettings
from citecheck.shards import Shards, processes, split
from citecheck.targets import normalise


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
