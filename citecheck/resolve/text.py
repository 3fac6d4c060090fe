"""Words of titles, URLs and sentences, for finding the page a citation means: pure functions.

A publisher's URL usually carries the title as a slug (`/joint-statement-on-the-united-states-
ukraine-meeting-in-jeddah/`), so a cited title can be turned into the URL it probably has, and a
URL found in an index can be scored by how much of the title its slug holds. A citation without a
title ("(Associated Press, 15 March 2025)") is scored by the key terms of the sentence and the
paragraph that cite it instead.

Only Latin-script words count: a slug is ASCII, and CJK text has no word boundaries to compare.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import unquote, urlsplit

from rapidfuzz import fuzz, process

_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """`text` in lower case, accents removed (NFKD, combining marks dropped), full-width forms
    made half-width: "São Paulo" -> "sao paulo", "ＡＰ" -> "ap"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slugify(title: str) -> str:
    """The slug most publishers would give `title`: folded to lower-case ASCII, apostrophes
    dropped ("Trump's" -> "trumps"), every other run of characters that are not letters or
    digits (spaces, dashes of every kind, punctuation, CJK) made one hyphen, no hyphen at
    either end. "Joint Statement on the United States-Ukraine Meeting in Jeddah" ->
    "joint-statement-on-the-united-states-ukraine-meeting-in-jeddah"."""
    text = _APOSTROPHES.sub("", fold(title))
    return _NOT_ALNUM.sub("-", text).strip("-")


# Function words: they carry no topic, and a slug keeps or drops them at the publisher's whim.
STOPWORDS: frozenset[str] = frozenset(
    {
        "a", "about", "above", "across", "after", "again", "against", "all", "almost", "along",
        "also", "although", "am", "amid", "among", "an", "and", "another", "any", "are", "around",
        "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
        "by", "can", "cannot", "could", "did", "do", "does", "doing", "done", "down", "during",
        "each", "either", "else", "ever", "every", "few", "for", "from", "further", "had", "has",
        "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how",
        "however", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "least", "less",
        "many", "me", "might", "more", "most", "much", "must", "my", "myself", "neither", "new",
        "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "onto", "or", "other",
        "others", "our", "ours", "ourselves", "out", "over", "own", "per", "quite", "rather",
        "said", "same", "say", "says", "shall", "she", "should", "since", "so", "some", "such",
        "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
        "therefore", "these", "they", "this", "those", "though", "through", "thus", "to", "too",
        "toward", "towards", "under", "unless", "until", "up", "upon", "us", "very", "via", "was",
        "we", "were", "what", "whatever", "when", "whenever", "where", "whether", "which", "while",
        "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you",
        "your", "yours", "yourself", "yourselves", "cant", "couldnt", "didnt", "doesnt", "dont",
        "hadnt", "hasnt", "havent", "isnt", "shouldnt", "wasnt", "werent", "wont", "wouldnt"
    }
)  # fmt: skip

# Whole path segments before the slug that name a site's section, language or host, not a page.
SECTION_WORDS: frozenset[str] = frozenset(
    {
        "article", "articles", "news", "latest", "releases", "release", "office", "of", "the",
        "spokesperson", "en", "pt", "es", "fr", "de", "world", "us", "politics", "story", "stories",
        "content", "press", "briefings", "statements", "remarks", "home", "index", "www", "amp"
    }
)  # fmt: skip

_MONTHS = frozenset(
    {
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
        "sept", "oct", "nov", "dec"
    }
)  # fmt: skip
_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)

# Words every news sentence has: as key terms they would match any page of the same outlet.
_GENERIC = frozenset(
    {
        "president", "minister", "government", "official", "officials", "country", "countries",
        "people", "year", "years", "week", "day", "time", "stated", "statement", "told", "added",
        "called", "including", "well", "even", "already", "still", "first", "last", "two", "three"
    }
)  # fmt: skip

_FILE_EXTENSION = re.compile(r"\.(?:html?|shtml|php|aspx?|jsp|cms)$", re.IGNORECASE)
_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HEX = frozenset("0123456789abcdef")
# A word of the original text, apostrophes inside it included ("Witkoff's" is one word).
_ORIGINAL_WORD = re.compile(r"[^\W_]+(?:['’ʼ`´][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?…。！？]")
# A full stop after these does not end a sentence: "Mr. Putin", "U.S. envoy Steve Witkoff".
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "prof"}
)

# Two words of at least this length may differ by a letter or two and still be one word
# ("zelensky" / "zelenskyy"); shorter ones differ in meaning ("war" / "was").
_FUZZY_MIN_LENGTH = 5
_FUZZY_MIN_RATIO = 85.0


def words(text: str) -> list[str]:
    """The Latin-script words of `text`, in order, duplicates kept: folded as by `fold`,
    apostrophes dropped as by `slugify`, split on every run of characters other than `a-z` and
    `0-9` (so CJK yields nothing). "São Paulo's 30-day plan" -> ["sao", "paulos", "30", "day",
    "plan"]."""
    return [word for word in _NOT_ALNUM.split(_APOSTROPHES.sub("", fold(text))) if word]


