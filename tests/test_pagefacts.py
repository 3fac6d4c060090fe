"""Page facts: real saved pages, a hand-built page for each source, and hostile documents.

The real pages live in ../shared/fixtures/pages (they belong to their publishers and are not
copied here); when that directory is not beside the project, their tests are skipped.
"""

from __future__ import annotations

import json
import random
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz

from citecheck.pagebytes import decode_html
from citecheck.pagefacts import MAX_FIELD, MAX_HTML, MAX_TEXT, PageFacts, page_facts

PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "pages"
EXPECTATIONS = PAGES / "expectations.json"
WAYBACK_PAGE = "archive.org.he.xinhuanet.com.25340717.html"
TODAY = date(2026, 1, 1)


def _files() -> dict[str, dict[str, Any]]:
    if not EXPECTATIONS.is_file():
        return {}
    files: dict[str, dict[str, Any]] = json.loads(EXPECTATIONS.read_text(encoding="utf-8"))["files"]
    return files


FILES = _files()


def _need_fixtures() -> None:
    if not FILES:
        pytest.skip(f"{EXPECTATIONS} is absent: the real-page fixtures live outside the repository")


def facts(html: str | bytes, **options: Any) -> PageFacts:
    return page_facts(html, today=TODAY, **options)


def page(head: str = "", body: str = "", lang: str = "") -> str:
    attribute = f' lang="{lang}"' if lang else ""
    return f"<!DOCTYPE html><html{attribute}><head>{head}</head><body>{body}</body></html>"


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# -- real pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FILES) or ["(fixtures absent)"])
def test_real_page_title_and_date(name: str) -> None:
    _need_fixtures()
    expected = FILES[name]
    found = facts((PAGES / name).read_bytes(), url=expected["url"])
    annotation = expected["trafilatura_annotation"]
    assert found.text, "every saved page has a main text"
    if annotation.get("title"):
        title = annotation["title"].strip()
        best = max(fuzz.token_set_ratio(candidate, title) for candidate in found.titles)
        assert found.title is not None
        assert best >= 90, (found.titles, title)
    if annotation.get("date"):
        assert found.date == annotation["date"], found.date_source
    # What a plain parse of the page found: its <title> (unless that parse saw mojibake) is
    # among the candidates, and its <html lang> is the language.
    observed = expected["observed_metadata"]
    title_tag = " ".join((observed.get("title_tag") or "").split())
    if title_tag and "\ufffd" not in title_tag:
        assert title_tag in found.titles
    if observed.get("html_lang"):
        assert found.language == observed["html_lang"].lower()
    # trafilatura's own metadata test for the Reuters page.
    realworld = expected.get("trafilatura_realworld_test_assertions", {})
    if "title_endswith" in realworld:
        assert found.title is not None
        assert found.title.endswith(realworld["title_endswith"])
    if "sitename" in realworld:
        assert found.site == realworld["sitename"]


def test_gb2312_wayback_replay_gives_the_chinese_title() -> None:
    # Wayback injects <script charset="utf-8"> before the page's own gb2312 meta: reading the
    # first charset in the page would give mojibake.
    _need_fixtures()
    body = (PAGES / WAYBACK_PAGE).read_bytes()
    assert "话剧《约定无期限》河北各市巡演结束" in decode_html(body)
    found = facts(body, url=FILES[WAYBACK_PAGE]["url"])
    assert found.title == "话剧《约定无期限》河北各市巡演结束"
    assert found.date == "2012-06-04"
    assert "一个约定，信守15年" in found.text


def test_real_page_title_loses_its_site_name_suffix() -> None:
    _need_fixtures()
    name = "xinhuanet.com.c_1125597921.html"
    found = facts((PAGES / name).read_bytes(), url=FILES[name]["url"])
    # Unspaced "-新华网": the page's link to its home page is named 新华网.
    assert found.title == "武汉的声音：有英勇的你，才有英雄的城！"
    assert found.titles[1] == "武汉的声音：有英勇的你，才有英雄的城！-新华网"
    assert found.site == "新华网"


