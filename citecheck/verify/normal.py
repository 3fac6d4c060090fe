"""Text as quotes are compared: normalised (quotation marks, dashes, case, accents, full-width
forms, punctuation), with a map back to the original characters; and the script and language a
text is written in. Pure.

Policy. Quote and source are normalised alike, so that what is compared is the words, not how
they were typed. Compatibility forms are folded (NFKC: full-width "ＡＢＣ" and "，" are the ASCII
ones), case is folded, and accents are dropped: quotes lose and gain them with the keyboard, and
Hebrew or Arabic vowel points are optional. Quotation marks and apostrophes of every kind go
(editors and CMSs swap “ ” for " and 「 」 for “ ”); dashes become one hyphen with no space
around it (house styles differ on " — " and "—"); whitespace runs become one space; punctuation
that carries no words (.,;:!?、。…) is dropped without leaving a space, because Chinese is written
without spaces and a quote may leave a comma out. A point between digits stays: "3.5" is not
"35".
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from functools import lru_cache

_QUOTE_MARKS = frozenset("\"'“”‘’‛‟«»‹›„‚「」『』〝〞〟＂＇`´ʼʹʻ")
_DASHES = frozenset("-‐‑‒–—―−﹘﹣－⸺⸻")
_KEPT_PUNCTUATION = frozenset("%‰‱&@#/")
_POINT = "\x00"  # stands for "." or "," until we know whether it sits between two digits
# Kana voicing marks change the word (か/が), unlike Latin accents: kept within a character.
_KANA_MARKS = frozenset("\u3099\u309a")
_GAPS = re.compile(r"[ -]{2,}|^[ -]+|[ -]+\Z")
CJK_CHAR = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
"""Chinese and Japanese characters (kana, ideographs), as the inside of a regex's [...]."""
_CJK_RANGES = (
    (0x1100, 0x11FF), (0x3005, 0x3007), (0x3040, 0x30FF), (0x3100, 0x318F), (0x31A0, 0x31FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F), (0x20000, 0x3FFFF),
)  # fmt: skip
# A CJK character says about as much as a short Latin word; counted one for one, the Latin
# names and acronyms of a Chinese page would outvote its text.
_CJK_WEIGHT = 3
_DOMINANT = 0.6
_SCRIPT_SAMPLE = 50_000
CJK_LANGUAGES = frozenset({"zh", "ja", "ko", "yue", "cmn", "wuu", "lzh", "hak", "nan", "gan"})
"""The primary subtags of the languages written in Chinese, Japanese or Korean script."""
_LANGUAGE_NAMES = {
    "en": "English", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "fr": "French",
    "de": "German", "es": "Spanish", "pt": "Portuguese", "it": "Italian", "ru": "Russian",
    "uk": "Ukrainian", "pl": "Polish", "nl": "Dutch", "tr": "Turkish", "ar": "Arabic",
    "he": "Hebrew",
}  # fmt: skip
# Words that make Latin-script text English for the evidence line, and rarely occur in others.
_ENGLISH = frozenset({"the", "and", "of", "that", "for", "with", "was", "are", "this", "from"})


def _without_marks(text: str) -> str:
    """Decomposed `text` without its combining marks, except kana voicing marks after kana."""
    return "".join(
        char
        for at, char in enumerate(text)
        if not unicodedata.combining(char)
        or (char in _KANA_MARKS and at > 0 and "\u3040" <= text[at - 1] <= "\u30ff")
    )


@lru_cache(maxsize=65536)
def _fold(char: str) -> str:
    """What `char` becomes when quotes are compared: "" when it is dropped, `_POINT` for "."
    and "," (which stay only between digits). Marks are dropped from every character, not
    from a cluster of a letter and its marks, so that the outcome for a character does not
    depend on its neighbours: a quote found inside a source stays found after normalising."""
    bare = _without_marks(unicodedata.normalize("NFKD", char)).casefold()
    # Case folding can bring marks back ("İ" -> "i̇"), hence the second pass.
    bare = unicodedata.normalize("NFC", _without_marks(unicodedata.normalize("NFKD", bare)))
    out: list[str] = []
    for part in bare:
        if part.isspace():
            out.append(" ")
        elif part in _QUOTE_MARKS:
            continue
        elif part in _DASHES or unicodedata.category(part) == "Pd":
            out.append("-")
        elif part in ".,":
            out.append(_POINT)
        elif part in _KEPT_PUNCTUATION or unicodedata.category(part)[0] not in "PC":
            out.append(part)  # letters, digits, symbols ("€"), "%" and the like
    return "".join(out)


def _squeeze(text: str, starts: array[int]) -> tuple[str, array[int]]:
    """`text` with each run of spaces and dashes made one "-" if it has a dash, else one space,
    and none at either end; `starts` follow their characters."""
    parts: list[str] = []
    kept: array[int] = array("q")
    last = 0
    for match in _GAPS.finditer(text):
        a, b = match.span()
        parts.append(text[last:a])
        kept.extend(starts[last:a])
        last = b
        if a > 0 and b < len(text):
            run = match.group()
            parts.append("-" if "-" in run else " ")
            kept.append(starts[a + run.index(parts[-1])])
    parts.append(text[last:])
    kept.extend(starts[last:])
    return "".join(parts), kept


