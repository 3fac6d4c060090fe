"""What an article says of a source, against what the source's page says of itself: title, date,
publisher and chronology. Pure.

A source that exists is not yet a source that says what the article claims. The checks here
compare the citation's own words — the title it gives, the date, the publisher it names — with
the page's facts (`pagefacts.py`), and the dates with the article's own date:

- **title**: the cited title against the page's titles (any of its forms), fuzzy, with the score:
  85 of 100 or more is a match (`title-match`), less is `title-mismatch`; a page with no title
  says nothing (`title-unknown`).
- **date**: the cited date against the publication date, give or take a day (a story filed late
  at night in one time zone is dated the next day in another), or the month or year when only
  that is cited: `date-match`, `date-mismatch`, `date-unknown`.
- **publisher**: the page's site (its final URL, after redirects; for an archived copy, the URL
  that was captured) must be one of the cited publisher's domains: cited "CBS News" but the page
  is elsewhere is `publisher-mismatch`.
- **chronology**: a source cannot be cited before it exists. A cited date later than the
  article's own date (`cited-after-article`), or a page published after the article that cites
  it (`published-after-article`), is a mistake in one of the dates; `chronology-ok` otherwise.
"""

from __future__ import annotations

from datetime import date

from citecheck.pagefacts import PageFacts
from citecheck.resolve.patterns import date_span
from citecheck.resolve.proof import TITLE_THRESHOLD, date_agreement, title_similarity
from citecheck.verify.model import Verification


def title_check(cited: str, facts: PageFacts) -> Verification:
    """The cited title against the page's."""
    titles = facts.titles or ((facts.title,) if facts.title else ())
    if not titles:
        return Verification("title", "title-unknown", None, "the page gives no title")
    score = title_similarity(cited, titles)
    shown = facts.title or titles[0]
    if score >= TITLE_THRESHOLD:
        return Verification("title", "title-match", score, f"the page's title is {shown!r}")
    return Verification(
        "title", "title-mismatch", score, f"the page's title is {shown!r}, not {cited!r}"
    )


def date_check(cited: str, facts: PageFacts) -> Verification:
    """The cited date against the page's publication date."""
    agrees, _, said = date_agreement(cited, facts.date)
    if agrees is None:
        return Verification("date", "date-unknown", None, said)
    return Verification("date", "date-match" if agrees else "date-mismatch", None, said)


def publisher_check(publisher: str, on_site: bool, site: str) -> Verification:
    """Whether the page is on the cited publisher's site (`on_site`, judged by the caller with
    the registry; `site` is the page's host)."""
    if on_site:
        return Verification("publisher", "publisher-match", None, f"{site} is {publisher}'s")
    return Verification(
        "publisher", "publisher-mismatch", None, f"the page is on {site}, not on {publisher}'s site"
    )


def chronology_check(
    article: str | None, cited: str | None, published: str | None
) -> Verification | None:
    """Whether the cited date and the page's date come before the article's own date; None
    when the article gives no date or neither of the others is known."""
    written = _latest(article)
    if written is None or (cited is None and published is None):
        return None
    cited_first = _earliest(cited)
    if cited_first is not None and cited_first > written:
        return Verification(
            "chronology",
            "cited-after-article",
            None,
            f"the cited date {cited} is after the article's own date {article}",
        )
    page = _earliest(published)
    if page is not None and page > written:
        return Verification(
            "chronology",
            "published-after-article",
            None,
            f"the page was published {published}, after the article ({article})",
        )
    return Verification("chronology", "chronology-ok", None, f"before the article ({article})")


def _earliest(value: str | None) -> date | None:
    """The first day a partial ISO date (or a datetime) can mean."""
    span = date_span(value[:10] if value else None)
    return span[0] if span else None


def _latest(value: str | None) -> date | None:
    """The last day a partial ISO date (or a datetime) can mean."""
    span = date_span(value[:10] if value else None)
    return span[1] if span else None
