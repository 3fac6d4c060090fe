"""Fixtures for the archive tests: sessions over replayed cassettes or mock transports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from citecheck.archive.pacing import Pacer
from citecheck.archive.session import Session
from citecheck.cassette import ReplayTransport

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
EDGI = CASSETTES / "edgi-wayback"
HANDBUILT = CASSETTES / "handbuilt"


def replay_session(*names: str, pacer: Pacer | None = None) -> tuple[Session, ReplayTransport]:
    """A session answering from cassettes (`edgi-wayback/x.yaml`, `handbuilt/y.yaml`)."""
    transport = ReplayTransport(*(CASSETTES / name for name in names))
    client = httpx.AsyncClient(transport=transport)
    return Session(client, pacer if pacer is not None else Pacer()), transport


def mock_session(
    handler: Callable[[httpx.Request], httpx.Response], pacer: Pacer | None = None
) -> Session:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return Session(client, pacer if pacer is not None else Pacer())


@pytest.fixture
def replay() -> Callable[..., tuple[Session, ReplayTransport]]:
    """`replay("edgi-wayback/x.yaml", "handbuilt/y.yaml", pacer=...)`: a session over those
    cassettes, and its transport."""
    return replay_session


@pytest.fixture
def mock() -> Callable[..., Session]:
    """`mock(handler, pacer=...)`: a session over `httpx.MockTransport(handler)`."""
    return mock_session


@pytest.fixture
def cassettes() -> Path:
    return CASSETTES