def content_words(text: str) -> list[str]:
    """`words(text)` without STOPWORDS and one-character tokens; numbers stay ("30")."""
    return [word for word in words(text) if len(word) > 1 and word not in STOPWORDS]


def _path_of(url: str) -> str:
    """The path of `url`, which may lack its scheme ("apnews.com/article/x")."""
    url = url.strip()
    if not _HAS_SCHEME.match(url) and not url.startswith("//"):
        # Without a scheme, urlsplit would read the host as the first path segment.
        url = "//" + url
    try:
        return urlsplit(url).path
    except ValueError:
        # An unparsable host ("http://[::1/x"); the path still begins after it.
        rest = url.split("//", 1)[-1].partition("/")[2]
        return "/" + re.split(r"[?#]", rest, maxsplit=1)[0]


def _is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and 1990 <= int(token) <= 2099


def _is_small_number(token: str) -> bool:
    return len(token) <= 2 and token.isdigit()


def _is_id(token: str) -> bool:
    """Whether `token` is a database id rather than a word: a long number (`52241221`) or a
    hexadecimal string with a digit in it (AP's 32-character ids)."""
    if token.isdigit():
        return len(token) >= 5
    return len(token) >= 8 and set(token) <= _HEX and any(c.isdigit() for c in token)


def _without_dates(tokens: list[str]) -> list[str]:
    """`tokens` without dates written into a slug ("talks-2025-03-14"): a year and the one or two
    small numbers next to it. A year alone stays, as titles have them ("budget-2025")."""
    dropped: set[int] = set()
    for index, token in enumerate(tokens):
        if not _is_year(token):
            continue
        left = right = index
        while left > 0 and index - left < 2 and _is_small_number(tokens[left - 1]):
            left -= 1
        while right + 1 < len(tokens) and right - index < 2 and _is_small_number(tokens[right + 1]):
            right += 1
        if left < index or right > index:
            dropped.update(range(left, right + 1))
    return [token for index, token in enumerate(tokens) if index not in dropped]


def _title_segments(url: str) -> list[list[str]]:
    """The words of each path segment of `url` that may carry a title, empty segments left out;
    the last one is the slug."""
    segments = [unquote(segment) for segment in _path_of(url).split("/") if segment]
    if not segments:
        return []
    segments[-1] = _FILE_EXTENSION.sub("", segments[-1])
    last = len(segments) - 1
    kept: list[list[str]] = []
    for index, segment in enumerate(segments):
        tokens = words(segment)
        if all(token.isdigit() for token in tokens):
            continue  # "/2025/03/14/" is a date, "/52241221" an id: neither is a title
        if index < last and (
            all(token in SECTION_WORDS for token in tokens)
            or (len(tokens) == 1 and tokens[0] in _MONTHS)
        ):
            continue  # "/releases/", "/latest-news/"; "/2025/mar/14/" on the Guardian
        if index == last and tokens in (["index"], ["default"]):
            continue  # "/slug/index.html": the file name, the title is the folder's
        tokens = _without_dates([token for token in tokens if not _is_id(token)])
        if (
            index == last
            and len(tokens) >= 2
            and _is_small_number(tokens[-1])
            and not tokens[-2].isdigit()
        ):
            tokens.pop()  # state.gov numbers repeated titles: "remarks-to-press-5"
        if tokens:
            kept.append(tokens)
    return kept


def url_words(url: str) -> list[str]:
    """The words of `url`'s path that can carry a title, in order: not the host, query or
    fragment; no file extension, ids (`52241221`, AP's hex ids), date segments (`/2025/03/14/`)
    or dates in the slug, state.gov's trailing repeat number (`remarks-to-press-5`), and no
    segment before the last made only of SECTION_WORDS (`/releases/`, `/latest-news/`).
    "https://apnews.com/article/putin-witkoff-talks-3f1c5c0e4b6a4f0e9d2e1c7a8b9d0e1f" ->
    ["putin", "witkoff", "talks"]."""
    return [word for segment in _title_segments(url) for word in segment]


def _same_word(a: str, b: str) -> bool:
    """Whether `a` and `b` are one word: equal, one the plural of the other ("talk" / "talks"),
    or both long and spelled nearly alike ("zelensky" / "zelenskyy")."""
    if a == b or a + "s" == b or b + "s" == a:
        return True
    return (
        len(a) >= _FUZZY_MIN_LENGTH
        and len(b) >= _FUZZY_MIN_LENGTH
        and fuzz.ratio(a, b) >= _FUZZY_MIN_RATIO
    )


