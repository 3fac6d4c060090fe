"""Globs for URLs and paths: the syntax, bad patterns, agreement with a direct matcher, and
matching time on hostile input."""

from __future__ import annotations

import fnmatch
import functools
import pickle
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citecheck.globs import (
    Exclusion,
    path_exclusions,
    path_glob,
    path_text,
    url_exclusions,
    url_glob,
)


def url_matches(pattern: str, url: str) -> bool:
    return url_glob(pattern).search(url) is not None


def path_matches(pattern: str, path: str) -> bool:
    return path_glob(pattern).search(path) is not None


# URL globs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "url", "expected"),
    [
        # A pattern without a scheme is matched from the host on.
        ("*.example.com/**", "https://www.example.com/a/b?c=d#e", True),
        ("*.example.com/**", "http://news.example.com", True),
        ("*.example.com/**", "https://example.com/a", False),  # not the domain itself
        ("*.example.com/**", "https://a.b.example.com/", True),  # * takes dots: any subdomain
        ("*.example.com/**", "https://evil.org/x.example.com/", False),
        ("example.com/private/*", "https://example.com/private/a", True),
        ("example.com/private/*", "https://example.com/private/", True),
        ("example.com/private/*", "https://example.com/private/a/b", False),
        ("example.com/private/*", "https://example.com/private", False),
        ("example.com/private/**", "https://example.com/private/a/b", True),
        ("example.com/private/**", "https://example.com/private", True),
        ("example.com/private/**", "https://example.com/privateer", False),
        ("example.com/**", "https://example.com", True),
        ("example.com/**", "example.com/a", True),  # a relative link is matched as written
        ("example.com/*", "https://example.com/a?page=2", True),  # the query is in the text
        ("example.com/a", "https://example.com/a?page=2", False),
        ("example.com/a*", "https://example.com/a?page=2", True),
        ("example.com/a[?]page=*", "https://example.com/a?page=2", True),
        ("example.com/a?page=*", "https://example.com/a?page=2", True),  # ? is any character
        ("example.com/a?page=*", "https://example.com/a/page=2", False),  # but not /
        # A pattern with a scheme is matched against the whole URL.
        ("https://example.com/**", "https://example.com/a", True),
        ("https://example.com/**", "http://example.com/a", False),
        ("http*://example.com/**", "http://example.com/a", True),
        ("*://example.com/**", "ftp://example.com/a", True),
        ("https://**.pdf", "https://a.org/b/c.pdf", True),
        ("https://**.pdf", "https://a.org/b/c.pdf?x", False),
        ("**.pdf", "https://a.org/b/c.pdf", True),
        ("**/download/*", "https://a.org/x/y/download/file", True),
        ("**/download/*", "https://a.org/x/download/y/file", False),
        ("example.org/**", "https://example.org.evil.com/", False),
        # The scheme and host fold case; the path does not.
        ("EXAMPLE.com/Path", "HTTPS://example.COM/Path", True),
        ("example.com/path", "https://example.com/Path", False),
        ("HTTPS://EXAMPLE.COM/**", "https://example.com/x", True),
        ("[A-C]x.org/*", "https://bx.org/", True),
        # Classes.
        ("example.com/v[0-9]/*", "https://example.com/v2/a", True),
        ("example.com/v[!0-9]/*", "https://example.com/v2/a", False),
        ("example.com/v[!0-9]/*", "https://example.com/vx/a", True),
        ("example.com/[]x]", "https://example.com/]", True),
        ("example.com/[!]x]", "https://example.com/y", True),
        ("example.com/[*]", "https://example.com/*", True),
        ("example.com/[*]", "https://example.com/a", False),
        ("example.com[!a]x", "https://example.com/x", False),  # a class never matches /
        ("example.com/[a-]", "https://example.com/-", True),
        # Regex characters are literal.
        ("example.com/a+b(c)", "https://example.com/a+b(c)", True),
        ("example.com/a.b", "https://example.com/axb", False),
        ("example.com/^$|\\", "https://example.com/^$|\\", True),
    ],
)
def test_url_glob(pattern: str, url: str, expected: bool) -> None:
    assert url_matches(pattern, url) is expected


