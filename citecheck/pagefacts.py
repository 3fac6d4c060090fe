"""Page facts: what a web page says about itself — title, publication date, site name, language
and main text — read from its HTML, for proving that a page is the one a citation means
(resolution) and for verifying the citation against it.

Each fact comes from the most trusted source that has it: JSON-LD, then `<meta>` tags, then the
visible markup, then the libraries' reading (htmldate, trafilatura), then the URL. The input is
untrusted: `page_facts` never raises, looks at no more than `MAX_HTML` of it, and a broken,
empty or binary document gives a `PageFacts` of Nones and ''.

Start-up time is measured, so lxml, htmldate, trafilatura, json, datetime and urllib are imported
where they are used, and the regular expressions are strings that `re` compiles (and caches) on
first use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import islice

from citecheck.pagebytes import cap_bytes, decode_html

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs start-up time
if TYPE_CHECKING:
    from datetime import date
    from typing import Any

    Node = dict[str, Any]
    Metas = dict[str, str]

MAX_TEXT = 200_000
"""The most characters of main text kept."""

MAX_HTML = 5_000_000
"""Bytes (or characters) of HTML looked at; the rest is ignored."""

MAX_FIELD = 500
"""The most characters kept of a title or a site name."""

MAX_ELEMENTS = 50_000
"""Past this many elements htmldate and trafilatura are not asked: they cost ~60 µs an element
(seconds for a hostile megabyte) and news pages have a few thousand. The date then comes from
the markup and the URL, the text from `<body>`."""


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What a page says about itself."""

    title: str | None
    """The best headline."""
    titles: tuple[str, ...]
    """Every distinct title candidate found, best first (for fuzzy matching)."""
    date: str | None
    """The publication date, ISO `YYYY-MM-DD`, as written in the source's own time zone."""
    date_source: str | None
    """Where the date came from: `json-ld`, `meta:<name>`, `time`, `htmldate` or `url`."""
    site: str | None
    """The site's own name (og:site_name, JSON-LD publisher.name, application-name, ...)."""
    language: str | None
    """`<html lang>`, og:locale or Content-Language, lower case: `en`, `zh-cn`."""
    text: str
    """The main text (trafilatura), '' when none; at most `MAX_TEXT` characters."""


EMPTY = PageFacts(None, (), None, None, None, None, "")
"""The facts of a page that says nothing, or of a document that is no page."""

_ARTICLES = {
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "SatiricalArticle",
    "BlogPosting", "LiveBlogPosting", "Report", "PressRelease", "ScholarlyArticle", "TechArticle",
}  # fmt: skip
_PAGES = {"WebPage", "ItemPage"}
_TITLE_METAS = ("og:title", "twitter:title", "citation_title", "dc.title")
_DATE_METAS = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "citation_publication_date", "citation_date", "dc.date", "dcterms.created", "datepublished",
    "pubdate", "publishdate", "date", "sailthru.date", "parsely-pub-date",
)  # fmt: skip
# Words of a host name that say nothing of whose site it is.
_GENERIC = {"www", "www2", "mobile", "amp", "com", "org", "net", "gov", "edu", "int", "news", "web"}
_HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.php", "/index.shtml"}
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}

# Controls (C0, DEL, C1), and the invisible bidirectional overrides that can disguise a title.
_CONTROLS = "[\x00-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]"
# What libxml2 refuses to hold: XML-forbidden controls, lone surrogates, non-characters.
_UNPARSABLE = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
_WAYBACK = r"(?i)https?://web\.archive\.org/web/[0-9]{1,14}[a-z_]*/(.+)"
# A title's trailing site name follows a spaced separator; an unspaced one (`标题-新华网`) counts
# only when what follows is a name the page gives, or what precedes is another of its titles.
_SPACED = r"\s+(?:[-–—|·]|::)\s+"
_UNSPACED = r"[-–—|·_｜－]|::"
_ISO_DATE = r"\s*(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|()(\d\d)(\d\d))(?!\d)"
_URL_DATES = (
    r"/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})(?:[/_.-]|$)",  # /2025/03/14/
    r"/((?:19|20)\d\d)-(\d\d)/(\d\d)(?:/|$)",  # /2020-02/19/ (Xinhua)
    r"[/_-]((?:19|20)\d\d)-?(\d\d)-?(\d\d)(?:[/_.-]|$)",  # -20250314-, /2025-03-14/
)


def page_facts(
    html: str | bytes,
    *,
    url: str | None = None,
    content_type: str | None = None,
    today: date | None = None,
) -> PageFacts:
    """What the page `html` says about itself (see `PageFacts`); never raises.

    `url` is where the page was fetched: it dates some pages, and its host name tells a site-name
    suffix from the title. `content_type` is the Content-Type header (for bytes). A date more than
    two days after `today` (default: the real today) is impossible; two days allow for time zones.
    """
    from datetime import date, timedelta

    try:
        return _facts(html, url, content_type, (today or date.today()) + timedelta(days=2))
    except Exception:  # untrusted input: whatever goes wrong, the page says nothing
        return EMPTY