def title_score(title: str, url: str) -> float:
    """0 to 100: how well the slug of `url` matches the cited `title`, as the F1 of their content
    words matched one to one (equal, plural, or nearly alike when long). 100 when the slug is
    the title; 0 when either has no content words. Words of the path before the slug
    (`/planalto/`) count when they match a title word and are not held against the URL when
    they do not, as they name a section rather than the page."""
    wanted = content_words(title)
    segments = _title_segments(url)
    if not wanted or not segments:
        return 0.0
    slug = content_words(" ".join(segments[-1]))
    context = content_words(" ".join(word for segment in segments[:-1] for word in segment))
    pool = slug + context
    if not pool:
        return 0.0
    used = [False] * len(pool)
    matched = matched_context = 0
    pending = wanted
    # Equal words first, so that a near match cannot take the word another title word equals.
    for exact in (True, False):
        unmatched: list[str] = []
        for word in pending:
            found = next(
                (
                    k
                    for k, candidate in enumerate(pool)
                    if not used[k] and (word == candidate if exact else _same_word(word, candidate))
                ),
                None,
            )
            if found is None:
                unmatched.append(word)
                continue
            used[found] = True
            matched += 1
            matched_context += found >= len(slug)
        pending = unmatched
    if not matched:
        return 0.0
    recall = matched / len(wanted)
    precision = matched / (len(slug) + matched_context)
    return 100.0 * 2 * precision * recall / (precision + recall)


def _proper_nouns(text: str) -> set[str]:
    """The folded words of `text` written with a capital initial somewhere other than at the
    start of a sentence, where every word has one."""
    text = unicodedata.normalize("NFC", text)  # so that "ã" is one letter to the regex
    found: set[str] = set()
    previous: str | None = None
    previous_end = 0
    for match in _ORIGINAL_WORD.finditer(text):
        gap = text[previous_end : match.start()]
        starts_sentence = previous is None or (
            _SENTENCE_END.search(gap) is not None
            and not (
                gap.startswith(".") and (len(previous) == 1 or fold(previous) in _ABBREVIATIONS)
            )
        )
        token = match.group()
        if token[0].isupper() and not starts_sentence:
            parts = words(token)
            if parts:
                found.add(parts[0])
        previous, previous_end = token, match.end()
    return found


def key_terms(
    sentence: str, paragraph: str, *, exclude: str = "", limit: int = 12
) -> list[tuple[str, float]]:
    """Up to `limit` terms saying what the citing `sentence` is about, with their weights,
    strongest first (ties in order of first use). The candidates are the content words of
    `paragraph` (which holds `sentence`; if it does not, of both), without the words of
    `exclude` (the citation itself: "Associated Press, 15 March 2025"), month and weekday names,
    numbers, and words every news story has ("president", "officials"). A term weighs its
    number of uses in the paragraph, plus 1 if the sentence uses it, plus 1 if it is written as
    a proper noun (capital initial not at a sentence start: "Witkoff"). A plural is merged into
    its singular when both occur ("proposals" into "proposal")."""
    if limit <= 0:
        return []
    squeezed = " ".join(sentence.split())
    body = paragraph if squeezed in " ".join(paragraph.split()) else f"{paragraph} {sentence}"
    banned = set(content_words(exclude)) | _MONTHS | _WEEKDAYS | _GENERIC
    uses: dict[str, int] = {}
    first: dict[str, int] = {}
    for position, word in enumerate(content_words(body)):
        if word in banned or word.isdigit():
            continue
        uses[word] = uses.get(word, 0) + 1
        first.setdefault(word, position)
    in_sentence = set(content_words(sentence))
    proper = _proper_nouns(body)

    weights: dict[str, float] = {}
    order: dict[str, int] = {}
    flags: dict[str, tuple[bool, bool]] = {}
    for word, count in uses.items():
        term = word[:-1] if word.endswith("s") and word[:-1] in uses else word
        weights[term] = weights.get(term, 0.0) + count
        order[term] = min(order.get(term, first[word]), first[word])
        said, named = flags.get(term, (False, False))
        flags[term] = (said or word in in_sentence, named or word in proper)
    for term, (said, named) in flags.items():
        weights[term] += float(said) + float(named)
    ranked = sorted(weights, key=lambda term: (-weights[term], order[term]))
    return [(term, weights[term]) for term in ranked[:limit]]


def terms_score(terms: Sequence[tuple[str, float]], words_: Iterable[str]) -> float:
    """0 to 1: the weighted share of `terms` (as from `key_terms`) found in `words_` (folded
    words, as from `words`), a term counting as found when a word equals it, is its plural or
    singular, or is nearly alike when both are long ("zelensky" / "zelenskyy"). 0.0 for no terms
    or no positive weight."""
    total = sum(weight for _, weight in terms if weight > 0)
    if total <= 0:
        return 0.0
    vocabulary = set(words_)
    long_words = [word for word in vocabulary if len(word) >= _FUZZY_MIN_LENGTH]

    def present(term: str) -> bool:
        if term in vocabulary or term + "s" in vocabulary:
            return True
        if term.endswith("s") and term[:-1] in vocabulary:
            return True
        return (
            len(term) >= _FUZZY_MIN_LENGTH
            and process.extractOne(
                term, long_words, scorer=fuzz.ratio, score_cutoff=_FUZZY_MIN_RATIO
            )
            is not None
        )

    found = sum(weight for term, weight in terms if weight > 0 and present(term))
    return min(1.0, found / total)