def test_url_glob_search_and_fullmatch_agree() -> None:
    pattern = url_glob("*.example.com/**")
    for url in ("https://a.example.com/x", "xhttps://a.example.com/x", "https://a.example.com.x"):
        assert (pattern.search(url) is None) == (pattern.fullmatch(url) is None)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "empty"),
        ("example.com/[abc", "never closed"),
        ("[", "never closed"),
        ("example.com/[!]", "never closed"),
        ("example.com/[z-a]", "reversed"),
    ],
)
def test_bad_url_glob_is_a_value_error(pattern: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        url_glob(pattern)
    assert repr(pattern) in str(caught.value)


# Path globs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        # A name anywhere: a file, or a directory and everything in it.
        ("drafts", "drafts", True),
        ("drafts", "drafts/a.md", True),
        ("drafts", "docs/drafts/a.md", True),
        ("drafts", "docs/drafts/", True),
        ("drafts", "docs/my-drafts/a.md", False),
        ("drafts", "docs/drafts.md", False),
        ("*.draft.md", "docs/x/a.draft.md", True),
        ("*.draft.md", "docs/x/a.md", False),
        ("*.md", "a.md/b.txt", True),  # a directory named so
        ("?.md", "docs/a.md", True),
        ("?.md", "docs/ab.md", False),
        ("[ab].md", "x/b.md", True),
        ("[!ab].md", "x/b.md", False),
        ("**", "any/thing.md", True),
        ("**.md", "a/b.md", True),  # ** in a name is *
        # A path from the start.
        ("docs/drafts", "docs/drafts/a.md", True),
        ("docs/drafts", "docs/drafts", True),
        ("docs/drafts", "x/docs/drafts/a.md", False),
        ("docs/*.md", "docs/a.md", True),
        ("docs/*.md", "docs/sub/a.md", False),
        ("docs/*", "docs/", False),  # a * is a whole name, never empty
        ("docs/*", "docs/sub/", True),
        ("./README.md", "README.md", True),
        ("./README.md", "docs/README.md", False),
        ("./drafts", "drafts/a.md", True),
        ("./drafts", "x/drafts/a.md", False),
        (".//docs//a.md", "docs/a.md", True),
        ("**/old/*.md", "old/a.md", True),
        ("**/old/*.md", "x/y/old/a.md", True),
        ("**/old/*.md", "x/y/old/z/a.md", False),
        ("docs/**/draft.md", "docs/draft.md", True),
        ("docs/**/draft.md", "docs/a/b/draft.md", True),
        ("docs/**/draft.md", "docs/a/b/xdraft.md", False),
        ("docs/**/**/x", "docs/x", True),
        ("archive/**", "archive/a.md", True),
        ("archive/**", "archive/a/b.md", True),
        ("archive/**", "archive/", True),  # the directory: everything below goes
        ("archive/**", "archive", False),  # a file named archive
        ("archive/**", "archived/a.md", False),
        ("a/**/", "a/b/", True),
        ("a/**/", "a/b.md", False),
        # Only directories.
        ("build/", "build/", True),
        ("build/", "x/build/a.md", True),
        ("build/", "x/build", False),  # a file
        ("docs/build/", "docs/build/", True),
        ("docs/build/", "docs/build", False),
        # Absolute paths outside the current directory are matched as named.
        ("/srv/site/*.md", "/srv/site/a.md", True),
        ("/srv/site/*.md", "srv/site/a.md", False),
        ("a.md", "/srv/site/a.md", True),
        ("**/site/*.md", "/srv/site/a.md", True),
    ],
)
def test_path_glob(pattern: str, path: str, expected: bool) -> None:
    assert path_matches(pattern, path) is expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "names no file"),
        ("/", "names no file"),
        ("./", "names no file"),
        (".", "names no file"),
        ("docs/[a", "never closed"),
        ("[b-a].md", "reversed"),
    ],
)
def test_bad_path_glob_is_a_value_error(pattern: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        path_glob(pattern)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("docs/a.md", "docs/a.md"),
        ("./docs/a.md", "docs/a.md"),
        ("docs//x/./a.md", "docs/x/a.md"),
        ("/work/site/docs/a.md", "docs/a.md"),
        ("/work/site", ""),
        (".", ""),
        ("/work/other/a.md", "/work/other/a.md"),
        ("../other/a.md", "../other/a.md"),
        ("../site/docs/a.md", "docs/a.md"),
        ("/work/sitemap/a.md", "/work/sitemap/a.md"),  # a sibling with the same start
    ],
)
def test_path_text_is_relative_under_the_current_directory(path: str, expected: str) -> None:
    assert path_text(path, "/work/site") == expected