def test_real_page_site_prefers_the_name_the_title_confirms() -> None:
    _need_fixtures()
    name = "reuters.com.parasite.html"
    found = facts((PAGES / name).read_bytes(), url=FILES[name]["url"])
    assert found.site == "Reuters"  # not og:site_name "U.S.", a section
    assert found.date_source == "json-ld"


# -- titles ---------------------------------------------------------------------------------------


def test_json_ld_graph_gives_headline_date_and_publisher_by_id() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Not the headline"},
            {
                "@type": "NewsArticle",
                "headline": "Graph headline &amp; more",
                "datePublished": "2024-05-06T10:00:00+02:00",
                "publisher": {"@id": "#org"},
            },
            {"@id": "#org", "@type": "NewsMediaOrganization", "name": "The Org"},
        ],
    }
    found = facts(page(ld(graph) + "<title>Page title</title>"))
    assert found.title == "Graph headline & more"
    assert found.titles == ("Graph headline & more", "Page title")
    assert (found.date, found.date_source) == ("2024-05-06", "json-ld")
    assert found.site == "The Org"


def test_json_ld_list_with_list_typed_type() -> None:
    data = [
        {"@type": "BreadcrumbList", "name": "Section"},
        {
            "@type": ["Thing", "schema:ReportageNewsArticle"],
            "name": "Typed",
            "dateCreated": "2023-01-02",
        },
    ]
    found = facts(page(ld(data)))
    assert found.title == "Typed"
    assert (found.date, found.date_source) == ("2023-01-02", "json-ld")


def test_json_ld_article_outranks_web_page_and_date_published_outranks_created() -> None:
    data = [
        {"@type": "WebPage", "name": "The page", "datePublished": "2020-01-01"},
        {"@type": "Article", "headline": "The article", "dateCreated": "2021-01-01"},
    ]
    found = facts(page(ld(data)))
    assert found.titles == ("The article", "The page")
    assert found.date == "2020-01-01"  # datePublished of any object before dateCreated


def test_og_title_with_site_suffix_is_stripped_and_kept() -> None:
    head = (
        '<meta property="og:title" content="Big news today | Example Site">'
        '<meta property="og:site_name" content="Example Site">'
        "<title>Big news today | Example Site</title>"
    )
    found = facts(page(head))
    assert found.title == "Big news today"
    assert found.titles == ("Big news today", "Big news today | Example Site")
    assert found.site == "Example Site"


@pytest.mark.parametrize("separator", [" - ", " – ", " — ", " | ", " :: ", " · "])
def test_title_suffix_named_by_the_host(separator: str) -> None:
    found = facts(
        page(f"<title>Storm hits coast{separator}Gazette</title>"), url="https://gazette.com/a"
    )
    assert found.titles == ("Storm hits coast", f"Storm hits coast{separator}Gazette")
    assert found.site == "Gazette"


def test_title_suffix_that_is_not_the_site_stays() -> None:
    found = facts(page("<title>Self-driving cars - a review</title>"), url="https://cars.example/x")
    assert found.titles == ("Self-driving cars - a review",)
    assert found.site is None


def test_hyphenated_word_is_no_site_suffix() -> None:
    head = "<title>Work-from-Home</title>"
    found = facts(page(head, '<a href="/">Home</a>'), url="https://example.com/x")
    assert found.titles == ("Work-from-Home",)


def test_unspaced_suffix_named_by_the_home_link() -> None:
    head = "<title>武汉的声音-新华网</title>"
    found = facts(
        page(head, '<a href="https://www.xinhua.example/">新华网</a>'),
        url="https://xinhua.example/a",
    )
    assert found.titles == ("武汉的声音", "武汉的声音-新华网")
    assert found.site == "新华网"


def test_title_only() -> None:
    found = facts(page("<title>  Only   the\n title </title>"))
    assert found.title == "Only the title"
    assert found.titles == ("Only the title",)


def test_h1_only() -> None:
    found = facts(page(body="<h1></h1><h1>The <em>real</em> headline</h1><p>Some text.</p>"))
    assert found.title == "The real headline"


