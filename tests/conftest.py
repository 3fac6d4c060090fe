"""A guard for every test: no name is ever looked up in the real DNS.

Tests reach only servers they start on loopback. The checker resolves names itself (the
private-address guard, `fetch/backend.py`), and a name a test forgot to map (an archive's host
under `citecheck check`, say) would otherwise become a DNS query off this machine. Here the
system resolver answers IP literals and `localhost` only; any other name is "not known", which
the checker reports as an outcome, as it would for a name that does not exist.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from citecheck.fetch import backend


async def _loopback_only(host: str, port: int) -> list[str]:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host.lower() == "localhost":
            return ["127.0.0.1"]
        raise socket.gaierror(socket.EAI_NONAME, f"{host}: not resolved in tests") from None
    return [str(address)]


@pytest.fixture(autouse=True)
def _no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend, "system_resolver", _loopback_only)


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test gets an empty cache directory of its own: `citecheck check` never reads or
    writes the user's cache from a test, and no test sees another's results."""
    monkeypatch.setenv("CITECHECK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