# Exclusions --------------------------------------------------------------------------------------


def test_url_exclusions_keep_what_the_user_wrote() -> None:
    regex, glob = url_exclusions(["skip-me$"], ["*.example.com/**"])
    assert regex.shown == "--exclude 'skip-me$'"
    assert glob.shown == "--exclude-glob '*.example.com/**'"
    assert regex.matches("https://a.org/skip-me")
    assert glob.matches("https://a.example.com/")
    assert not glob.matches("https://example.com/")


def test_path_exclusions_keep_what_the_user_wrote() -> None:
    regex, glob = path_exclusions(["^old/"], ["drafts"])
    assert regex.shown == "--exclude-path-regex '^old/'"
    assert glob.shown == "--exclude-path 'drafts'"
    assert regex.matches("old/a.md")
    assert glob.matches("x/drafts/")


def test_bad_exclusions_raise_as_documented() -> None:
    with pytest.raises(re.error):
        url_exclusions(["("])
    with pytest.raises(ValueError, match=r"^--exclude-glob '\[x': the \[ at character 1"):
        url_exclusions((), ["[x"])
    with pytest.raises(re.error):
        path_exclusions(["("])
    with pytest.raises(ValueError, match=r"^--exclude-path '': it names no file"):
        path_exclusions((), [""])


def test_exclusions_survive_pickling() -> None:
    exclusions = url_exclusions(["x$"], ["*.example.com/**"])
    assert pickle.loads(pickle.dumps(exclusions)) == exclusions
    assert isinstance(exclusions[0], Exclusion)


# Agreement with a direct matcher -----------------------------------------------------------------


def _tokens(pattern: str) -> list[str]:
    tokens, i = [], 0
    while i < len(pattern):
        if pattern[i] == "*":
            j = i
            while j < len(pattern) and pattern[j] == "*":
                j += 1
            tokens.append("**" if j - i > 1 else "*")
            i = j
        elif pattern[i] == "[":
            j = pattern.index("]", i + 2)
            tokens.append(pattern[i : j + 1])
            i = j + 1
        else:
            tokens.append(pattern[i])
            i += 1
    return tokens


def direct_glob(pattern: str, text: str) -> bool:
    """The documented meaning, by brute force: `**` anything, `*` any run without `/`, `?` and
    classes one character but `/`."""
    tokens = _tokens(pattern)

    @functools.cache
    def match(i: int, j: int) -> bool:
        if i == len(tokens):
            return j == len(text)
        token = tokens[i]
        if token == "**":
            return any(match(i + 1, k) for k in range(j, len(text) + 1))
        if token == "*":
            k = j
            while not match(i + 1, k):
                if k == len(text) or text[k] == "/":
                    return False
                k += 1
            return True
        if j == len(text):
            return False
        char = text[j]
        if token == "?" or token.startswith("["):
            ok = char != "/" and fnmatch.fnmatchcase(char, token)
        else:
            ok = char == token
        return ok and match(i + 1, j + 1)

    return match(0, 0)


def direct_url(pattern: str, text: str) -> bool:
    below = pattern.endswith("/**") and not pattern.endswith("//**")
    return direct_glob(pattern, text) or (below and direct_glob(pattern[:-3], text))


def direct_path(pattern: str, text: str) -> bool:
    """The documented meaning of a path glob, component by component."""
    directory_only = pattern.endswith("/")
    body = pattern.rstrip("/")
    anchored = "/" in body
    while body.startswith("./"):
        body = body[2:]
    is_directory = text.endswith("/")
    names = text.rstrip("/").split("/")

    def whole(parts: list[str], names: list[str], directory: bool) -> bool:
        if not parts:
            return not names
        if parts[0] == "**" and len(parts) == 1:  # everything below (so the directory too)
            return len(names) >= 1 or (directory and not directory_only)
        if parts[0] == "**":
            return any(whole(parts[1:], names[k:], directory) for k in range(len(names) + 1))
        return (
            bool(names)
            and fnmatch.fnmatchcase(names[0], parts[0])
            and whole(parts[1:], names[1:], directory)
        )

    for k in range(1, len(names) + 1):
        directory = k < len(names) or is_directory
        if directory_only and not directory:
            continue
        if anchored:
            if whole(body.split("/"), names[:k], directory):
                return True
        elif fnmatch.fnmatchcase(names[k - 1], body):
            return True
    return False