def _facts(html: str | bytes, url: str | None, content_type: str | None, latest: date) -> PageFacts:
    if isinstance(html, bytes):
        html = decode_html(cap_bytes(html, MAX_HTML), content_type)
    sample = html[:65536]  # bytes that were never text: NULs, controls, replacement marks
    if sample.count("\ufffd") + len(re.findall(_UNPARSABLE, sample)) > 0.3 * len(sample):
        return EMPTY
    root = _parse(html[:MAX_HTML])
    if root is None:
        return EMPTY
    metas = _metas(root)
    ranked, by_id = _json_ld(root)
    page_url = _page_url(url, root, metas)
    hosts = {w for w in _host(page_url).split(".")[:-1] if len(w) > 2 and w not in _GENERIC}
    sites = _site_names(metas, ranked, by_id)
    titles, suffixes = _titles(root, metas, ranked, [*sites, *_home_names(root, page_url)], hosts)
    small = sum(1 for _ in islice(root.iter(), MAX_ELEMENTS + 1)) <= MAX_ELEMENTS
    found, source = _date(root, metas, ranked, page_url, latest, small)
    keys = {_squash(suffix) for suffix in suffixes}
    # og:site_name is sometimes a section (Reuters' "U.S."): a name the title or host confirms
    # is preferred; without any, a site-name suffix of the title is the best there is.
    site = next((s for s in sites if _squash(s) in keys or _named(_squash(s), hosts)), None)
    return PageFacts(
        title=titles[0] if titles else None,
        titles=titles,
        date=found,
        date_source=source,
        site=site or next(iter(sites or suffixes), None),
        language=_language(root, metas),
        text=_main_text(root, url, small),
    )


def _parse(html: str) -> Any:
    import lxml.etree  # type: ignore[import-untyped]
    import lxml.html  # type: ignore[import-untyped]

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    # Bytes with their encoding named: lxml refuses a str that declares one (`<?xml ...?>`).
    data = re.sub(_UNPARSABLE, " ", html).encode("utf-8")
    try:
        return lxml.etree.fromstring(data, parser) if data.strip() else None
    except Exception:  # libxml2 gives up on some documents: they say nothing
        return None


def _metas(root: Any) -> Metas:
    """Meta contents by lower-case name, property, itemprop or `http-equiv:` name; first wins."""
    found: Metas = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        for attribute in ("name", "property", "itemprop", "http-equiv"):
            if content is not None and (key := (meta.get(attribute) or "").strip().lower()):
                found.setdefault(f"http-equiv:{key}" if attribute == "http-equiv" else key, content)
    return found