def normalise_mapped(text: str) -> tuple[str, array[int]]:
    """`normalise(text)`, and where in `text` each of its characters comes from."""
    folds = {char: _fold(char) for char in set(text)}
    table = {ord(char): folded for char, folded in folds.items()}
    # Most characters become one character: those are translated a run at a time, in C.
    special = "".join(re.escape(c) for c, f in folds.items() if len(f) != 1 or f == _POINT)
    parts: list[str] = []
    starts: array[int] = array("q")
    position, last = 0, ""
    for match in re.finditer(f"[{special}]+", text) if special else ():
        a, b = match.span()
        if a > position:
            parts.append(text[position:a].translate(table))
            starts.extend(range(position, a))
            last = parts[-1][-1]
        position = b
        folded_run = match.group().translate(table)
        if _POINT not in folded_run:
            if folded_run:
                parts.append(folded_run)
                for at in range(a, b):
                    starts.extend([at] * len(folds[text[at]]))
                last = folded_run[-1]
            continue
        for at in range(a, b):
            folded = folds[text[at]]
            for k, char in enumerate(folded):
                if char == _POINT:
                    following = folded[k + 1 : k + 2] or folds.get(text[at + 1 : at + 2], "")[:1]
                    if not (last.isdigit() and following.isdigit()):
                        continue
                last = "." if char == _POINT else char  # a decimal point: "3.5" is not "35"
                parts.append(last)
                starts.append(at)
    if position < len(text):
        parts.append(text[position:].translate(table))
        starts.extend(range(position, len(text)))
    return _squeeze("".join(parts), starts)


def normalise(text: str) -> str:
    """`text` as quotes are compared: NFKC, case folded, accents, quotation marks and
    punctuation dropped, dashes one "-" with no space around, whitespace one space, no space
    at either end. "“Lasting  Peace,” — for Ukraine." -> "lasting peace-for ukraine"."""
    return normalise_mapped(text)[0]


@lru_cache(maxsize=65536)
def _script_key(char: str) -> str:
    """'latin', 'cjk', the Unicode script word of another letter ('cyrillic'), or '' for a
    character that is not a letter."""
    if not unicodedata.category(char).startswith("L"):
        return ""
    code = ord(char)
    if any(low <= code <= high for low, high in _CJK_RANGES):
        return "cjk"
    word = unicodedata.name(char, "").split(" ", 1)[0].lower()
    return word if word and word != "latin" else ("latin" if word else "other")


def dominant(normalised: str) -> str:
    """The script of most of the letters of `normalised` text (a key of `_script_key`),
    'mixed' when none has `_DOMINANT` of them, 'none' without letters."""
    step = max(1, len(normalised) // _SCRIPT_SAMPLE)
    counts: dict[str, int] = {}
    for char in normalised[::step]:
        key = _script_key(char)
        if key:
            counts[key] = counts.get(key, 0) + (_CJK_WEIGHT if key == "cjk" else 1)
    if not counts:
        return "none"
    best = max(counts, key=lambda key: counts[key])
    return best if counts[best] >= _DOMINANT * sum(counts.values()) else "mixed"


def script_of(text: str) -> str:
    """The script of most of the letters of `text`: 'cjk' (Chinese, Japanese, Korean), 'latin',
    'other' (Cyrillic, Arabic, ...), 'mixed' when none has 60% of them (a CJK character
    counting as three letters), or 'none' when `text` has no letters."""
    key = dominant(normalise(text))
    return key if key in ("cjk", "latin", "mixed", "none") else "other"


def describe(normalised: str, key: str, language: str | None) -> str:
    """What language or script `normalised` text is in, for the evidence line."""
    if language:
        return _LANGUAGE_NAMES.get(language, f"the language '{language}'")
    if key == "cjk":
        if re.search("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]", normalised):
            return "Korean"
        return "Japanese" if re.search("[\u3040-\u30ff]", normalised) else "Chinese"
    if key == "latin":
        words = normalised[:_SCRIPT_SAMPLE].split(" ")
        hits = [word for word in words if word in _ENGLISH]
        enough = 1 if len(words) <= 12 else 2  # a short quote may have a single one
        english = len(set(hits)) >= enough and len(hits) >= 0.1 * len(words)
        return "English" if english else "a Latin-script language"
    return f"{key.capitalize()} script" if key not in ("mixed", "none") else "mixed scripts"


def primary(language: str | None) -> str | None:
    """The primary subtag of a language tag, lower case: 'zh-Hant' -> 'zh'."""
    subtag = re.split(r"[-_\s]", (language or "").strip().lower(), maxsplit=1)[0]
    return subtag if subtag.isascii() and subtag.isalpha() else None
