"""Where a bare URL starts and ends, in English and Chinese text."""

from __future__ import annotations

import pytest

from citecheck.extract.urls import find_urls, interpret


def urls(text: str) -> list[str]:
    return [found.raw for found in find_urls(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(see https://a.org/x).", ["https://a.org/x"]),
        ("https://a.org/wiki/Foo_(bar)", ["https://a.org/wiki/Foo_(bar)"]),
        ("(https://a.org/wiki/Foo_(bar))", ["https://a.org/wiki/Foo_(bar)"]),
        (
            "See https://a.org/x, https://b.org/y; and https://c.org/z!",
            ["https://a.org/x", "https://b.org/y", "https://c.org/z"],
        ),
        ("Is it https://a.org/x?", ["https://a.org/x"]),
        ("query https://a.org/x?q=1&r=2#frag.", ["https://a.org/x?q=1&r=2#frag"]),
        ("[https://a.org/x]", ["https://a.org/x"]),
        ("{https://a.org/x}", ["https://a.org/x"]),
        ("“https://a.org/x”", ["https://a.org/x"]),
        ("'https://a.org/x'", ["https://a.org/x"]),
        ('"https://a.org/x"', ["https://a.org/x"]),
        ("<https://a.org/x>", ["https://a.org/x"]),
        ("*https://a.org/x*", ["https://a.org/x"]),
        ("https://a.org/x...", ["https://a.org/x"]),
        ("https://a.org/x—and more", ["https://a.org/x"]),
        ("HTTPS://A.ORG/X", ["HTTPS://A.ORG/X"]),
        ("ftp://files.example.org/a.txt", ["ftp://files.example.org/a.txt"]),
        ("http://localhost:8080/x", ["http://localhost:8080/x"]),
        ("https://de.wikipedia.org/wiki/Straße", ["https://de.wikipedia.org/wiki/Straße"]),
    ],
)
def test_url_boundaries_in_english_text(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("見https://a.org/x。", ["https://a.org/x"]),
        ("網址：https://a.org/x，請查閱", ["https://a.org/x"]),
        ("「https://a.org/x」", ["https://a.org/x"]),
        ("『https://a.org/x』", ["https://a.org/x"]),
        ("（https://a.org/x）", ["https://a.org/x"]),
        ("https://a.org/x；https://b.org/y！", ["https://a.org/x", "https://b.org/y"]),
        ("https://a.org/x？", ["https://a.org/x"]),
        ("https://a.org/x、https://b.org/y", ["https://a.org/x", "https://b.org/y"]),
        ("https://a.org/新聞", ["https://a.org/"]),
        ("原文https://a.org/x按此", ["https://a.org/x"]),
        ("(www.gov.br).", ["www.gov.br"]),
        ("Planalto (www.gov.br). As", ["www.gov.br"]),
        ("巴西政府網站www.gov.br。", ["www.gov.br"]),
    ],
)
def test_url_boundaries_in_chinese_text(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "www.",
        "www.x",
        "the www is big",
        "awww.example.org",
        "foo.www.example.org",
        "xhttps://a.org",
        "https://",
        "http:///path",
        "mailto:someone",
        "www.1.2",
    ],
)
def test_not_a_url(text: str) -> None:
    assert urls(text) == []


def test_offsets_point_at_the_url() -> None:
    text = "中文 (see https://a.org/x). Then www.b.org!"
    found = find_urls(text)
    assert [(f.start, f.end) for f in found] == [(8, 23), (31, 40)]
    assert all(text[f.start : f.end] == f.raw for f in found)


def test_search_range_is_respected() -> None:
    text = "https://a.org/one https://b.org/two"
    assert [f.raw for f in find_urls(text, 10)] == ["https://b.org/two"]
    assert [f.raw for f in find_urls(text, 0, 17)] == ["https://a.org/one"]


def test_url_may_start_at_range_start_after_a_letter() -> None:
    # In Markdown a range starts after a construct such as `]`; the character before is not glue.
    text = "xhttps://a.org/x"
    assert [f.raw for f in find_urls(text, 1)] == ["https://a.org/x"]


def test_invalid_url_is_reported_not_dropped() -> None:
    assert urls("see http://[::1 now") == ["http://[::1"]
    target = interpret("http://[::1", bare=True)
    assert target is not None
    assert target.url is None
    assert target.invalid


@pytest.mark.parametrize(
    ("written", "base", "url", "local"),
    [
        ("https://a.org/x", None, "https://a.org/x", None),
        ("docs/page.md", None, None, "docs/page.md"),
        ("#anchor", None, None, "#anchor"),
        ("docs/page.md", "https://site.org/a/", "https://site.org/a/docs/page.md", None),
        ("//cdn.org/x.png", None, "https://cdn.org/x.png", None),
        ("mailto:a@b.org", None, "mailto:a@b.org", None),
        ("C:\\docs\\a.md", None, None, "C:\\docs\\a.md"),
        ("  https://a.org/x  ", None, "https://a.org/x", None),
    ],
)
def test_interpret_targets(
    written: str, base: str | None, url: str | None, local: str | None
) -> None:
    target = interpret(written, base)
    assert target is not None
    assert (target.url, target.local) == (url, local)


@pytest.mark.parametrize(
    "written", ["", "   ", "javascript:alert(1)", "JavaScript:void(0)", "data:text/html,hi"]
)
def test_targets_that_are_not_sources(written: str) -> None:
    assert interpret(written) is None


def test_www_is_a_web_address_only_in_running_text() -> None:
    bare = interpret("www.gov.br", bare=True)
    href = interpret("www.gov.br")
    assert bare is not None
    assert bare.url == "https://www.gov.br"
    assert href is not None
    assert href.local == "www.gov.br"


def test_bad_port_is_invalid() -> None:
    target = interpret("https://a.org:99999/x")
    assert target is not None
    assert target.url is None
    assert target.invalid


def test_scheme_relative_target_that_cannot_be_joined_is_invalid() -> None:
    target = interpret("//[::1", "https://a.org/")
    assert target is not None
    assert target.url is None
    assert target.invalid