def test_meta_titles_in_order_and_entities_unescaped() -> None:
    head = (
        '<meta name="dc.title" content="DC title">'
        '<meta name="citation_title" content="Citation &amp; title">'
        '<meta name="twitter:title" content="Twitter title">'
    )
    found = facts(page(head, "<h1>Heading</h1>"))
    assert found.titles == ("Twitter title", "Citation & title", "DC title", "Heading")


# -- dates --------------------------------------------------------------------------------------

DATE_METAS = [
    "article:published_time",
    "og:published_time",
    "citation_publication_date",
    "citation_date",
    "dc.date",
    "dcterms.created",
    "pubdate",
    "publishdate",
    "date",
    "sailthru.date",
    "parsely-pub-date",
]


@pytest.mark.parametrize("name", DATE_METAS)
def test_date_from_each_meta_name(name: str) -> None:
    attribute = "property" if name.startswith(("og:", "article:")) else "name"
    found = facts(page(f'<meta {attribute}="{name}" content="2021-07-08T09:10:11Z">'))
    assert (found.date, found.date_source) == ("2021-07-08", f"meta:{name}")


def test_meta_dates_in_order_of_trust() -> None:
    head = '<meta name="date" content="2019-01-01"><meta name="citation_date" content="2018/02/03">'
    assert facts(page(head)).date == "2018-02-03"


def test_time_zone_kept_as_written() -> None:
    head = '<meta property="article:published_time" content="2025-03-14T23:30:00-04:00">'
    assert facts(page(head)).date == "2025-03-14"  # in UTC it is already the 15th


def test_time_element_in_the_article() -> None:
    body = (
        '<time datetime="2019-02-03">nav</time>'
        '<article><time datetime="2020-05-06T07:00">x</time></article>'
    )
    found = facts(page(body=body))
    assert (found.date, found.date_source) == ("2020-05-06", "time")


def test_time_element_marked_as_publication_date() -> None:
    body = (
        '<p><time datetime="2018-01-02">a</time>'
        '<time itemprop="datePublished" datetime="2017-03-04">b</time></p>'
    )
    assert facts(page(body=body)).date == "2017-03-04"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/2025/03/14/story-title", "2025-03-14"),
        ("https://example.com/news/story-20250314-more.html", "2025-03-14"),
        ("https://example.com/local/2020-02/19/c_1125597921.htm", "2020-02-19"),
        ("https://example.com/2025/03/story-title", None),  # no day
        ("https://example.com/2025/02/30/impossible", None),
        ("https://2025.example.com/?d=20250314", None),  # not in the path
    ],
)
def test_date_in_the_url(url: str, expected: str | None) -> None:
    found = facts(page("<title>Plain</title>", "<p>No dates here at all.</p>"), url=url)
    assert found.date == expected
    assert found.date_source == ("url" if expected else None)


def test_wayback_url_is_read_for_the_original_address() -> None:
    url = "https://web.archive.org/web/20120611024252/http://www.he.xinhuanet.com/news/2012-06/04/x.htm"
    assert facts(page("<title>Plain</title>"), url=url).date == "2012-06-04"


def test_htmldate_reads_what_the_markup_rules_do_not() -> None:
    found = facts(page("<title>T</title>", "<p>Published on 2016-04-05 by the desk.</p>"))
    assert (found.date, found.date_source) == ("2016-04-05", "htmldate")


def test_future_and_ancient_dates_are_rejected() -> None:
    head = (
        '<meta property="article:published_time" content="2026-01-04">'  # today + 3 days
        '<meta name="pubdate" content="1989-12-31">'
        '<meta name="date" content="2026-01-03">'  # today + 2 days: a time zone away
    )
    found = facts(page(head))
    assert (found.date, found.date_source) == ("2026-01-03", "meta:date")
    assert facts(page(ld({"@type": "Article", "datePublished": "2031-01-01"}))).date is None


@pytest.mark.parametrize("value", ["2025-02-30", "2025-13-01", "yesterday", "", "0000-00-00"])
def test_impossible_dates_are_rejected(value: str) -> None:
    found = facts(page(f'<meta name="date" content="{value}">'))
    # htmldate may still read something into it (2025-13-01 as 13 January): not our rule's date
    assert found.date_source != "meta:date"
    assert found.date != value


