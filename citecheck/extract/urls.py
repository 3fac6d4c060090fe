"""Finding URLs in running text, and turning what an author wrote into a target.

Where a bare URL ends is the question every link checker answers a little differently. Ours, for
articles that mix English and Chinese:

- a URL starts at `http://`, `https://` or `ftp://` (not glued to a preceding letter or digit),
  or at a scheme-less `www.` address, which is read as `https://`;
- it ends at white space, at `< > "` and backticks, at curly quotes and the general
  punctuation block (dashes, ellipses), and at any CJK character or full-width form
  (`「」『』（），。：；！？、` included), because Chinese prose runs straight into a URL;
- then trailing sentence punctuation (`. , : ; ! ? * _ ~ '`) is dropped, and so is a closing
  bracket that has no opening partner inside the URL: `(see https://a.org/x).` gives
  `https://a.org/x`, while `https://a.org/wiki/Foo_(bar)` keeps its balanced parentheses (the
  rule GitHub's autolinks follow).

A URL whose host cannot be right (`http://[::1`) is still reported, as invalid, so that nothing an
author wrote is lost; a `www.` that is not followed by a plausible host name is just a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

_CJK_AND_FULL_WIDTH = (
    "\u2e80-\u2fff"  # CJK radicals, Kangxi radicals, ideographic description
    "\u3000-\u303f"  # CJK symbols and punctuation: 、。「」『』【】〈〉
    "\u3040-\u33ff"  # kana, bopomofo, Hangul compatibility jamo, CJK enclosed and compatibility
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # Hangul jamo extended A
    "\uac00-\ud7ff"  # Hangul syllables and jamo extended B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\ufe10-\ufe1f"  # vertical forms
    "\ufe30-\ufe6f"  # CJK compatibility forms, small form variants
    "\uff00-\uffef"  # half-width and full-width forms: （），：；！？
    "\U00020000-\U0003ffff"  # CJK extensions B and later
)
# White space, controls, the characters no URL holds unescaped, general punctuation (dashes,
# curly quotes, ellipsis), guillemets, and CJK.
_STOP = '\\s\x00-\x1f\x7f-\x9f<>"`\u00ab\u00bb\u2000-\u206f' + _CJK_AND_FULL_WIDTH
_URL_BODY = re.compile(f"[^{_STOP}]+")
_URL_START = re.compile(r"(?i)(?:https?|ftp)://|www\.")
_TRAILING_PUNCTUATION = frozenset(".,:;!?*_~'")
_CLOSERS = {")": "(", "]": "[", "}": "{"}
# Characters that, right before a start, glue it to a word: `xhttp://`, `foo.www.bar`.
_GLUE = re.compile(r"[A-Za-z0-9+.\-_@/]")
_HOST_LABEL = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_SKIPPED_SCHEMES = frozenset({"javascript", "data", "about", "blob", "vbscript"})
_WEB_SCHEMES = frozenset({"http", "https", "ftp"})


@dataclass(frozen=True, slots=True)
class Found:
    """A URL found in running text."""

    start: int
    """Offset of its first character."""
    end: int
    """Offset just past its last character."""
    raw: str
    """The URL as written."""


def find_urls(text: str, start: int = 0, end: int | None = None) -> list[Found]:
    """Every bare URL in `text[start:end]`, with offsets into `text`."""
    stop = len(text) if end is None else end
    found: list[Found] = []
    pos = start
    while pos < stop:
        match = _URL_START.search(text, pos, stop)
        if match is None:
            break
        begin = match.start()
        if begin > 0 and begin > start and _GLUE.match(text[begin - 1]):
            pos = match.end()
            continue
        body = _URL_BODY.match(text, begin, stop)
        # _URL_START only matches characters _URL_BODY accepts, so body is never None here.
        finish = _trim(text, begin, body.end() if body else match.end())
        raw = text[begin:finish]
        if _plausible(raw):
            found.append(Found(begin, finish, raw))
            pos = finish
        else:
            pos = match.end()
    return found


def _trim(text: str, begin: int, finish: int) -> int:
    """Drop trailing sentence punctuation and unmatched closing brackets."""
    candidate = text[begin:finish]
    balance = {
        closer: candidate.count(closer) - candidate.count(opener)
        for closer, opener in _CLOSERS.items()
    }
    while finish > begin:
        last = text[finish - 1]
        if last in _TRAILING_PUNCTUATION:
            finish -= 1
        elif last in _CLOSERS and balance[last] > 0:
            balance[last] -= 1
            finish -= 1
        else:
            break
    return finish


def _plausible(raw: str) -> bool:
    """Whether a match is a URL an author meant, valid or not."""
    lowered = raw.lower()
    if lowered.startswith("www."):
        host = re.split(r"[/?#:]", raw, maxsplit=1)[0]
        labels = host.split(".")
        return (
            len(labels) >= 3
            and all(_HOST_LABEL.match(label) for label in labels)
            and not labels[-1].isdigit()
        )
    _, separator, rest = raw.partition("://")
    return bool(separator and rest) and rest[0] not in "/?#"


@dataclass(frozen=True, slots=True)
class Target:
    """What a link points at, once what the author wrote is interpreted."""

    url: str | None
    """The absolute URL, when there is one and it is valid."""
    local: str | None = None
    """A relative target (path, `#fragment`) when there is no base URL."""
    invalid: str | None = None
    """Why the target is not a valid URL."""


def interpret(written: str, base_url: str | None = None, *, bare: bool = False) -> Target | None:
    """Interpret a link target (already unescaped); None for targets that are not sources.

    `bare` marks a URL found in running text, where `www.example.org` means a web address; in an
    `href` it is a relative path, as browsers read it.
    """
    target = written.strip(" \t\r\n\f")
    if not target:
        return None
    scheme_match = _SCHEME.match(target)
    scheme = scheme_match.group(1).lower() if scheme_match else None
    if scheme is not None and len(scheme) == 1:
        scheme = None  # a Windows drive letter, `C:\path`: a local path
    if scheme in _SKIPPED_SCHEMES:
        return None
    if scheme is None and bare and target.lower().startswith("www."):
        target, scheme = "https://" + target, "https"
    if scheme is None:
        if target.startswith("//") and not base_url:
            target, scheme = "https:" + target, "https"
        elif base_url:
            try:
                return _validated(urljoin(base_url, target))
            except ValueError as error:
                return Target(None, invalid=f"cannot resolve against the base URL: {error}")
        else:
            return Target(None, local=target)
    if scheme in _WEB_SCHEMES:
        return _validated(target)
    return Target(target)


def _validated(url: str) -> Target:
    """A web URL, or why it is not one."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError as error:
        return Target(None, invalid=str(error))
    if parts.scheme.lower() in _WEB_SCHEMES and not parts.hostname:
        return Target(None, invalid="no host name")
    return Target(url)
