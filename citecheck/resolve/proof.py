"""Proving that a page is the one a citation means: its title, date and site against what the
citation says. Pure.

A URL that looks right is not proof. State.gov has a dozen pages titled "Secretary of State Marco
Rubio Remarks to Press", one for each day he spoke to the press; AP publishes a dozen stories a
day with "Putin" and "ceasefire" in them. So a candidate is read (the live page, else its
archived copy) and judged on what the page says about itself:

- **site**: the page must be on the cited publisher's domains (after redirects). Anything else
  is rejected, however well it matches: a copy on another site is not the source.
- **date**: when both the citation and the page give a date, they must agree — the same day
  give or take one (a story filed late at night in Washington is dated the next day in Asia),
  or the same month or year when the citation gives only that. A page that contradicts the
  cited date is rejected.
- **title**, when the citation gives one: the page's title (any of its forms: the headline, the
  `og:title`, the `<title>` with or without the site's name) must match it closely (85 of 100).
- **terms**, when it does not ("(Associated Press, 15 March 2025)"): the key terms of the
  sentence and paragraph that cite it must be found in the page; and since nothing but the
  date ties such a citation to one page, the page must give a date that agrees.

Confidence says how much of that held: a title that matches exactly, on the right site, on the
cited day, is near certain; a page with no date of its own is less so; a citation with no title
is never above 0.85, because key terms can fit two stories of the same day. `choose` then keeps
the best proven candidate, unless another is as good: then neither is chosen, and the citation
stays unresolved with both listed — a wrong link is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from citecheck.pagefacts import PageFacts
from citecheck.resolve.patterns import date_span, parse_date
from citecheck.resolve.text import fold, terms_score, words

TITLE_THRESHOLD = 85.0
"""The least title similarity (0–100) that proves a titled citation."""

TERMS_THRESHOLD = 0.5
"""The least share of the citing paragraph's weighted key terms the page's text must hold."""

UNTITLED_CAP = 0.85
"""The most confidence a citation without a title can get."""

AMBIGUITY = 0.1
"""Two proven candidates whose confidences are closer than this are a tie."""

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class Cited:
    """What a citation says about its source."""

    title: str | None
    """The cited title, if any."""
    date: str | None
    """The cited date, ISO, possibly partial (`2025`, `2025-03`, `2025-03-11`)."""
    publisher: str
    """The cited publisher's name (for the evidence)."""
    terms: tuple[tuple[str, float], ...] = ()
    """The key terms of the citing sentence and paragraph, weighted, strongest first."""


@dataclass(frozen=True, slots=True)
class Proof:
    """How a page fared against a citation."""

    accepted: bool
    """Whether the page is proven to be the one cited."""
    confidence: float
    """How sure, 0–1 (0 when not accepted)."""
    evidence: tuple[str, ...]
    """What matched, in words."""
    reason: str
    """Why it was rejected, or a one-line summary of why it was accepted."""
    exact_date: bool = False
    """Whether the page's date is the very day cited."""


def title_similarity(cited: str, titles: Sequence[str]) -> float:
    """How close the best of a page's `titles` is to the `cited` title, 0–100 (case, accents,
    punctuation and word order aside)."""
    from rapidfuzz import fuzz

    wanted = _comparable(cited)
    best = 0.0
    for title in titles:
        have = _comparable(title)
        if wanted and have:
            best = max(best, fuzz.ratio(wanted, have), fuzz.token_sort_ratio(wanted, have))
    return round(best, 1)


def date_agreement(cited: str | None, page: str | None) -> tuple[bool | None, bool, str]:
    """Whether the page's date agrees with the cited one (None when either is missing), whether
    it is the very day, and the evidence in words."""
    if cited is None:
        return None, False, "no date cited"
    parts = parse_date(cited)
    published = _day(page)
    if parts is None:
        return None, False, f"the cited date {cited!r} cannot be compared"
    if published is None:
        return None, False, "the page gives no publication date"
    year, month, day = parts
    if day is not None and month is not None:
        wanted = date(year, month, day)
        gap = abs((published - wanted).days)
        if gap == 0:
            return True, True, f"published {published.isoformat()}, the day cited"
        if gap == 1:
            return True, False, f"published {published.isoformat()}, a day from the cited {cited}"
        return False, False, f"published {published.isoformat()}, not on the cited {cited}"
    if month is not None:
        span = date_span(cited)
        assert span is not None  # parse_date gave parts
        first, last = span
        if first - timedelta(days=1) <= published <= last + timedelta(days=1):
            return True, False, f"published {published.isoformat()}, in the month cited"
        return False, False, f"published {published.isoformat()}, not in the cited {cited}"
    if published.year == year:
        return True, False, f"published {published.isoformat()}, in the year cited"
    return False, False, f"published {published.isoformat()}, not in the cited {cited}"