def test_malformed_offset_still_gives_the_written_date() -> None:
    head = '<meta property="article:published_time" content="2022-05-04-0305:49:00-10800">'
    assert facts(page(head)).date == "2022-05-04"


# -- site, language, text -------------------------------------------------------------------------


def test_site_sources() -> None:
    assert facts(page('<meta name="twitter:site" content="@handle">')).site == "handle"
    assert facts(page('<meta name="application-name" content="App">')).site == "App"
    publishers = [{"name": "First"}, {"name": "Second"}]
    assert facts(page(ld({"@type": "BlogPosting", "publisher": publishers}))).site == "First"


@pytest.mark.parametrize(
    ("head", "lang", "expected"),
    [
        ("", "EN-us", "en-us"),
        ('<meta property="og:locale" content="zh_CN">', "", "zh-cn"),
        ('<meta http-equiv="Content-Language" content="de, en">', "", "de"),
        ("", "not a language!", None),
    ],
)
def test_language(head: str, lang: str, expected: str | None) -> None:
    assert facts(page(head, lang=lang)).language == expected


def test_text_without_scripts_and_with_spaces_collapsed() -> None:
    body = (
        "<script>var hidden = 1;</script><p>Hello    world,\tagain.</p>"
        "<style>p{}</style><p>Second.</p>"
    )
    text = facts(page("<title>T</title>", body)).text
    assert "Hello world, again." in text
    assert "hidden" not in text
    assert "p{}" not in text
    assert "  " not in text


def test_long_text_is_capped() -> None:
    body = "".join(f"<p>{'word ' * 100}number {i}.</p>" for i in range(600))
    assert 0 < len(facts(page("<title>T</title>", body)).text) <= MAX_TEXT


# -- encodings ------------------------------------------------------------------------------------


def test_gbk_page_labelled_gb2312() -> None:
    title = "朱镕基与陈喆的会面"  # 镕 and 喆 are in GBK but not in GB2312
    html = page('<meta charset="gb2312">' + f"<title>{title}</title>", f"<p>{title}。</p>")
    body = html.encode("gbk")
    assert decode_html(body) == html
    assert facts(body).title == title


def test_big5_page() -> None:
    title = "臺灣新聞：嘅"  # 嘅 is in Big5-HKSCS only
    html = page(
        '<meta http-equiv="Content-Type" content="text/html; charset=big5">', f"<h1>{title}</h1>"
    )
    assert facts(html.encode("big5hkscs")).title == title


def test_header_charset_wins_and_a_wrong_label_gives_way_to_detection() -> None:
    html = page('<meta charset="iso-8859-1"><title>Café – naïve</title>')
    assert (
        facts(html.encode("utf-8"), content_type="text/html; charset=UTF-8").title == "Café – naïve"
    )
    # Labelled UTF-8 but GB18030: the label cannot read it, detection can.
    chinese = page(
        '<meta charset="utf-8"><title>新华网的新闻标题</title>', "<p>中国的新闻和经济发展</p>"
    )
    assert facts(chinese.encode("gb18030")).title == "新华网的新闻标题"


def test_meta_charset_after_a_script_charset() -> None:
    head = (
        '<script charset="utf-8" src="x.js"></script>'
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    )
    body = page(head + "<title>河北新闻</title>").encode("gb2312")
    assert decode_html(body).count("河北新闻") == 1


def test_byte_order_mark_decides() -> None:
    html = page("<title>Grüße</title>")
    assert facts(html.encode("utf-16")).title == "Grüße"
    assert (
        facts(
            b"\xef\xbb\xbf" + html.encode("utf-8"), content_type="text/html; charset=cp1251"
        ).title
        == "Grüße"
    )


# -- robustness -----------------------------------------------------------------------------------

EMPTY_DOCUMENTS = [
    "",
    b"",
    "   \n ",
    b"\x00" * 1000,
    bytes(range(256)) * 40,
    random.Random(0).randbytes(20_000),
    "\x00\x01\x02" * 1000,
]


