"""Cited URLs to targets; credentials kept out of reports."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citecheck import targets
from citecheck.model import Outcome, Target
from citecheck.targets import fragment, group, normalise, redact, redact_text


@pytest.mark.parametrize(
    "url",
    ["HTTP://Example.ORG:80", "http://example.org/", "http://example.org/#top",
     "http://example.org.", "http://EXAMPLE.org:80/#a"],
)  # fmt: skip
def test_spellings_of_one_page_are_one_target(url: str) -> None:
    found = normalise(url)
    assert isinstance(found, Target)
    assert found.url == "http://example.org/"
    assert found.key == ("http://example.org/", None)


def test_query_and_path_are_kept() -> None:
    found = normalise("https://a.example/A%7Eb?x=1&y=2")
    assert isinstance(found, Target)
    assert found.url == "https://a.example/A%7Eb?x=1&y=2"


def test_ports_ipv6_and_idna() -> None:
    assert normalise("https://a.example:8443/").url == "https://a.example:8443/"  # type: ignore[union-attr]
    assert normalise("http://[::1]:8080/x").url == "http://[::1]:8080/x"  # type: ignore[union-attr]
    found = normalise("https://bücher.example/")
    assert isinstance(found, Target)
    assert found.host == "xn--bcher-kva.example"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("mailto:desk@a.example", "unsupported-scheme"),
        ("tel:+15555550100", "unsupported-scheme"),
        ("javascript:alert(1)", "unsupported-scheme"),
        ("data:text/plain,hi", "unsupported-scheme"),
        ("ftp://a.example/f", "unsupported-scheme"),
        ("http://a.example:99999/", "invalid-url"),
        ("http:///path", "invalid-url"),
        ("http://[::1/", "invalid-url"),
    ],
)
def test_what_is_not_requested(url: str, status: str) -> None:
    found = normalise(url)
    assert isinstance(found, Outcome)
    assert found.status == status


def test_credentials_are_kept_apart_and_redacted() -> None:
    found = normalise("https://alice:p%40ss@a.example/x")
    assert isinstance(found, Target)
    assert found.url == "https://a.example/x"
    assert found.credentials == ("alice", "p@ss")
    assert "p@ss" not in repr(found)
    assert redact("https://alice:pw@a.example/x") == "https://***@a.example/x"
    assert redact("https://a.example/@user") == "https://a.example/@user"
    assert redact_text("see [x](https://u:p@a.example/) and mailto:a@b.example") == (
        "see [x](https://***@a.example/) and mailto:a@b.example"
    )


def test_groups_and_fragments() -> None:
    assert group("news.bbc.co.uk") == "bbc.co.uk"
    assert group("127.0.0.2") == "127.0.0.2"
    assert group("localhost") == "localhost"
    assert fragment("https://a.example/x#Sec%20One") == "Sec One"
    assert fragment("https://a.example/x#") is None
    assert fragment("https://a.example/x") is None


@given(
    scheme=st.sampled_from(["http", "https", "HTTP", "ftp"]),
    host=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,12}[A-Za-z0-9.]?", fullmatch=True)
    | st.sampled_from(["127.0.0.2", "news.EXAMPLE.co.uk", "xn--fiqs8s.cn", "a..b", "例子.cn"]),
    port=st.none() | st.integers(min_value=0, max_value=70000).map(str) | st.just("080"),
    rest=st.text(alphabet="/?#=&%a~ .[]\t:@", max_size=12),
    userinfo=st.sampled_from(["", "u:p@", "@"]),
)
def test_the_fast_path_gives_what_urlsplit_gives(
    scheme: str, host: str, port: str | None, rest: str, userinfo: str
) -> None:
    url = f"{scheme}://{userinfo}{host}{':' + port if port is not None else ''}{rest}"
    assert normalise(url) == targets._normalise(url)
