"""Fixtures for the checker's tests: the loopback fake web, and fetchers wired to it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

sys.path.insert(0, str(Path(__file__).parent))  # the tests here import the helper `fakeweb`
import fakeweb


@pytest.fixture(scope="session")
def _servers() -> Iterator[fakeweb.FakeWeb]:
    web = fakeweb.FakeWeb(trustme.CA())
    fakeweb.start(web, [*fakeweb.PUBLIC, "127.0.0.1"])
    yield web
    fakeweb.stop(web)


@pytest.fixture
def web(_servers: fakeweb.FakeWeb) -> fakeweb.FakeWeb:
    """The fake web, with no routes and nothing seen."""
    _servers.routes.clear()
    _servers.seen.clear()
    return _servers