@pytest.mark.parametrize("document", EMPTY_DOCUMENTS, ids=range(len(EMPTY_DOCUMENTS)))
def test_empty_or_binary_says_nothing(document: str | bytes) -> None:
    assert facts(document) == PageFacts(None, (), None, None, None, None, "")


@pytest.mark.parametrize(
    "script",
    [
        "{not json",
        '[1, 2, null, "x"]',
        '{"@type": 5, "headline": {"a": 1}, "datePublished": [null], "publisher": "text"}',
        '{"@graph": "not a list", "@type": "Article"}',
        "[" * 100_000,
        '{"@type": "Article", "headline": ["In a list"], "publisher": [null, {"name": 7}]}',
    ],
)
def test_garbage_json_ld_is_skipped(script: str) -> None:
    html = page(f'<script type="application/ld+json">{script}</script><title>Fallback</title>')
    found = facts(html)
    assert "Fallback" in found.titles


@pytest.mark.parametrize(
    "document",
    [
        "<",
        "<?xml version='1.0' encoding='utf-8'?><html><title>x</title></html>",
        "\ud800 lone surrogate <title>x</title>",
        "<html><head><title>a</title></head><body><svg><title>b</title></svg></body></html>",
        "<meta http-equiv=refresh content='0; url=http://example.com'><p>\ufffe\uffff</p>",
        "<base href='javascript:alert(1)'><a href='http://[::1'>broken</a>",
    ],
)
def test_odd_documents_do_not_raise(document: str) -> None:
    assert isinstance(facts(document, url="http://[bad"), PageFacts)


def test_a_url_as_the_document_is_not_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    import htmldate.utils
    import trafilatura.downloads

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("page_facts must do no I/O")

    monkeypatch.setattr(htmldate.utils, "fetch_url", no_network)
    monkeypatch.setattr(trafilatura.downloads, "fetch_url", no_network)
    found = facts("https://example.com/2020/01/02/story")
    assert found.title is None


def test_controls_in_titles_and_site_names_become_spaces() -> None:
    head = (
        "<title>Bad\x01\x07 title\x85 here\u202e evil</title>"
        '<meta property="og:site_name" content="Site\x1b[31m name">'
    )
    found = facts(page(head))
    assert found.title == "Bad title here evil"
    assert found.site == "Site [31m name"


def test_long_titles_and_site_names_are_capped() -> None:
    long = "word " * 2000
    head = f"<title>{long}</title><meta property='og:site_name' content='{long}'>"
    found = facts(page(head, f"<h1>{'x' * 10_000}</h1>"))
    assert all(len(title) <= MAX_FIELD for title in found.titles)
    assert found.site is not None
    assert len(found.site) <= MAX_FIELD


def test_only_the_first_max_html_is_read() -> None:
    filler = "<p>filler text</p>" * (MAX_HTML // 18 + 10)
    late = (f"<html><body>{filler}<h1>Too late</h1></body></html>").encode()
    assert len(late) > MAX_HTML
    found = facts(late)
    assert found.title is None
    assert len(found.text) <= MAX_TEXT


ADVERSARIAL = {
    "nested divs": "<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000,
    "repeated titles": "<title>x</title>" * 70_000,
    "unclosed titles": "<title>" * 150_000,
    "home links": '<a href="/">' * 90_000,
    "metas": '<meta name="date" content="x">' * 35_000,
    "separators": "<title>" + "a - " * 250_000 + "</title>",
    "times in articles": '<article><time datetime="x">' * 35_000,
    "json-ld": '<script type="application/ld+json">[' + '{"@graph":[[]]},' * 60_000 + "1]</script>",
    "spans": "<p>" + "<span>a</span>" * 75_000,
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_megabyte_finishes_in_bounded_time(name: str) -> None:
    # A guard against quadratic blow-ups, not a benchmark: the bound is generous.
    document = ADVERSARIAL[name]
    assert 0.5e6 < len(document) < 1.5e6
    start = time.perf_counter()
    found = facts(document.encode())
    assert time.perf_counter() - start < 10
    assert found.title is None or len(found.title) <= MAX_FIELD
