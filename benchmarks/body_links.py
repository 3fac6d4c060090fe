"""How many of a saved page's links `citecheck.extract.body` keeps, and how many it should.

For each page in ../shared/fixtures/pages this counts the `<a href>` links a naive pass finds (all
of them, as `citecheck extract --all-links` reports) and those that `find_body` keeps, and, for
the pages whose links were checked by hand (`LABELS`), how many kept links are in the article
text (precision) and how many in-article links are kept (recall). It reads local files only.

Run: `.venv/bin/python -m benchmarks.body_links [--set OPTION=VALUE ...] [PAGES_DIR]`; each
`--set` changes one trafilatura option in both of `find_body`'s extractions (`true`/`false` for
booleans), to measure a variant.

Measured on the twelve pages (precision, recall of the 89 article links, mean ms per page, best
of five): one extraction with images, as before (`--set include_images=true` gives its links),
89/137 = 65%, 100%, 36 ms; links asked about without images, images with them (adopted),
89/117 = 76%, 100%, 78 ms (max 158); `favor_precision`, 64%, 93%
(the CBS links go); `favor_recall` off, 65%, 100%, but more boilerplate text; `deduplicate`,
`fast`, `with_metadata`: no change; `include_tables` off, 82%, 100%, but a table of sources in
an article loses its links; keeping only links that readability-lxml 0.9 also keeps, 86%, 79%,
and jusText, 83%, 62% (both drop the Foreign Office page's bulleted advice).

The hand labels say which links stand in the article text. Links in editorial boxes set into
the story (BBC's "more about coronavirus" list, Correio's "Saiba Mais", Infobae's "MAS
NOTICIAS") and teaser lists are not in the article text, though they sit in the story body.
"""

from __future__ import annotations

import html
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from citecheck.encoding import decode
from citecheck.extract import body as body_module
from citecheck.extract.body import Body, find_body

PAGES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pages"
"""Where the fixture pages are, beside the project."""


@dataclass(frozen=True, slots=True)
class Link:
    """An `<a href>` in a page."""

    start: int
    """Offset of its `<`."""
    end: int
    """Offset just past its start tag."""
    href: str
    """The href as written (character references decoded)."""
    text: str
    """Its text, decoded and with white space collapsed."""


@dataclass(frozen=True, slots=True)
class Labels:
    """Which links of one page stand in the article text, checked by hand."""

    article: tuple[str, ...] = ()
    """In-article links, each as an href substring, optionally `|` and how the text starts."""
    first: str | None = None
    """With `last`: every link from the first matching this spec up to `last` is in the article."""
    last: str | None = None
    """The spec of the last in-article link when `first` is given."""
    excluded: tuple[str, ...] = ()
    """Links between `first` and `last` that are not in the article (teasers, boxes)."""


LABELS: dict[str, Labels] = {
    "cbsnews.com.carolina.html": Labels(
        article=(
            "/news/joe-biden-face-the-nation-us-intelligence-brief-campaigns-russia-interference/",
            "/news/south-carolina-primary-polls-2020-biden-sanders-steyer-democrats-cbs-news/",
            "/news/elizabeth-warren-democratic-presidential-candidate-responds-after-angry-dad",
            "/news/bernie-sanders-democratic-presidential-front-runner-anderson-cooper",
            "/news/pete-buttigieg-im-offering-a-better-way-in-the-race-to-beat-president-trump/",
        )
    ),
    "bbc.com.52241221.html": Labels(
        article=(
            "/news/av/world-us-canada-36306260/mass-graves-near-manhattan",
            "https://www.cdc.gov/flu/about/burden/preliminary-in-season-estimates.htm",
            "https://www.bbc.com/news/business-52231929",
        )
    ),
    "nytimes.com.blackouts.html": Labels(
        article=(
            "https://www.nytimes.com/2020/08/19/us/california-wildfires-vacaville.html",
            "Briefing-2019-SummerLoads-Resources-Assessment-Report",
            "https://www.caiso.com/Documents/CaliforniaISOPeakLoadHistory.pdf",
        )
    ),
    "xinhuanet.com.c_1125597921.html": Labels(),
    "politico.com.retirement.html": Labels(
        article=(
            "/2019/12/19/mark-meadows-to-leave-congress|an interview with POLITICO Playbook",
            "https://www.whois.com/whois/lyndaforcongress.com",
            "https://www.facebook.com/LyndaBennettforCongress/",
            "https://ashevilleteapac.org/atpac-board-votes-to-endorse-lynda-bennett",
            "https://rightwomen.com/leadership/",
            "/news/2019/11/15/democrats-vow-court-fight-to-block-new-nc-congressional-map",
        )
    ),
    "reuters.com.parasite.html": Labels(),
    "infobae.com-ucrania.html": Labels(
        article=("/2022/04/28/la-inteligencia-de-eeuu-revelo|el periodista",)
    ),
    "correiobraziliense.com.br-poderes.html": Labels(),
    "banyuetan.org.1000200033136171577956287380194268_1.html": Labels(),
    "archive.org.he.xinhuanet.com.25340717.html": Labels(),
    "jis.gov.jm-investment.html": Labels(),
    "auswaertiges-amt.de-Italien.html": Labels(
        first="reisemedizinische-hinweise|COVID-19",
        last="https://www.artenschutz-online.de/",
        excluded=(
            "/de/ReiseUndSicherheit/covid-19/2296762",
            "/afghanistan-node/aashti/2495132",
            "/de/aussenpolitik/laender/italien-node|Mehr",
        ),
    ),
}
"""The hand-checked pages (all twelve; every link of each was looked at in its context)."""