def prove(cited: Cited, facts: PageFacts, *, on_site: bool, site: str) -> Proof:
    """Judge a page (its `facts`; `on_site`: whether its final URL is on the cited publisher's
    domains, `site` its host, for the evidence) against what the citation says."""
    if not on_site:
        return Proof(False, 0.0, (), f"the page is on {site}, not on {cited.publisher}'s site")
    evidence = [f"on {cited.publisher}'s site ({site})"]
    agrees, exact, said = date_agreement(cited.date, facts.date)
    if agrees is False:
        return Proof(False, 0.0, tuple(evidence), said)
    if cited.title is not None:
        titles = facts.titles or ((facts.title,) if facts.title else ())
        similarity = title_similarity(cited.title, titles)
        shown = facts.title or (titles[0] if titles else "")
        if similarity < TITLE_THRESHOLD:
            why = f"its title {shown!r} does not match the cited title ({similarity:g}/100)"
            if not titles:
                why = "the page has no title to compare"
            return Proof(False, 0.0, tuple(evidence), why)
        evidence.insert(0, f"title {shown!r} matches the cited title ({similarity:g}/100)")
        evidence.append(said)
        date_part = {True: 0.3 if exact else 0.25, None: 0.1 if cited.date else 0.2}[agrees]
        confidence = min(0.99, 0.55 * similarity / 100 + date_part + 0.15)
        return Proof(True, round(confidence, 2), tuple(evidence), "title, date and site", exact)
    if agrees is not True:
        # Nothing but the date ties a citation without a title to one page.
        return Proof(False, 0.0, tuple(evidence), f"{said}: nothing else ties it to the citation")
    evidence.append(said)
    text_words = words(facts.text[:50_000])
    title_words = words(" ".join(facts.titles) or facts.title or "")
    in_text = terms_score(cited.terms, text_words)
    in_title = terms_score(cited.terms, title_words)
    top = ", ".join(term for term, _ in cited.terms[:6])
    if in_text < TERMS_THRESHOLD:
        why = f"the page's text holds {in_text:.0%} of the citing paragraph's key terms ({top})"
        return Proof(False, 0.0, tuple(evidence), why)
    found = [t for t, _ in cited.terms if terms_score(((t, 1.0),), text_words) > 0]
    evidence.insert(
        0,
        f"its text holds {in_text:.0%} of the citing paragraph's key terms, its title"
        f" {in_title:.0%} (found: {', '.join(found[:8])})",
    )
    score = 0.5 * in_text + 0.5 * in_title
    confidence = min(UNTITLED_CAP, 0.15 + (0.25 if exact else 0.2) + 0.45 * score)
    return Proof(True, round(confidence, 2), tuple(evidence), "key terms, date and site", exact)


def choose(proofs: Sequence[tuple[str, Proof]], *, titled: bool) -> tuple[str | None, list[str]]:
    """The URL of the best proven candidate, or None when none is proven or the best two are a
    tie; with the URLs that tie (empty unless there is a tie). For a `titled` citation, a page
    on the very day cited beats one a day off (publishers reuse titles: "Remarks to Press");
    without a title, the date is already part of the confidence, and a page a day off that
    holds the paragraph's terms beats one on the day that does not."""

    def rank(proof: Proof) -> tuple[bool, float]:
        return (proof.exact_date and titled, proof.confidence)

    accepted = [(url, proof) for url, proof in proofs if proof.accepted]
    if not accepted:
        return None, []
    ranked = sorted(accepted, key=lambda item: rank(item[1]), reverse=True)
    best_url, best = ranked[0]
    tied = [
        url
        for url, proof in ranked[1:]
        if rank(proof)[0] == rank(best)[0] and best.confidence - proof.confidence < AMBIGUITY
    ]
    if tied:
        return None, [best_url, *tied]
    return best_url, []


def _comparable(title: str) -> str:
    """A title as compared: folded (case, accents, full-width forms), every run of what is not
    a letter or a digit (of any script: Chinese titles too) one space."""
    return _NOT_WORD.sub(" ", fold(title)).strip()


def _day(value: str | None) -> date | None:
    match = _ISO.match(value or "")
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
