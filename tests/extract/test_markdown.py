"""Markdown: every link form, at its exact line and column, and nothing from code."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.extract import extract
from citecheck.model import Citation, Document

DATA = Path(__file__).parent.parent / "data"


def markdown(text: str, **options: object) -> list[Citation]:
    found, _ = extract(Document("t.md", "markdown", text, "utf-8"), **options)  # type: ignore[arg-type]
    return [c for c in found if c.kind == "link"]


def column_of(line_text: str, before: str, snippet: str) -> int:
    """1-based column of `snippet` where it follows `before` on the line (worked out by hand)."""
    return line_text.index(before + snippet) + len(before) + 1


# (line, text just before, the construct as written, form, url or local target)
ALL_FORMS = [
    (
        3,
        "An inline ",
        '[link](https://example.org/inline "Title")',
        "inline",
        "https://example.org/inline",
    ),
    (
        3,
        "an image ",
        "![logo](https://example.org/logo.png)",
        "image",
        "https://example.org/logo.png",
    ),
    (4, "Reference ", "[full][ref]", "reference", "https://example.org/reference"),
    (4, "collapsed ", "[ref][]", "reference", "https://example.org/reference"),
    (4, "shortcut ", "[ref]", "reference", "https://example.org/reference"),
    (4, "an autolink ", "<https://example.org/auto>", "autolink", "https://example.org/auto"),
    (5, "A bare URL ", "https://example.org/bare", "bare", "https://example.org/bare"),
    (5, "scheme-less ", "www.example.org/path", "bare", "https://www.example.org/path"),
    (5, "mail ", "<editor@example.org>", "autolink", "mailto:editor@example.org"),
    (
        7,
        "Quoted ",
        "[link in quote](https://example.org/quote)",
        "inline",
        "https://example.org/quote",
    ),
    (7, "見", "https://example.org/cjk", "bare", "https://example.org/cjk"),
    (
        9,
        "with ",
        "[nested ![img](https://example.org/nested.png)](https://example.org/outer)",
        "inline",
        "https://example.org/outer",
    ),
    (
        9,
        "nested ",
        "![img](https://example.org/nested.png)",
        "image",
        "https://example.org/nested.png",
    ),
    (11, "", "[ref]: https://example.org/reference", "definition", "https://example.org/reference"),
    (
        21,
        '<div class="note">',
        '<a href="https://example.org/html-block">',
        "html-a",
        "https://example.org/html-block",
    ),
    (
        23,
        "Inline HTML ",
        '<a href="https://example.org/html-inline">',
        "html-a",
        "https://example.org/html-inline",
    ),
    (26, "and ", "[kept](https://example.org/kept)", "inline", "https://example.org/kept"),
    (34, "| ", "https://example.org/table", "bare", "https://example.org/table"),
    (36, "Relative ", "[page](docs/page.md)", "inline", "docs/page.md"),
    (36, "and ", "[anchor](#every-link-form)", "inline", "#every-link-form"),
]


@pytest.fixture(scope="module")
def all_forms() -> tuple[list[str], list[Citation], int]:
    text = (DATA / "all_forms.md").read_text(encoding="utf-8")
    found, ignored = extract(Document("all_forms.md", "markdown", text, "utf-8"))
    found = [c for c in found if c.kind == "link"]
    return text.split("\n"), found, ignored


def test_every_markdown_link_form_at_its_exact_position(
    all_forms: tuple[list[str], list[Citation], int],
) -> None:
    lines, found, _ = all_forms
    expected = [
        (line, column_of(lines[line - 1], before, snippet), snippet, form, target)
        for line, before, snippet, form, target in ALL_FORMS
    ]
    actual = [(c.span.line, c.span.column, c.source, c.form, c.url or c.local) for c in found]
    assert actual == expected


def test_a_few_positions_spelled_out(all_forms: tuple[list[str], list[Citation], int]) -> None:
    _, found, _ = all_forms
    first, image = found[0], found[1]
    assert (first.span.line, first.span.column, first.span.end_column) == (3, 11, 53)
    assert first.url_span is not None
    assert (first.url_span.line, first.url_span.column) == (3, 18)
    assert (image.span.line, image.span.column) == (3, 67)
    cjk = next(c for c in found if c.url == "https://example.org/cjk")
    assert (cjk.span.line, cjk.span.column) == (7, 54)  # 見 counts as one column


def test_nothing_from_code_and_directives_counted(
    all_forms: tuple[list[str], list[Citation], int],
) -> None:
    _, found, ignored = all_forms
    urls = {c.url for c in found}
    for hidden in ("code-span", "fenced", "indented", "ignored", "disabled"):
        assert f"https://example.org/{hidden}" not in urls
    assert ignored == 2


def test_text_title_and_label(all_forms: tuple[list[str], list[Citation], int]) -> None:
    _, found, _ = all_forms
    by_source = {c.source: c for c in found}
    link = by_source['[link](https://example.org/inline "Title")']
    assert (link.text, link.title, link.url_raw) == ("link", "Title", "https://example.org/inline")
    assert by_source["![logo](https://example.org/logo.png)"].text == "logo"
    outer = by_source["[nested ![img](https://example.org/nested.png)](https://example.org/outer)"]
    assert outer.text == "nested img"
    full = by_source["[full][ref]"]
    assert (full.text, full.label) == ("full", "ref")
    assert full.url_span is not None
    assert full.url_span.line == 11
    definition = by_source["[ref]: https://example.org/reference"]
    assert (definition.title, definition.label) == ("Ref title", "ref")
    bare = by_source["https://example.org/bare"]
    assert bare.text == "https://example.org/bare"
    assert by_source['<a href="https://example.org/html-block">'].text == "HTML block"


def test_code_is_included_on_request() -> None:
    text = (DATA / "all_forms.md").read_text(encoding="utf-8")
    found = markdown(text, include_code=True)
    in_code = [(c.span.line, c.span.column, c.url) for c in found if c.in_code]
    assert in_code == [
        (13, 7, "https://example.org/code-span"),
        (16, 1, "https://example.org/fenced"),
        (19, 5, "https://example.org/indented"),
    ]


def test_crlf_and_bom_free_positions() -> None:
    text = "# T\r\n\r\nSee [a](https://a.org/x)\r\nand https://b.org/y.\r\n"
    found = markdown(text)
    assert [(c.span.line, c.span.column, c.url) for c in found] == [
        (3, 5, "https://a.org/x"),
        (4, 5, "https://b.org/y"),
    ]
    assert all(text[c.span.start : c.span.end] == c.source for c in found)


def test_link_spanning_lines() -> None:
    text = "A [long\nlabel](https://a.org/x) end"
    (link,) = markdown(text)
    assert (link.span.line, link.span.column, link.span.end_line) == (1, 3, 2)
    assert link.text == "long label"
    assert link.url_span is not None
    assert (link.url_span.line, link.url_span.column) == (2, 8)


def test_escapes_and_entities_in_destinations() -> None:
    text = "[a](https://a.org/x\\_y?p=1&amp;q=2) and https://b.org/\\_z"
    found = markdown(text)
    assert [(c.url, c.url_raw) for c in found] == [
        ("https://a.org/x_y?p=1&q=2", "https://a.org/x\\_y?p=1&amp;q=2"),
        ("https://b.org/_z", "https://b.org/\\_z"),
    ]


def test_angle_bracket_destination_and_titles() -> None:
    found = markdown("[a](<https://a.org/a b> 'T') ![i](https://a.org/i.png (Img))")
    assert [(c.url_raw, c.title, c.url_span.column if c.url_span else 0) for c in found] == [
        ("https://a.org/a b", "T", 6),
        ("https://a.org/i.png", "Img", 35),
    ]


def test_links_in_nested_containers_and_headings() -> None:
    text = "> - item [a](https://a.org/x)\n>   > deep https://b.org/y\n## Head https://c.org/z ##\n"
    found = markdown(text)
    assert [(c.span.line, c.span.column, c.url) for c in found] == [
        (1, 10, "https://a.org/x"),
        (2, 12, "https://b.org/y"),
        (3, 9, "https://c.org/z"),
    ]


def test_table_cells_with_repeated_text() -> None:
    text = "| a | a |\n|---|---|\n| https://a.org/x | https://a.org/x |\n"
    found = markdown(text)
    assert [(c.span.line, c.span.column) for c in found] == [(3, 3), (3, 21)]


def test_reference_use_before_definition_and_undefined_label() -> None:
    text = "Use [x][later] and [nothing][none].\n\n[later]: https://a.org/later\n"
    found = markdown(text)
    assert [(c.form, c.url) for c in found] == [
        ("reference", "https://a.org/later"),
        ("definition", "https://a.org/later"),
    ]


def test_unsafe_and_empty_targets_are_not_sources() -> None:
    assert markdown("[a](javascript:alert(1)) [b]() [c](<>)") == []


def test_relative_links_with_a_base_url() -> None:
    (link,) = markdown("[a](docs/x.md#part)", base_url="https://site.org/blog/")
    assert (link.url, link.local) == ("https://site.org/blog/docs/x.md#part", None)


def test_url_inside_link_text_is_not_a_second_link() -> None:
    found = markdown("[see https://a.org/shown](https://a.org/real)")
    assert [c.url for c in found] == ["https://a.org/real"]


def test_disable_without_enable_runs_to_the_end() -> None:
    text = "https://a.org/1\n\n<!-- citecheck-disable -->\n\nhttps://a.org/2\n\nhttps://a.org/3\n"
    found, ignored = extract(Document("t.md", "markdown", text, "utf-8"))
    assert [c.url for c in found] == ["https://a.org/1"]
    assert ignored == 2


def test_directive_in_code_is_not_a_directive() -> None:
    text = "`<!-- citecheck-ignore -->` https://a.org/kept\n"
    assert [c.url for c in markdown(text)] == ["https://a.org/kept"]


def test_reference_article_reports_www_gov_br_on_line_78() -> None:
    text = (
        Path(__file__).parents[2] / "examples" / "lo-2025-us-russia-ukraine-appeasement.txt"
    ).read_text(encoding="utf-8")
    found = markdown(text)
    assert [(c.span.line, c.text, c.url) for c in found] == [
        (78, "www.gov.br", "https://www.gov.br")
    ]


def test_a_nul_character_does_not_shift_the_line() -> None:
    # markdown-it reads NUL as U+FFFD; the line is still found (hypothesis found this one)
    text = "> <https://f.org>\x00"
    found, _ = extract(Document("a.md", "markdown", text, "utf-8"))
    (link,) = found
    assert (link.span.column, link.source) == (3, "<https://f.org>")


def test_ignore_directive_is_taken_by_the_next_link_not_by_a_quotation() -> None:
    text = (
        "<!-- citecheck-ignore -->\n"
        '"We will not give up," said Zelensky ([source](https://example.org/ignored)), and\n'
        "the AP reported it (Associated Press, 15 March 2025) https://example.org/kept\n"
    )
    found, ignored = extract(Document("t.md", "markdown", text, "utf-8"))
    assert ignored == 1
    assert [c.url for c in found if c.kind == "link"] == ["https://example.org/kept"]
    assert [c.kind for c in found if c.kind != "link"] != []  # the quotation is still there


def test_first_pass_links_are_the_links_the_whole_extraction_reports() -> None:
    from citecheck.extract import read

    for path in [*sorted((DATA / "articles").glob("*")), DATA / "all_forms.md"]:
        if path.suffix not in {".md", ".html", ".txt"}:
            continue
        fmt = {".md": "markdown", ".html": "html", ".txt": "text"}[path.suffix]
        document = Document(str(path), fmt, path.read_text(encoding="utf-8"), "utf-8")  # type: ignore[arg-type]
        found, _ = extract(document)
        assert read(document).reported_links() == [c for c in found if c.kind == "link"], path