def _json_ld(root: Any) -> tuple[list[Node], dict[str, Node]]:
    """The JSON-LD articles then web pages (top level, in lists, in `@graph`), and all by @id."""
    import json
    from collections import deque

    nodes: list[Node] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = (script.text or "").strip().removeprefix("<!--").removesuffix("-->").strip()
        try:  # strict=False: real JSON-LD often has raw newlines inside its strings
            pending, visited = deque([json.loads(text.rstrip(";"), strict=False)]), 0
        except Exception:  # not JSON, or nested past the recursion limit: skipped
            continue
        while pending and len(nodes) < 1000 and visited < 100_000:
            item, visited = pending.popleft(), visited + 1
            if isinstance(item, dict):
                nodes.append(item)
                item = item.get("@graph")
            if isinstance(item, list):
                pending.extend(item[:1000])
    articles: list[Node] = []
    pages: list[Node] = []
    for node in nodes:  # `@type` is a name or a list of names; `schema:Article` is Article
        kinds = {re.split("[/:#]", k)[-1] for k in _listed(node.get("@type")) if isinstance(k, str)}
        (articles if kinds & _ARTICLES else pages if kinds & _PAGES else []).append(node)
    return articles + pages, {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _text_value(value: Any) -> str | None:
    """A JSON-LD string (or a list's first), entities unescaped, cleaned."""
    value = (_listed(value) or [None])[0]
    if not isinstance(value, str):
        return None
    import html  # JSON-LD is not parsed as HTML, and is often written escaped

    return _clean(html.unescape(value) if "&" in value else value)


def _clean(value: str | None) -> str | None:
    """A title or name: controls to spaces, whitespace collapsed, at most MAX_FIELD characters."""
    value = " ".join(re.sub(_CONTROLS, " ", (value or "")[: MAX_FIELD * 10]).split())
    return value[:MAX_FIELD].rstrip() or None


def _squash(value: str) -> str:
    """A name reduced for comparison: case, accents, spaces and punctuation ignored."""
    return "".join(c for c in unicodedata.normalize("NFKD", value.casefold()) if c.isalnum())


def _named(key: str, hosts: set[str]) -> bool:
    """Whether a squashed name holds a word of the host's name (`bbcnews`, bbc.co.uk)."""
    return bool(key) and any(word in key for word in hosts)


def _page_url(url: str | None, root: Any, metas: Metas) -> str | None:
    """The page's own address: the given URL, else its canonical; out of a Wayback wrapper."""
    if not url:
        canonical = [
            link.get("href") for link in root.iter("link") if link.get("rel") == "canonical"
        ]
        url = next((u for u in [*canonical, metas.get("og:url")] if u and "://" in u), None)
    wrapped = re.match(_WAYBACK, url or "")
    return wrapped[1] if wrapped else url


def _host(url: str | None) -> str:
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url or "").hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def _text(element: Any, most: int | None = None, blocks: bool = False) -> str | None:
    """The element's text; None when it holds more than `most` elements (then it is not a name).
    With `blocks`, a line per block, and without scripts and styles (the visible text)."""
    import lxml.etree

    walk, parts, size = lxml.etree.iterwalk(element, events=("start", "end")), [""], 0
    for count, (event, node) in enumerate(walk):
        if most is not None and count > 2 * most:
            return None
        if blocks and event == "start" and node.tag in {"script", "style", "noscript", "template"}:
            walk.skip_subtree()  # its end still comes, with its tail
        elif isinstance(node.tag, str):
            newline = "\n" if blocks and node.tag in _BLOCKS else ""
            parts.append(newline + (node.text or "" if event == "start" else node.tail or ""))
            size += len(parts[-1])
        if size > 2 * MAX_TEXT:
            break
    return "".join(parts[:-1])  # not the element's own tail


def _home_names(root: Any, page_url: str | None) -> list[str]:
    """What the page calls its home: the text or logo `alt` of links to the site's root."""
    from urllib.parse import urlsplit

    host, names = _host(page_url), []
    for link in islice(root.iter("a"), 20_000):
        href = (link.get("href") or "").strip()
        try:
            parts = urlsplit(href)
        except ValueError:
            continue
        if parts.path in _HOME_PATHS and (
            _host(href) == host != "" if parts.netloc else href[:1] == "/"
        ):
            alts = [image.get("alt") for image in islice(link.iter("img"), 3)]
            names += [n for n in map(_clean, [_text(link, 30), *alts]) if n and len(n) < 61]
        if len(names) >= 20:
            break
    return names


def _site_names(metas: Metas, ranked: list[Node], by_id: dict[str, Node]) -> list[str]:
    names = [metas.get("og:site_name")]
    for node in ranked:
        for publisher in _listed(node.get("publisher")):
            if isinstance(publisher, dict):  # `{"@id": ...}` names an object given elsewhere
                named = by_id.get(publisher.get("@id") or "", publisher)
                names.append(_text_value(named.get("name")))
    names += [metas.get("application-name"), (metas.get("twitter:site") or "").lstrip("@")]
    return [name for name in map(_clean, names) if name]


def _titles(
    root: Any, metas: Metas, ranked: list[Node], names: list[str], hosts: set[str]
) -> tuple[tuple[str, ...], list[str]]:
    """The distinct title candidates, best first, and the site-name suffixes taken off them."""
    site_keys = {_squash(name) for name in names} - {""}
    raw = [(_text_value(n.get("headline")) or _text_value(n.get("name")), False) for n in ranked]
    raw += [(_clean(metas.get(m)), m in {"og:title", "twitter:title"}) for m in _TITLE_METAS]
    h1 = (_clean(_text(h, 200)) for h in islice(root.iter("h1"), 10))
    # A first <h1> that is the site's name is its logo (POLITICO), not the headline.
    raw.append((next((t for t in h1 if t and _squash(t) not in site_keys), None), False))
    raw.append((_clean(root.findtext(".//title")), True))  # True: may end in a site name
    others = {_squash(title) for title, _ in raw if title}
    titles: dict[str, str] = {}
    suffixes: list[str] = []
    for title, suffixed in raw:
        stripped = _strip_suffix(title, site_keys, hosts, others) if title and suffixed else None
        if stripped is not None:
            titles.setdefault(stripped[0].casefold(), stripped[0])
            suffixes.append(stripped[1])
        if title:
            titles.setdefault(title.casefold(), title)
    return tuple(titles.values()), suffixes