_URL_PIECES = ["a", "b", ".", "/", "*", "**", "?", "[ab]", "[!a]", "[a-b]"]
_NAME_PIECES = ["a", "b", ".", "*", "?", "[ab]", "[!a]"]


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(st.sampled_from(_URL_PIECES), min_size=1, max_size=8).map("".join),
    st.text(alphabet="ab./", max_size=14),
)
def test_url_glob_agrees_with_a_direct_matcher(pattern: str, text: str) -> None:
    assert url_matches(pattern, text) is direct_url(pattern, text)


_NAME = (
    st.lists(st.sampled_from(_NAME_PIECES), min_size=1, max_size=4)
    .map("".join)
    .filter(lambda name: name not in (".", ".."))
)
_PATH_PATTERN = st.builds(
    lambda lead, names, trail: lead + "/".join(names) + trail,
    st.sampled_from(["", "./", "**/"]),
    st.lists(st.one_of(_NAME, st.just("**")), min_size=1, max_size=4),
    st.sampled_from(["", "/"]),
)
_PATH = st.builds(
    lambda names, trail: "/".join(names) + trail,
    st.lists(st.sampled_from(["a", "b", "ab", "a.b", ".a"]), min_size=1, max_size=5),
    st.sampled_from(["", "/"]),
)


@settings(max_examples=1000, deadline=None)
@given(_PATH_PATTERN, _PATH)
def test_path_glob_agrees_with_a_direct_matcher(pattern: str, path: str) -> None:
    assert path_matches(pattern, path) is direct_path(pattern, path)


# Hostile input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("*a*a*a*a*a*a*b", "https://" + "a" * 30_000),
        ("**a**a**a**a**a**b", "https://" + "a" * 30_000),
        ("**a**a**a**a**a**b", "https://" + "a/" * 15_000),
        ("*.example.com/**", "https://" + "a." * 15_000 + "example.org/"),
        ("**/x/*", "https://h/" + "x/" * 15_000 + "y/z"),
        ("**/x/*a*b*c", "https://h/" + "x/aaaa" * 5_000),
        ("example.com/**/*.pdf", "https://example.com/" + "a/" * 15_000 + "a.pdfx"),
        ("?" * 50 + "*" + "?" * 50, "https://" + "a" * 30_000 + "/"),
        ("[!/]*[!/]*[!/]*b", "https://" + "a" * 30_000),
        ("**/a/*/**/a/*/**/b", "https://h/" + "a/x/" * 8_000),
        ("**-draft*", "https://h/" + "-draft" * 8_000 + "/"),
        ("**a*b/c", "https://h/" + "a" * 30_000 + "/c"),
        ("**.example.com/**", "https://" + "a.example.com" * 3_000),
        ("**/**/**/**/c", "https://h/" + "x/" * 15_000),
    ],
)
def test_a_long_hostile_url_is_matched_in_bounded_time(pattern: str, text: str) -> None:
    compiled = url_glob(pattern)
    started = time.perf_counter()
    compiled.search(text)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("**/a*a*a*a*b/**", "a" * 20_000),
        ("*a*a*a*a*b", "x/" + "a" * 20_000),
        ("**/a/**/a/**/b", "a/" * 10_000),
        ("a/**/b/**/c/**", "a/" + "b/" * 10_000),
        ("docs/**/*.md", "docs/" + "a/" * 10_000 + "a.mdx"),
    ],
)
def test_a_long_hostile_path_is_matched_in_bounded_time(pattern: str, text: str) -> None:
    compiled = path_glob(pattern)
    started = time.perf_counter()
    compiled.search(text)
    assert time.perf_counter() - started < 1.0
