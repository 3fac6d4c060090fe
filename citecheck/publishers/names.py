"""Names as citecheck compares them, and the tries that find them in text.

A name is compared after a per-character normalisation (`fold_char`): NFKC (full-width forms to
half-width), case folding, any space or hyphen to one space, dots and invisible format characters
dropped (`U.S.` = `US`). Because each character of the text folds on its own, text can be scanned
without copying it, and every offset reported is an offset into the text as given. `forward`
walks a trie from a start offset, `backward` walks a trie of reversed names from an end offset;
`starts_pattern` lets a regular expression skip to where a name can start.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citecheck.publishers.registry import Publisher

_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3040, 0x31FF),  # kana, Bopomofo, Hangul compatibility Jamo
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width katakana
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)
_CJK_CLASS = "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _CJK_RANGES)
_FOLDED: dict[str, str] = {}
_QUOTES = frozenset("\"'“”‘’„‟«»‹›《》〈〉「」『』〝〞＂＇")
_TRAILING = frozenset(".,;:!?。，、；：！？…")
_PAIRS = {"(": ")", "（": "）", "[": "]", "【": "】", "〔": "〕"}


def _fold_one(c: str) -> str:
    if c.isspace() or c in "-\u2010":  # Al-Jazeera = Al Jazeera; Agence France-Presse
        return " "
    if c in "‘’ʼ′`":
        return "'"
    if c == "." or unicodedata.category(c) == "Cf":  # U.S. = US; invisible format characters
        return ""
    return c


def fold_char(ch: str) -> str:
    """One character of text as it is compared: NFKC, case-folded; possibly empty or longer."""
    folded = _FOLDED.get(ch)
    if folded is None:
        folded = "".join(_fold_one(c) for c in unicodedata.normalize("NFKC", ch).casefold())
        _FOLDED[ch] = folded
    return folded


def fold(text: str) -> str:
    """`text` folded character by character, runs of spaces collapsed, ends trimmed."""
    out: list[str] = []
    space = True
    for ch in text:
        for c in fold_char(ch):
            if c == " ":
                if space:
                    continue
                space = True
            else:
                space = False
            out.append(c)
    return "".join(out).rstrip(" ")


def unwrap(name: str) -> str:
    """`name` without surrounding quotes, 《》 or brackets and without trailing punctuation."""
    s = name.strip()
    while s:
        if s[0] in _QUOTES:
            s = s[1:].strip()
        elif s[-1] in _QUOTES or s[-1] in _TRAILING:
            s = s[:-1].strip()
        elif _PAIRS.get(s[0]) == s[-1] and len(s) > 1:
            s = s[1:-1].strip()
        else:
            break
    return s


def name_key(name: str) -> str:
    """The normalised form under which a whole name is looked up."""
    key = fold(unwrap(name))
    return key[4:] if key.startswith("the ") else key


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def is_word(ch: str) -> bool:
    """A character that continues a Latin-style word (CJK characters never do)."""
    return (ch.isalnum() or unicodedata.category(ch).startswith("M")) and not _is_cjk(ch)


def letters(text: str) -> str:
    """The letters of `text` in NFKC, case kept."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalpha())


@dataclass(frozen=True, slots=True)
class Alias:
    """One normalised name in a trie."""

    publisher: Publisher
    """Whom the name belongs to."""
    bounded_start: bool
    """The name starts with a word character, so it must not follow one."""
    bounded_end: bool
    """The name ends with a word character, so it must not be followed by one."""
    shapes: tuple[str, ...] | None
    """For a name that is also an ordinary word: the letters of its spellings, whose capitals the
    text must have. None for other names."""


@dataclass(slots=True)
class Node:
    """A trie node: the next characters, and the name that ends here, if any (mutable only while
    the registry builds its tries)."""

    children: dict[str, Node] = field(default_factory=dict)
    """Next normalised character to node."""
    alias: Alias | None = None
    """The name that ends at this node."""


def insert(root: Node, key: str, alias: Alias) -> None:
    """Add the name `key` (already normalised) to the trie at `root`."""
    node = root
    for c in key:
        node = node.children.setdefault(c, Node())
    node.alias = alias


def shape(spelling: str) -> str:
    """The letters of a spelling, without a leading "The", whose capitals text must repeat."""
    name = unwrap(spelling)
    words = name.split(maxsplit=1)
    if len(words) == 2 and words[0].casefold() == "the":
        name = words[1]
    return letters(name)


def _shape_fits(span: str, shapes: tuple[str, ...]) -> bool:
    """Whether `span` has the capitals of one of the registry's spellings, or is all capitals."""
    written = letters(span)
    if written.isupper():
        return True
    return any(
        len(s) == len(written)
        and all(w.isupper() for c, w in zip(s, written, strict=True) if c.isupper())
        for s in shapes
    )


def _fits(alias: Alias, text: str, start: int, end: int) -> bool:
    """Whether the name may stand at `text[start:end]`: word boundaries, and capitals."""
    if alias.bounded_start and start > 0 and is_word(text[start - 1]):
        return False
    if alias.bounded_end and end < len(text) and is_word(text[end]):
        return False
    return alias.shapes is None or _shape_fits(text[start:end], alias.shapes)