def _strip_suffix(
    title: str, site_keys: set[str], hosts: set[str], others: set[str]
) -> tuple[str, str] | None:
    """(headline, site name) when `title` ends with a separator and the site's name: a name the
    page gives, or (last separator, ≤ 60 characters) a suffix whose removal leaves another of the
    page's titles, or after a spaced separator the host's name."""
    for pattern, spaced in ((_SPACED, True), (_UNSPACED, False)):
        for rank, match in enumerate(reversed(list(re.finditer(pattern, title))[-5:])):
            head, tail = title[: match.start()].strip(), title[match.end() :].strip()
            around = title[match.start() - 1 : match.start()] + title[match.end() :][:1]
            if not spaced and around.isascii() and around.isalnum():
                continue  # a hyphenated word (Work-from-Home), not `标题-新华网`
            key = _squash(tail)
            last = rank == 0 and len(tail) <= 60
            if head and key and (key in site_keys or (last and _squash(head) in others)):
                return head, tail
            if head and last and spaced and _named(key, hosts):
                return head, tail
    return None


def _date(
    root: Any, metas: Metas, ranked: list[Node], url: str | None, latest: date, guess: bool
) -> tuple[str | None, str | None]:
    """The publication date and where it was found, from the most trusted source that has one."""
    for key in ("datePublished", "dateCreated"):
        for node in ranked:
            if found := _valid((_listed(node.get(key)) or [None])[0], latest):
                return found, "json-ld"
    for name in _DATE_METAS:
        if found := _valid(metas.get(name), latest):
            return found, f"meta:{name}"
    times = [t for t in islice(root.iter("time"), 1000) if t.get("datetime")]
    marked = [
        t for t in times if t.get("pubdate") is not None or t.get("itemprop") == "datePublished"
    ]
    in_article = [t for t in times if next(t.iterancestors("article"), None) is not None]
    for element in marked[:1] + in_article[:1]:
        if found := _valid(element.get("datetime"), latest):
            return found, "time"
    if guess and (found := _valid(_htmldate(root, latest), latest)):
        return found, "htmldate"
    path = re.sub(r"^[a-zA-Z][\w+.-]*://[^/]*|[?#].*", "", (url or "")[:2000])
    for match in filter(None, (re.search(pattern, path) for pattern in _URL_DATES)):
        if found := _valid("-".join(match.groups()), latest):
            return found, "url"
    return None, None


def _valid(value: Any, latest: date) -> str | None:
    """The `YYYY-MM-DD` a date string starts with, as written (not converted to UTC), if real."""
    match = re.match(_ISO_DATE, value[:100]) if isinstance(value, str) else None
    if match is None:
        return None
    from datetime import date

    year, _, month, day, _, month2, day2 = match.groups()
    try:
        found = date(int(year), int(month or month2), int(day or day2))
    except ValueError:
        return None
    return found.isoformat() if date(1990, 1, 1) <= found <= latest else None


def _htmldate(root: Any, latest: date) -> str | None:
    import logging

    # htmldate logs what it cannot parse; with no logging configured Python would print it.
    logging.getLogger("htmldate").addHandler(logging.NullHandler())
    try:
        from htmldate import find_date

        # A tree, not a string: htmldate downloads a string that looks like a URL.
        return find_date(
            root, extensive_search=True, original_date=True, outputformat="%Y-%m-%d",
            min_date="1990-01-01", max_date=latest.isoformat(),
        )  # fmt: skip
    except Exception:  # the library's failure on a hostile page is only a date not found
        return None


def _language(root: Any, metas: Metas) -> str | None:
    for value in (
        root.get("lang"),
        metas.get("og:locale"),
        metas.get("http-equiv:content-language"),
    ):
        tag = (value or "").split(",")[0].strip().replace("_", "-").lower()
        if re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{1,8}){0,3}", tag):
            return tag
    return None


def _main_text(root: Any, url: str | None, ask: bool) -> str:
    """trafilatura's main text (when `ask`), else the visible text of `<body>`, tidied: runs of
    spaces made one, one blank line at most between paragraphs, MAX_TEXT at most."""
    import logging

    logging.getLogger("trafilatura").addHandler(logging.NullHandler())
    text = None
    try:
        import trafilatura

        text = ask and trafilatura.extract(
            root, url=url, include_comments=False, include_tables=False,
            favor_recall=True, deduplicate=False,
        )  # fmt: skip
    except Exception:  # trafilatura's failure on a hostile page: the body's text instead
        pass
    body = root.find("body")
    text = text or (_text(body, blocks=True) if body is not None else None) or ""
    text = re.sub(r"[^\S\n]+", " ", re.sub(_UNPARSABLE, " ", text[: 4 * MAX_TEXT]))
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n\s*\n\s*", "\n\n", text).strip()[:MAX_TEXT].rstrip()
