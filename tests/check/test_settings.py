"""Flag values: --connect-to, --host-user-agent, --max-body-size, --fail-on."""

from __future__ import annotations

import pytest

from citecheck.settings import (
    ConnectTo,
    FetchSettings,
    connect_address,
    parse_connect_to,
    parse_host_user_agent,
    parse_size,
    parse_statuses,
)


def test_connect_to_has_curls_meaning() -> None:
    rule = parse_connect_to("news.example:443:127.0.0.1:8443")
    assert rule == ConnectTo("news.example", 443, "127.0.0.1", 8443)
    assert rule.apply("news.example", 443) == ("127.0.0.1", 8443)
    assert rule.apply("news.example", 80) is None
    assert rule.apply("other.example", 443) is None
    any_host = parse_connect_to("::127.0.0.1:")
    assert any_host.apply("x.example", 8080) == ("127.0.0.1", 8080)
    v6 = parse_connect_to("[2001:db8::1]:80:[::1]:8080")
    assert v6.apply("2001:db8::1", 80) == ("::1", 8080)
    rules = (parse_connect_to("a.example:80:b.example:81"), any_host)
    assert connect_address(rules, "a.example", 80) == ("b.example", 81)
    assert connect_address((), "a.example", 80) == ("a.example", 80)


@pytest.mark.parametrize("value", ["a:b", "a:1:b", "a:70000:b:1", "a:x:b:1"])
def test_bad_connect_to(value: str) -> None:
    with pytest.raises(ValueError, match="--connect-to"):
        parse_connect_to(value)


def test_sizes() -> None:
    assert parse_size("5M") == 5_000_000
    assert parse_size("512k") == 512_000
    assert parse_size("1MiB") == 1_048_576
    assert parse_size("4096") == 4096
    for bad in ("lots", "10"):
        with pytest.raises(ValueError, match="--max-body-size"):
            parse_size(bad)


def test_statuses_and_user_agents() -> None:
    assert parse_statuses("dead, timeout") == {"dead", "timeout"}
    assert parse_statuses("none") == frozenset()
    with pytest.raises(ValueError, match="unknown status 'broken'"):
        parse_statuses("broken")
    assert parse_host_user_agent("*.Example.org=Bot/1") == ("example.org", "Bot/1")
    with pytest.raises(ValueError, match="HOST=USER-AGENT"):
        parse_host_user_agent("example.org")
    settings = FetchSettings(
        user_agent="G", host_user_agents=(("example.org", "A"), ("news.example.org", "B"))
    )
    assert settings.user_agent_for("news.example.org") == "B"
    assert settings.user_agent_for("www.example.org") == "A"
    assert settings.user_agent_for("example.com") == "G"