class _Links(HTMLParser):
    """The naive pass: every `<a href>` outside scripts and styles, with its text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self._starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
        self._open: tuple[int, int, str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        self._close()
        href = dict(attrs).get("href")
        if href is not None:
            line, column = self.getpos()
            start = self._starts[line - 1] + column
            self._open = (start, start + len(self.get_starttag_text() or ""), href, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._close()

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[3].append(data)

    def _close(self) -> None:
        if self._open is not None:
            start, end, href, texts = self._open
            self.links.append(Link(start, end, href, " ".join("".join(texts).split())))
            self._open = None


def naive_links(text: str) -> list[Link]:
    """Every `<a href>` of an HTML text, in document order."""
    reader = _Links(text)
    reader.feed(text)
    reader.close()
    reader._close()
    return reader.links


def _matches(spec: str, link: Link) -> bool:
    href, _, words = spec.partition("|")
    return href in html.unescape(link.href) and link.text.startswith(words)


def in_article(labels: Labels, links: Sequence[Link]) -> list[bool]:
    """For each link, whether the hand labels put it in the article text."""
    result = [any(_matches(spec, link) for spec in labels.article) for link in links]
    if labels.first is not None and labels.last is not None:
        first = next(i for i, link in enumerate(links) if _matches(labels.first, link))
        last = max(i for i, link in enumerate(links) if _matches(labels.last, link))
        for index in range(first, last + 1):
            excluded = any(_matches(spec, links[index]) for spec in labels.excluded)
            result[index] = result[index] or not excluded
    return result


@dataclass(frozen=True, slots=True)
class Row:
    """What `find_body` did with one page."""

    page: str
    """The file name."""
    naive: int
    """How many `<a href>` links the page has."""
    kept: int
    """How many of them lie in the body found."""
    true_positives: int | None
    """Kept links that are in the article text (None without labels)."""
    article: int | None
    """Links in the article text (None without labels)."""
    seconds: float
    """How long `find_body` took."""


def measure(
    name: str, text: str, find: Callable[[str], Body | None] = lambda t: find_body(t)
) -> Row:
    """Run `find` on one page's text and count its links."""
    links = naive_links(text)
    began = time.perf_counter()
    body = find(text)
    seconds = time.perf_counter() - began
    kept = [body is None or body.contains(link.start, link.end) for link in links]
    labels = LABELS.get(name)
    if labels is None:
        return Row(name, len(links), sum(kept), None, None, seconds)
    truth = in_article(labels, links)
    hits = sum(k and t for k, t in zip(kept, truth, strict=True))
    return Row(name, len(links), sum(kept), hits, sum(truth), seconds)


BRIEF_PAGES = (
    "cbsnews.com.carolina.html",
    "bbc.com.52241221.html",
    "nytimes.com.blackouts.html",
    "xinhuanet.com.c_1125597921.html",
)
"""The four pages the task named for hand-checking."""


def summary(rows: Sequence[Row], label: str) -> str:
    """Precision and recall over the labelled rows."""
    labelled = [row for row in rows if row.article is not None]
    kept = sum(row.kept for row in labelled)
    hits = sum(row.true_positives or 0 for row in labelled)
    article = sum(row.article or 0 for row in labelled)
    return (
        f"{label}: precision {hits}/{kept} = {hits / max(kept, 1):.0%}, "
        f"recall {hits}/{article} = {hits / max(article, 1):.0%}"
    )


def table(rows: Sequence[Row]) -> str:
    """The rows as a plain-text table, with totals, precision and recall."""
    lines = [f"{'page':<48} {'naive':>5} {'kept':>5} {'in-art':>6} {'kept∩art':>8} {'ms':>6}"]
    for row in rows:
        article = "-" if row.article is None else str(row.article)
        hits = "-" if row.true_positives is None else str(row.true_positives)
        lines.append(
            f"{row.page[:48]:<48} {row.naive:>5} {row.kept:>5} {article:>6} {hits:>8} "
            f"{row.seconds * 1000:>6.0f}"
        )
    lines.append(f"total: naive {sum(r.naive for r in rows)}, kept {sum(r.kept for r in rows)}")
    lines.append(summary(rows, "all labelled pages"))
    lines.append(summary([r for r in rows if r.page in BRIEF_PAGES], "the four named pages"))
    times = [row.seconds * 1000 for row in rows] or [0.0]
    lines.append(f"time: mean {sum(times) / len(times):.0f} ms, max {max(times):.0f} ms a page")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table for the pages in the given folder (default `PAGES`)."""
    args = list(sys.argv[1:] if argv is None else argv)
    while len(args) >= 2 and args[0] == "--set":
        name, _, value = args[1].partition("=")
        setting = {"true": True, "false": False}.get(value.lower(), value)
        body_module.OPTIONS[name] = body_module.IMAGE_OPTIONS[name] = setting
        del args[:2]
    folder = Path(args[0]) if args else PAGES
    rows = []
    for path in sorted(folder.glob("*.html")):
        text, _ = decode(path.read_bytes())
        rows.append(measure(path.name, text))
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
