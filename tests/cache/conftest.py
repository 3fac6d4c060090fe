"""Fixtures for the cache's tests: a clock the test moves, and caches opened on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from citecheck.cache import Cache

T0 = 1_700_000_000.0
"""Where every test's clock starts (epoch seconds)."""


class Clock:
    """Time as a dependency: `now()` is whatever the test last set."""

    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


OpenCache = Callable[..., Cache]


@pytest.fixture
def open_cache(tmp_path: Path, clock: Clock) -> Iterator[OpenCache]:
    """Open a cache in `tmp_path / "cache"` (or another directory) on the test's clock; every
    cache opened is closed at the end."""
    opened: list[Cache] = []

    def open_(
        directory: Path | None = None, *, ttl: Mapping[str, float] | None = None, **kw: float
    ) -> Cache:
        cache = Cache(directory or tmp_path / "cache", ttl=ttl, now=clock, **kw)
        opened.append(cache)
        return cache

    yield open_
    for cache in opened:
        cache.close()