def forward(root: Node, text: str, start: int, limit: int) -> tuple[Alias, int] | None:
    """The longest name that `text[start:limit]` begins with, and where it ends."""
    cached = _FOLDED.get  # the hot loop of find_all: no function call per character
    first = cached(text[start]) if start < limit else ""
    if first is None:
        first = fold_char(text[start])
    node = root.children.get(first[:1]) if first else None
    if node is None:
        return None
    node, best, space = root, None, False
    for pos in range(start, limit):
        ch = text[pos]
        folded = cached(ch)
        if folded is None:
            folded = fold_char(ch)
        for c in folded:
            if c == " ":
                if space:
                    continue
                space = True
            else:
                space = False
            found = node.children.get(c)
            if found is None:
                return best
            node = found
        # Only a character that added something can end a name: `AP.` ends after the P.
        if folded and node.alias is not None and _fits(node.alias, text, start, pos + 1):
            best = (node.alias, pos + 1)
    return best


def backward(root: Node, text: str, end: int, lower: int) -> tuple[Alias, int] | None:
    """The longest name that ends exactly at `end` and starts at or after `lower`."""
    if end <= lower or not fold_char(text[end - 1]):
        return None
    node, best, space = root, None, False
    for pos in range(end - 1, lower - 1, -1):
        folded = fold_char(text[pos])
        for c in reversed(folded):
            if c == " ":
                if space:
                    continue
                space = True
            else:
                space = False
            found = node.children.get(c)
            if found is None:
                return best
            node = found
        if folded and node.alias is not None and _fits(node.alias, text, pos, end):
            best = (node.alias, pos)
    return best


def after_the(text: str, start: int, limit: int) -> int | None:
    """Where the name starts if `text[start:]` is a word "the" and spaces, else None."""
    if start + 4 > limit or fold_char(text[start]) != "t" or not text[start + 3].isspace():
        return None
    if fold(text[start : start + 3]) != "the":
        return None
    if start > 0 and is_word(text[start - 1]):
        return None
    position = start + 3
    while position < limit and text[position].isspace():
        position += 1
    return position


def the_before(text: str, start: int, lower: int) -> int:
    """`start`, moved back over a word "the" and spaces right before it."""
    position = start
    while position > lower and text[position - 1].isspace():
        position -= 1
    the = position - 3
    if position == start or the < lower or fold(text[the:position]) != "the":
        return start
    return the if the == 0 or not is_word(text[the - 1]) else start


def abbreviation_dot(text: str, start: int, end: int, limit: int) -> int:
    """`end`, moved past the final dot of an abbreviation such as `U.S.`."""
    dotted = end - start >= 3 and text[end - 2] == "."
    return end + 1 if dotted and end < limit and text[end] == "." else end


@functools.cache
def _unfolded() -> dict[str, str]:
    """Normalised first character to the characters that fold to something starting with it."""
    sources: dict[str, list[str]] = {}
    # The Basic Multilingual Plane only: a character class holding astral characters (such as
    # the mathematical alphanumerics) makes every step of the regular expression slow.
    for low, high in ((0x80, 0xD800), (0xE000, 0x10000)):
        for code in range(low, high):
            ch = chr(code)
            folded = "".join(_fold_one(c) for c in unicodedata.normalize("NFKC", ch).casefold())
            if folded and folded[0] != ch:
                sources.setdefault(folded[0], []).append(ch)
    for code in range(0x41, 0x5B):  # ASCII capitals
        sources.setdefault(chr(code + 32), []).append(chr(code))
    return {first: "".join(chars) for first, chars in sources.items()}


def openings(root: Node) -> frozenset[tuple[str, str]]:
    """The first two characters of every name in the trie at `root` ((c, "") for a name of one
    character), and ("t", "h") for a leading "the"."""
    pairs = {("t", "h")}
    for c, node in root.children.items():
        pairs.update((c, d) for d in node.children)
        if node.alias is not None:
            pairs.add((c, ""))
    return frozenset(pairs)


def starts_pattern(heads: Iterable[str]) -> re.Pattern[str]:
    """Where a name can start: a word start for Latin-style names, anywhere for CJK ones."""
    unfolded = _unfolded()
    word: set[str] = set()
    other: set[str] = set()
    for head in heads:
        (word if is_word(head) else other).update(head + unfolded.get(head, ""))
    # Astral characters (a user's CJK extension B name) go in a class of their own, for the
    # reason above; match_at checks their word boundaries.
    astral = {c for c in word | other if ord(c) > 0xFFFF}
    parts = [
        f"[{re.escape(''.join(sorted(chars)))}]" for chars in (other - astral, astral) if chars
    ]
    if word - astral:
        chars = re.escape("".join(sorted(word - astral)))
        parts.append(f"(?<![^\\W_])[{chars}]|(?<=[{_CJK_CLASS}])[{chars}]")
    return re.compile("|".join(parts) or "(?!)")
