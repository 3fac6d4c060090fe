"""The terminal table: what it shows, and that article text cannot drive the terminal."""

from __future__ import annotations

from citecheck.extract import extract
from citecheck.model import Document, DocumentSummary, ExtractReport, InputProblem
from citecheck.report import table
from citecheck.report.safe import terminal_safe


def report_for(text: str, fmt: str = "markdown") -> ExtractReport:
    found, ignored = extract(Document("a.md", fmt, text, "utf-8"))  # type: ignore[arg-type]
    summary = DocumentSummary("a.md", "markdown", "utf-8", len(found), ignored)
    return ExtractReport((summary,), tuple(found))


def test_rows_show_position_kind_text_and_target() -> None:
    out = table.render(report_for("See [the report](https://a.org/r) and docs/x.md [l](x.md)\n"))
    assert "1:5" in out
    assert "link (inline)" in out
    assert "the report" in out
    assert "https://a.org/r" in out
    assert "local: x.md" in out
    assert "2 citations in 1 document" in out


def test_invalid_targets_say_why() -> None:
    out = table.render(report_for("see http://[::1 now\n"), width=200)
    assert "invalid:" in out
    assert "http://[::1" in out


def test_control_and_bidi_characters_are_escaped() -> None:
    text = '<a href="https://a.org/x">\x1b]8;;\x07hi\u202eevil</a>'
    out = table.render(report_for(text, "html"), width=200, color=True)
    assert "\x07" not in out
    assert "\u202e" not in out
    assert "\\x1b]8;;\\x07hi\\u202eevil" in out
    # The only escape sequences left are rich's own colours.
    assert "\x1b]8" not in out


def test_rich_markup_in_articles_is_shown_as_text() -> None:
    out = table.render(report_for("[[bold red]boo[/]](https://a.org/x)\n"), width=200)
    assert "[bold red]boo[/]" in out


def test_problems_and_empty_documents_are_listed() -> None:
    report = ExtractReport(
        (DocumentSummary("empty.md", "markdown", "utf-8", 0),),
        (),
        (InputProblem("scan.pdf", "scan.pdf: looks binary.", "binary"),),
    )
    out = table.render(report, width=200)
    assert "empty.md: no citations" in out
    assert "scan.pdf: looks binary." in out
    assert "0 citations in 1 document, 1 input unreadable" in out


def test_terminal_safe() -> None:
    assert terminal_safe("a\x1b[31mb\tc\nd\u2066") == "a\\x1b[31mb\\tc\\nd\\u2066"
    assert terminal_safe("line\nbreak", keep_newlines=True) == "line\nbreak"
    assert terminal_safe("中文 é “quotes”") == "中文 é “quotes”"


def test_text_cell_is_left_empty_only_when_it_repeats_the_target() -> None:
    out = table.render(report_for("https://a.org/x and www.gov.br\n"), width=200)
    assert out.count("https://a.org/x") == 1
    assert "www.gov.br" in out.replace("https://www.gov.br", "")
