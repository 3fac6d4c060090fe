"""The HTML reader: attribute links, anchor text, bare URLs, directives, and exact positions."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citecheck.extract import extract, html
from citecheck.extract.links import Context
from citecheck.extract.positions import LineIndex
from citecheck.model import Citation, Document


def document(text: str) -> Document:
    return Document(path="t.html", format="html", text=text, encoding="utf-8")


def check_slices(text: str, citations: list[Citation]) -> None:
    for citation in citations:
        assert text[citation.span.start : citation.span.end] == citation.source
        assert citation.url_span is not None
        assert text[citation.url_span.start : citation.url_span.end] == citation.url_raw


def links(text: str, *, base_url: str | None = None, include_code: bool = False) -> list[Citation]:
    found, _ = extract(document(text), base_url=base_url, include_code=include_code)
    found = [c for c in found if c.kind == "link"]
    check_slices(text, found)
    return found


def test_columns_count_code_points_after_cjk_text() -> None:
    text = (
        "<html><body>\n"
        '<p>中文引用：<a href="https://example.org/a">来源</a></p>\n'
        "<p>見 https://example.org/bare。</p>\n"
    )
    anchor, bare = links(text)
    # `<p>` is 3 code points and `中文引用：` 5, so `<a` stands at column 9 of line 2.
    assert (anchor.span.line, anchor.span.column) == (2, 9)
    # The tag `<a href="https://example.org/a">` is 32 code points long.
    assert (anchor.span.end_line, anchor.span.end_column) == (2, 41)
    assert anchor.url_span is not None
    assert (anchor.url_span.line, anchor.url_span.column) == (2, 18)
    assert (anchor.url_span.end_line, anchor.url_span.end_column) == (2, 39)
    assert (anchor.form, anchor.url, anchor.text) == ("html-a", "https://example.org/a", "来源")
    # `<p>見 ` is 5 code points; the full stop `。` ends the URL.
    assert (bare.span.line, bare.span.column, bare.span.end_column) == (3, 6, 30)
    assert (bare.form, bare.url) == ("bare", "https://example.org/bare")


def test_each_kind_of_attribute_link() -> None:
    text = (
        '<a href="https://example.org/a" title="A &amp; B">anchor</a>\n'
        "<img src='https://example.org/i.png' alt=\"a &lt;pic&gt;\" title=T>\n"
        "<blockquote cite=https://example.org/bq><p>said</p></blockquote>\n"
        '<q cite="https://example.org/q">quoted</q>\n'
    )
    found = links(text)
    summary = [(c.form, c.span.line, c.span.column, c.url, c.text, c.title) for c in found]
    assert summary == [
        ("html-a", 1, 1, "https://example.org/a", "anchor", "A & B"),
        ("html-img", 2, 1, "https://example.org/i.png", "a <pic>", "T"),
        ("html-blockquote", 3, 1, "https://example.org/bq", "https://example.org/bq", None),
        ("html-q", 4, 1, "https://example.org/q", "https://example.org/q", None),
    ]
    assert found[0].source == '<a href="https://example.org/a" title="A &amp; B">'
    assert [c.url_raw for c in found] == [c.url for c in found]
    assert found[1].url_span is not None
    assert (found[1].url_span.line, found[1].url_span.column) == (2, 11)
    assert found[2].url_span is not None
    assert (found[2].url_span.column, found[2].url_span.end_column) == (18, 40)


def test_anchor_text_is_decoded_and_collapsed_and_falls_back_to_image_alt() -> None:
    text = (
        '<a href="https://example.org/1">Read <em>this</em>\n   &amp; that&#x21;  </a>\n'
        '<a href="https://example.org/2"><img src="https://example.org/2.png" alt="Logo"></a>\n'
        '<a href="https://example.org/3"></a>\n'
    )
    first, second, image, third = links(text)
    assert first.text == "Read this & that!"
    assert (second.form, second.text) == ("html-a", "Logo")
    assert (image.form, image.text, image.span.column) == ("html-img", "Logo", 33)
    assert third.text == "https://example.org/3"  # no text: the URL as written


def test_references_in_href_are_decoded_in_url_only() -> None:
    (found,) = links('<a href="https://example.org/p?a=1&amp;b=2">p</a>')
    assert found.url == "https://example.org/p?a=1&b=2"
    assert found.url_raw == "https://example.org/p?a=1&amp;b=2"
    assert found.url_span is not None
    assert (found.url_span.start, found.url_span.end) == (9, 42)


def test_base_href_resolves_the_relative_links_after_it() -> None:
    text = (
        '<a href="before.html">before</a>\n'
        '<base href="https://example.org/docs/">\n'
        '<base href="https://ignored.example/">\n'
        '<a href="page.html">page</a> <img src="../i.png"> <a href="https://other.org/">o</a>\n'
    )
    found = links(text)
    assert [(c.url, c.local) for c in found] == [
        (None, "before.html"),
        ("https://example.org/docs/page.html", None),
        ("https://example.org/i.png", None),
        ("https://other.org/", None),
    ]


def test_relative_base_needs_a_base_url_to_count() -> None:
    text = '<base href="/docs/"><a href="page.html">page</a>'
    (alone,) = links(text)
    assert (alone.url, alone.local) == (None, "page.html")
    (resolved,) = links(text, base_url="https://example.org/blog/post")
    assert (resolved.url, resolved.local) == ("https://example.org/docs/page.html", None)


def test_relative_link_is_local_without_base_url_and_absolute_with_one() -> None:
    text = '<a href="../img/a.png">a</a> <a href="#notes">notes</a>'
    assert [(c.url, c.local) for c in links(text)] == [(None, "../img/a.png"), (None, "#notes")]
    with_base = links(text, base_url="https://example.org/blog/post/")
    assert [(c.url, c.local) for c in with_base] == [
        ("https://example.org/blog/img/a.png", None),
        ("https://example.org/blog/post/#notes", None),
    ]


def test_targets_that_are_not_sources_are_skipped() -> None:
    text = (
        '<a href="javascript:alert(1)">js</a> <a href="">empty</a> <a href>none</a>'
        ' <img src="data:image/png;base64,AAAA"> <a href="mailto:a@example.org">mail</a>'
    )
    (mail,) = links(text)
    assert mail.url == "mailto:a@example.org"


def test_bare_urls_only_in_running_text() -> None:
    text = (
        "<head><title>https://example.org/title</title>\n"
        "<style>a { background: url(https://example.org/style) }</style>\n"
        "<script>fetch('https://example.org/script')</script></head>\n"
        "<body><p>See https://example.org/para, and www.example.org/www.</p>\n"
        '<a href="https://example.org/target">https://example.org/anchor-text</a>\n'
        "<textarea>https://example.org/textarea</textarea>\n"
        "<template>https://example.org/template</template>\n"
        '<p title="https://example.org/attribute">x</p>\n'
    )
    found = links(text)
    assert [(c.form, c.url, c.span.line) for c in found] == [
        ("bare", "https://example.org/para", 4),
        ("bare", "https://www.example.org/www", 4),
        ("html-a", "https://example.org/target", 5),
    ]
    assert (found[0].span.column, found[1].span.column) == (14, 44)


def test_bare_url_references_are_decoded_in_url_only() -> None:
    (found,) = links("<p>https://example.org/?a=1&amp;b=2 next</p>")
    assert (found.url_raw, found.url) == (
        "https://example.org/?a=1&amp;b=2",
        "https://example.org/?a=1&b=2",
    )


def test_code_and_pre_only_on_request_but_their_links_always() -> None:
    text = (
        "<p><code>https://example.org/code</code></p>\n"
        "<pre>\n  www.example.org/pre <a href='https://example.org/in-pre'>x</a>\n</pre>\n"
        "<p>https://example.org/after</p>\n"
    )
    found = links(text)
    assert [(c.url, c.in_code) for c in found] == [
        ("https://example.org/in-pre", False),
        ("https://example.org/after", False),
    ]
    with_code = links(text, include_code=True)
    assert [(c.url, c.in_code, c.span.line, c.span.column) for c in with_code] == [
        ("https://example.org/code", True, 1, 10),
        ("https://www.example.org/pre", True, 3, 3),
        ("https://example.org/in-pre", False, 3, 23),
        ("https://example.org/after", False, 5, 4),
    ]


def test_directive_comments_ignore_and_disable() -> None:
    text = (
        "<!-- citecheck-ignore -->\n"
        '<p><a href="https://example.org/ignored">x</a> https://example.org/kept-1</p>\n'
        "<!--citecheck-disable-->\n"
        '<p>https://example.org/off <img src="https://example.org/off.png"></p>\n'
        "<!-- CITECHECK-ENABLE -->\n"
        "<p>https://example.org/kept-2</p>\n"
        "<!-- just a comment: https://example.org/comment -->\n"
    )
    found, ignored = extract(document(text))
    assert [c.url for c in found] == ["https://example.org/kept-1", "https://example.org/kept-2"]
    assert ignored == 3
    context = Context(document(text), LineIndex(text))
    _, directives, _ = html.extract(context)
    assert [(d.action, d.start) for d in directives] == [
        ("ignore", 0),
        ("disable", text.index("<!--citecheck")),
        ("enable", text.index("<!-- CITECHECK")),
    ]


def test_directive_inside_script_is_not_a_directive() -> None:
    text = "<script><!-- citecheck-ignore --></script><a href='https://example.org/'>x</a>"
    found, ignored = extract(document(text))
    assert ([c.url for c in found], ignored) == (["https://example.org/"], 0)


def test_multi_line_start_tag_places_the_value_on_its_line() -> None:
    text = '<p>text\n<a class="x"\n   href="https://example.org/ml"\n   title="t">ml</a>'
    (found,) = links(text)
    assert (found.span.line, found.span.column) == (2, 1)
    assert (found.span.end_line, found.span.end_column) == (4, 14)
    assert found.url_span is not None
    assert (found.url_span.line, found.url_span.column, found.url_span.end_column) == (3, 10, 32)
    assert found.text == "ml"


def test_crlf_line_endings() -> None:
    text = '<p>one</p>\r\n<p>two\r\n<a href="https://example.org/c">c</a> https://example.org/d</p>'
    anchor, bare = links(text)
    assert (anchor.span.line, anchor.span.column) == (3, 1)
    assert anchor.url_span is not None
    assert (anchor.url_span.line, anchor.url_span.column) == (3, 10)
    assert (bare.span.line, bare.span.column, bare.url) == (3, 39, "https://example.org/d")


@pytest.mark.parametrize(
    "text",
    [
        "<p><a href=https://example.org/u>unclosed <b>bold",
        "</a></a><a href=https://example.org/u>x</a></p></div>",
        "<! garbage <a href=x> <!x <!-- <a href=https://example.org/u>",
        "<![CDATA[ x ]]><![if !IE]><![bogus <a href=https://example.org/u>",
        '<a href="https://example.org/u',
        "<a href='https://example.org/u>x</a>",
        "&#; &#x; &#xZZ; &amp &#99999999; &#; <a href=https://example.org/u>",
        "<script><a href=https://example.org/s>",
        "<<<>>></<//>>&&&<a<a<a href==https://example.org/u>",
        "<a href=\x00https://example.org/u\x00>\x00</a>",
        "<?php echo 1 ?><!doctype html><!DOCTYPE",
        "<a href=//[::1>x</a>",
        "",
    ],
)
def test_malformed_html_never_raises(text: str) -> None:
    links(text)
    links(text, base_url="https://example.org/base/", include_code=True)


def test_malformed_html_keeps_what_browsers_would_show() -> None:
    text = (
        "<p>stray</a> <a href=https://example.org/unquoted>one</a>\n"
        "&#; &#; <a href=https://example.org/after-bad-refs>two</a>\n"
        "<![bogus]> <a href=https://example.org/after-bogus>three</a>\n"
        "<a href='https://example.org/open>never closed"
    )
    found = links(text)
    assert [(c.url, c.text, c.span.line) for c in found] == [
        ("https://example.org/unquoted", "one", 1),
        ("https://example.org/after-bad-refs", "two", 2),
        ("https://example.org/after-bogus", "three", 3),
    ]


def test_fragment_offsets_are_into_the_whole_document() -> None:
    text = (
        "# Title\n"
        "Markdown [a](https://example.org/md) here.\n"
        '<div>見 <base href="https://example.org/d/"><a href="x.html">x</a> www.example.org/w\n'
        "</div>\n"
        'after <a href="y.html">y</a>\n'
    )
    context = Context(document(text), LineIndex(text))
    start = text.index("<div>")
    end = text.index("</div>") + len("</div>")
    fragment = html.extract_fragment(context, start, end)
    found, directives = fragment.citations, fragment.directives
    check_slices(text, found)
    assert directives == []
    summary = [(c.form, c.url, c.span.line, c.span.column) for c in found]
    assert summary == [
        ("html-a", "https://example.org/d/x.html", 3, 44),
        ("bare", "https://www.example.org/w", 3, 67),
    ]
    # The base set inside the fragment does not reach past it.
    (later,) = html.extract_fragment(context, text.index('<a href="y'), len(text)).citations
    assert (later.url, later.local, later.span.line, later.span.column) == (None, "y.html", 5, 7)


def test_inline_fragment_of_a_lone_start_tag() -> None:
    text = 'See <a href="https://example.org/i">this</a>.'
    context = Context(document(text), LineIndex(text))
    (found,) = html.extract_fragment(context, 4, 36).citations
    assert (found.source, found.text, found.span.column) == (
        '<a href="https://example.org/i">',
        "https://example.org/i",
        5,
    )


@pytest.mark.parametrize("pattern", ["<a a ", "<a c='>' ", "<!-- x>", "&#", "<![CDATA[ >", "<"])
def test_hostile_input_is_read_in_linear_time(pattern: str) -> None:
    # Without the terminator, CPython 3.11's parser takes over a minute on 100 KB of `<a a `.
    text = pattern * (200_000 // len(pattern))
    started = time.perf_counter()
    links(text)
    assert time.perf_counter() - started < 5


HTMLISH = [
    "<",
    ">",
    "</",
    "/>",
    "<!",
    "<!--",
    "-->",
    "<![",
    "]]>",
    "<?",
    "=",
    '"',
    "'",
    "&",
    "&amp;",
    "&#",
    "&#x5B;",
    ";",
    " ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\x00",
    "a",
    "a ",
    "<a ",
    "<a href=",
    "</a>",
    "<img src=",
    " alt=",
    "<q cite=",
    "<blockquote cite=",
    '<base href="',
    "<code>",
    "</pre>",
    "<pre>",
    "<script>",
    "</script>",
    "<title>",
    "<head>",
    "<template>",
    "<!-- citecheck-ignore -->",
    "<!-- citecheck-disable -->",
    "<!-- citecheck-enable -->",
    "https://a.org/x",
    "www.b.org",
    "/rel",
    "#f",
    "javascript:",
    "//",
    "[::1",
    "見",
    "。",
]

htmlish = st.lists(st.one_of(st.sampled_from(HTMLISH), st.text(max_size=3)), max_size=50).map(
    "".join
)


@settings(max_examples=500, deadline=None)
@given(htmlish, st.sampled_from([None, "https://example.org/a/b"]), st.booleans())
def test_any_htmlish_text_is_read_and_every_span_is_true(
    text: str, base_url: str | None, include_code: bool
) -> None:
    found = links(text, base_url=base_url, include_code=include_code)
    for citation in found:
        assert citation.url_span is not None
        assert citation.span.start <= citation.url_span.start <= citation.url_span.end
        assert citation.url_span.end <= citation.span.end


@settings(max_examples=300, deadline=None)
@given(htmlish, st.integers(0, 200), st.integers(0, 200))
def test_any_fragment_stays_within_its_bounds(text: str, start: int, end: int) -> None:
    context = Context(document(text), LineIndex(text))
    fragment = html.extract_fragment(context, start, end)
    found, directives = fragment.citations, fragment.directives
    check_slices(text, found)
    for citation in found:
        assert start <= citation.span.start <= citation.span.end <= end
    for directive in directives:
        assert start <= directive.start < directive.end <= end
