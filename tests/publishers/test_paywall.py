"""The registry's `paywall` flag: built-in entries and user entries."""

from __future__ import annotations

import pytest

from citecheck.publishers import RegistryError, default_registry


def test_well_known_paywalled_publishers_are_marked() -> None:
    registry = default_registry()
    for url in ("https://www.nytimes.com/x", "https://www.wsj.com/x", "https://www.ft.com/x",
                "https://www.scmp.com/x", "https://www.economist.com/x"):  # fmt: skip
        publisher = registry.for_url(url)
        assert publisher is not None
        assert publisher.paywall, url
    reuters = registry.for_url("https://www.reuters.com/x")
    assert reuters is not None
    assert not reuters.paywall


def test_user_entries_may_set_or_keep_it() -> None:
    registry = default_registry().extended(
        [
            {"name": "Riverside Gazette", "type": "newspaper", "domains": ["riverside.example"],
             "paywall": True},
            {"name": "The New York Times", "aliases": ["NYT"]},
        ]
    )  # fmt: skip
    gazette = registry.lookup("Riverside Gazette")
    times = registry.lookup("NYT")
    assert gazette is not None
    assert gazette.paywall
    assert times is not None
    assert times.paywall
    with pytest.raises(RegistryError, match="paywall"):
        default_registry().extended(
            [{"name": "X", "type": "online", "domains": ["x.example"], "paywall": "yes"}]
        )
