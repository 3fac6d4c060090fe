"""Globs that exclude links and input files, translated to regular expressions. Pure.

One syntax for a name, two ways of placing it:

- `*` is any run of characters except `/`; `?` is one character except `/`; `[...]` is one
  character of a class, as in fnmatch (`[abc]`, `[a-z]`, `[!0-9]` for "not a digit", a `]` first
  is taken literally: `[]x]`), never `/`. There is no escape character: write `[*]`, `[?]` or
  `[[]` for a literal `*`, `?` or `[`. A class that is never closed, or a reversed range
  (`[z-a]`), is an error (`ValueError`).

**URL globs** (`url_glob`, `--exclude-glob`) match a whole link as written (query and fragment
included), so `**` is any run of characters, `/` included. A pattern with `://` is matched
against the whole URL (`https://*.example.com/**`); one without is matched against the URL
without its scheme and `//` (`*.example.com/**`, `example.com/private/*`), and a relative link is
matched as written. The scheme and host part of the pattern (up to its first `/` after them) is
compared case-insensitively, the rest case-sensitively. A pattern ending in `/**` also matches
the URL without that `/` (`example.com/**` matches `https://example.com`). `*.example.com` does
not match `example.com` itself: name both if both are meant.

**Path globs** (`path_glob`, `--exclude-path`) work like `.gitignore` lines on the path of an
input relative to the current directory (`/` separators, no leading `./`; a path outside the
current directory is matched as it was named):

- a pattern with no `/` matches a single name anywhere: a file, or a directory and so everything
  in it (`drafts`, `*.draft.md`);
- a pattern with a `/` (or starting with `./`) matches the whole relative path from the start:
  `docs/drafts`, `./README.md`; it too matches a directory and everything in it;
- `**/` at the start or between slashes is zero or more directories (`**/old/*.md`,
  `docs/**/draft.md`), a final `/**` everything below a directory (`archive/**`); elsewhere `**`
  is `*`;
- a pattern ending in `/` matches only directories (`build/`);
- a leading `./` is ignored (but makes the pattern a path, not a name); a leading `/` is part of
  the pattern, so `/srv/site/*.md` matches those absolute paths outside the current directory.

A path is tested with `pattern.search(text)` (`Exclusion.matches`); a directory is tested as
its path with a trailing `/` (`docs/drafts/`), so a regular expression that matches that skips
the whole directory.

**Matching time.** A link comes from the article, which may be hostile, and a naive translation
(`*` to `[^/]*`, `**` to `.*`) lets a long URL make a pattern with several stars backtrack for
minutes. So, as fnmatch does, a star and the fixed run after it become an atomic group
`(?>[^/]*?RUN)`, which takes the first place the run fits and never comes back to try another.
That is exact when nothing can be lost by it: after a `*` (the places it could reach hold no `/`,
so the next star takes up the difference, and a run with a `/` in it fits in one place only); for
a `**` and all up to the next `**` (which takes up anything), and for a path glob's `**/` and all
up to the next `**/`. The last `**` of a URL glob needs no search: what follows it holds a known
number of `/`, so it starts in a known component of the URL. tests/test_globs.py compares the
translation with a direct matcher on random patterns and texts, and times hostile ones.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

_Star = Literal["*", "**", "dirs"]
"""A wildcard of any length: `*` (no `/`), `**` (anything), `dirs` (zero or more whole
directories, each ending in `/`: a path glob's `**/`)."""

_GREEDY: dict[_Star, str] = {"*": "[^/]*", "**": ".*", "dirs": "(?:[^/]*+/)*"}
_LAZY: dict[_Star, str] = {"*": "[^/]*?", "**": ".*?", "dirs": "(?:[^/]*+/)*?"}

_SCHEME = r"(?:[A-Za-z][A-Za-z0-9+.\-]*://)?+"
"""An optional scheme and `//`, taken whenever present (possessive), for URL globs without one."""


@dataclass(frozen=True, slots=True)
class _Fixed:
    """One character's worth of pattern: a literal, `?` or a class."""

    regex: str
    slash: bool = False
    """Whether it is a literal `/`."""
    fold: bool = False
    """Whether it compares case-insensitively."""


_Token = _Fixed | _Star


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A pattern that excludes links or input files, with what the user wrote."""

    pattern: re.Pattern[str]
    """What it matches, searched for in the text (a glob's is anchored at both ends)."""
    shown: str
    """The user's own pattern, as the report names it: `--exclude '…'`, `--exclude-glob '…'`."""

    def matches(self, text: str) -> bool:
        """Whether `text` (a link as written, or an input's relative path) is excluded."""
        return self.pattern.search(text) is not None


def url_glob(pattern: str) -> re.Pattern[str]:
    """The regular expression of a URL glob (the module's docstring says the syntax); use it
    with `search` or `fullmatch`, which agree. Raises `ValueError` for a bad pattern."""
    try:
        return re.compile(_url_regex(pattern), re.DOTALL)
    except ValueError as error:
        raise ValueError(f"not a valid glob {pattern!r}: {error}") from None


def path_glob(pattern: str) -> re.Pattern[str]:
    """The regular expression of a path glob (the module's docstring says the syntax), to use
    with `search` on a relative path (`path_text`). Raises `ValueError` for a bad pattern."""
    try:
        return re.compile(_path_regex(pattern), re.DOTALL)
    except ValueError as error:
        raise ValueError(f"not a valid glob {pattern!r}: {error}") from None


def url_exclusions(regexes: Sequence[str] = (), globs: Sequence[str] = ()) -> tuple[Exclusion, ...]:
    """The exclusions of links: `--exclude` regular expressions (searched for anywhere in the
    link as written), then `--exclude-glob` globs. Raises `re.error` for a bad regular
    expression and `ValueError` for a bad glob (its message names the flag)."""
    return _exclusions(regexes, "--exclude", globs, "--exclude-glob", _url_regex)


def path_exclusions(
    regexes: Sequence[str] = (), globs: Sequence[str] = ()
) -> tuple[Exclusion, ...]:
    """The exclusions of input files: `--exclude-path-regex` regular expressions (searched for
    in the relative path), then `--exclude-path` globs. Raises `re.error` for a bad regular
    expression and `ValueError` for a bad glob (its message names the flag)."""
    return _exclusions(regexes, "--exclude-path-regex", globs, "--exclude-path", _path_regex)


def _exclusions(
    regexes: Sequence[str],
    regex_flag: str,
    globs: Sequence[str],
    glob_flag: str,
    translate: Callable[[str], str],
) -> tuple[Exclusion, ...]:
    found = [Exclusion(re.compile(regex), f"{regex_flag} {regex!r}") for regex in regexes]
    for glob in globs:
        try:
            found.append(Exclusion(re.compile(translate(glob), re.DOTALL), f"{glob_flag} {glob!r}"))
        except ValueError as error:
            raise ValueError(f"{glob_flag} {glob!r}: {error}") from None
    return tuple(found)


def path_text(path: str, cwd: str) -> str:
    """What path exclusions are matched against: `path` relative to the directory `cwd` (an
    absolute path) when it lies under it, else `path` as given; normalised (`a/./b`, `a//b`),
    with `/` separators and no leading `./`. The current directory itself is the empty text."""
    absolute = os.path.normpath(os.path.join(cwd, path))
    relative = os.path.relpath(absolute, cwd) if _under(absolute, cwd) else os.path.normpath(path)
    text = "" if relative == os.curdir else relative
    return text.replace(os.sep, "/") if os.sep != "/" else text


def _under(absolute: str, cwd: str) -> bool:
    root = os.path.join(cwd, "")
    return absolute == cwd or absolute.startswith(root)


# Translation -------------------------------------------------------------------------------------


def _url_regex(pattern: str) -> str:
    if not pattern:
        raise ValueError("the pattern is empty")
    scheme = pattern.find("://")
    # The scheme and host compare case-insensitively: up to the first `/` after them.
    start = scheme + 3 if scheme >= 0 else 0
    slash = pattern.find("/", start)
    fold = slash if slash >= 0 else len(pattern)
    regex = _join(_tokens(pattern, globstar=True, fold=fold), final=True) + r"\Z"
    if pattern.endswith("/**") and not pattern.endswith("//**"):
        # `X/**` also matches what `X` matches: the link to the directory itself.
        shorter = _join(_tokens(pattern[:-3], globstar=True, fold=fold), final=True)
        regex = f"(?:{regex}|{shorter}\\Z)"
    return r"\A" + ("" if scheme >= 0 else _SCHEME) + regex


def _path_regex(pattern: str) -> str:
    text = pattern.replace(os.sep, "/") if os.sep != "/" else pattern
    text = re.sub("/{2,}", "/", text)
    directory_only = text.endswith("/")
    text = text.rstrip("/") if text.strip("/") else text
    anchored = "/" in text
    while text.startswith("./"):
        text = text[2:]
    if text in ("", ".", "/"):
        raise ValueError("it names no file or directory")
    end = "/" if directory_only else "(?:/|\\Z)"
    if not anchored:
        # A name anywhere: one whole component (`**` is `*` here).
        return "(?:\\A|/)(?=[^/])" + _join(_tokens(text, globstar=False)) + end
    tokens: list[_Token] = []
    parts = text.split("/")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**" and last:
            # Everything below: the path goes on after the `/` already written.
            return "\\A" + _join(tokens) + ("[^/]+/" if directory_only else "")
        if part == "**":
            if not tokens or tokens[-1] != "dirs":  # `**/**/` is `**/`
                tokens.append("dirs")
            continue
        if part:  # (empty only before a leading `/`)
            tokens.append(_Fixed("(?=[^/])"))
            tokens += _tokens(part, globstar=False)
        if not last:
            tokens.append(_Fixed("/", slash=True))
    return "\\A" + _join(tokens) + end


def _tokens(pattern: str, *, globstar: bool, fold: int = 0) -> list[_Token]:
    """The pattern as tokens; runs of `*` become one star (`**` when `globstar` and longer than
    one). Characters before `fold` compare case-insensitively."""
    tokens: list[_Token] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "*":
            j = i
            while j < n and pattern[j] == "*":
                j += 1
            tokens.append("**" if globstar and j - i > 1 else "*")
            i = j
        elif char == "?":
            tokens.append(_Fixed("[^/]"))
            i += 1
        elif char == "[":
            regex, after = _class(pattern, i)
            tokens.append(_Fixed(regex, fold=i < fold))
            i = after
        else:
            tokens.append(_Fixed(re.escape(char), slash=char == "/", fold=i < fold))
            i += 1
    return tokens


def _class(pattern: str, start: int) -> tuple[str, int]:
    """The regex of the class that opens at `pattern[start]` (a `[`) and where the pattern goes on
    after it."""
    i = start + 1
    negated = i < len(pattern) and pattern[i] == "!"
    if negated:
        i += 1
    first = i
    if i < len(pattern) and pattern[i] == "]":
        i += 1  # a `]` first is a member
    close = pattern.find("]", i)
    if close < 0:
        raise ValueError(
            f"the [ at character {start + 1} is never closed (write [[] for a literal [)"
        )
    members = pattern[first:close]
    items: list[str] = []
    k = 0
    while k < len(members):
        if k + 2 < len(members) and members[k + 1] == "-":
            low, high = members[k], members[k + 2]
            if low > high:
                raise ValueError(f"the range {low}-{high} at character {first + k + 1} is reversed")
            items.append(f"{re.escape(low)}-{re.escape(high)}")
            k += 3
        else:
            items.append(re.escape(members[k]))
            k += 1
    return "(?!/)[" + ("^" if negated else "") + "".join(items) + "]", close + 1


def _join(tokens: list[_Token], *, final: bool = False) -> str:
    """The regex of a token list: fixed runs as they are, each star with the run after it, as an
    atomic group where that is exact (the module's docstring says when). `final`: the text ends
    where the tokens do."""
    head: list[_Fixed] = []
    pairs: list[tuple[_Star, list[_Fixed]]] = []
    for token in tokens:
        if isinstance(token, _Fixed):
            (pairs[-1][1] if pairs else head).append(token)
        else:
            pairs.append((token, []))
    regex = _run(head)
    index = 0
    while index < len(pairs):
        star, run = pairs[index]
        last = index == len(pairs) - 1
        if star == "*":
            regex += _GREEDY[star] + _run(run) if last else f"(?>{_LAZY[star]}{_run(run)})"
            index += 1
            continue
        following = [n for n in range(index + 1, len(pairs)) if pairs[n][0] == star]
        if following:
            # A `**` (or `**/`) and what comes before the next one: the first place it fits.
            inner = _LAZY[star] + _run(run) + _stars(pairs[index + 1 : following[0]])
            regex += f"(?>{inner})"
            index = following[0]
        elif star == "**" and final:
            # The last `**`, when the text ends with the pattern: what follows it holds a known
            # number of `/`, so it starts in a known component; go there at once.
            slashes = sum(token.slash for _, fixed in pairs[index:] for token in fixed)
            regex += rf"(?>(?:[^/]*+/)*(?=(?:[^/]*+/){{{slashes}}}[^/]*+\Z))"
            pairs[index] = ("*", run)
        else:
            regex += (_GREEDY if last else _LAZY)[star] + _run(run)
            index += 1
    return regex


def _stars(pairs: list[tuple[_Star, list[_Fixed]]]) -> str:
    """`*` stars and their runs inside an atomic group: the last one lazy, so that the group
    ends where it first can."""
    regex = ""
    for index, (star, run) in enumerate(pairs):
        if index == len(pairs) - 1:
            regex += _LAZY[star] + _run(run)
        else:
            regex += f"(?>{_LAZY[star]}{_run(run)})"
    return regex


def _run(fixed: list[_Fixed]) -> str:
    """The regex of a run of fixed tokens, those that fold grouped in one `(?i:…)`."""
    parts: list[str] = []
    for fold, group in itertools.groupby(fixed, key=lambda token: token.fold):
        text = "".join(token.regex for token in group)
        parts.append(f"(?i:{text})" if fold else text)
    return "".join(parts)
