"""`report.markdown`: the GitHub-flavoured Markdown report, and that nothing an article or a page
says can turn into a link, an image, HTML, a mention, emphasis, a heading or a table break."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import markdown_it
from markdown_it.token import Token

sys.path.insert(0, str(Path(__file__).parent))  # the tests here import the helper `reports`
import reports

from citecheck.model import CheckReport, DocumentSummary, InputProblem
from citecheck.report.markdown import clean, code, escape, render

STRUCTURE = {
    # blocks
    "heading_open", "heading_close", "paragraph_open", "paragraph_close", "inline",
    "table_open", "table_close", "thead_open", "thead_close", "tbody_open", "tbody_close",
    "tr_open", "tr_close", "th_open", "th_close", "td_open", "td_close",
    "blockquote_open", "blockquote_close",
    # inline
    "text", "code_inline", "strong_open", "strong_close",
}  # fmt: skip
"""Every token type the report may produce (bold only where the report itself writes it)."""


def parse(text: str) -> list[Token]:
    """`text` parsed as GitHub would (CommonMark, tables, strikethrough), inlines flattened."""
    md = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens: list[Token] = []
    for token in md.parse(text):
        tokens.append(token)
        tokens.extend(token.children or ())
    return tokens


def cells(text: str) -> list[list[str]]:
    """Each table row of `text` as the text its cells render (code spans included)."""
    md = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    rows: list[list[str]] = []
    for token in md.parse(text):
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows and token.level >= 4:  # inside a cell
            rows[-1].append("".join(child.content for child in token.children or ()))
    return rows


def outside_code(text: str) -> str:
    """`text` without its code spans."""
    return re.sub(r"`[^`\n]*`", "", text)


def test_the_report_opens_with_a_heading_the_summary_and_counts_per_status_and_level() -> None:
    out = render(reports.sample())
    assert out.startswith("## citecheck\n\n8 citations in 2 documents: 2 ok, 1 redirected, 1 dead")
    assert "| Status | Citations |\n| --- | ---: |\n| ok | 2 |\n| redirected | 1 |\n" in out
    assert "| dead | 1 |\n| blocked | 1 |\n| not checked | 3 |\n" in out
    assert "| ✖ error | 1 |\n| ⚠ warning | 2 |\n| ℹ note | 3 |\n" in out


def test_each_document_has_a_heading_and_a_table_of_its_findings_only() -> None:
    out = render(reports.sample())
    a, b = out.split("### docs/a\\.md\n")[1].split("### docs/b\\.md\n")
    assert "6 citations; 1 with nothing to report, not listed." in a
    assert "2 citations; 1 with nothing to report, not listed." in b
    assert "news.example/fine" not in out  # the ok link is counted, not listed
    assert "nothing to check" not in out
    assert a.count("\n| ✖ error |") == 1
    assert a.count("\n| ⚠ warning |") == 1
    assert a.count("\n| ℹ note |") == 3
    assert b.count("\n| ⚠ warning |") == 1


def test_a_finding_row_shows_level_position_code_url_and_message() -> None:
    out = render(reports.sample())
    assert (
        "| ✖ error | 3:5 | dead | `https://news.example/gone` |"
        " dead: `https://news.example/gone` \\(HTTP 404 Not Found\\) |\n"
    ) in out
    assert (
        "| ℹ note | 7:1 | redirected | `https://news.example/old` | redirected permanently:" in out
    )
    assert "| ℹ note | 13:1 | unresolved | Survey of Everything | unresolved:" in out
    assert "| ⚠ warning | 2:1 | quote\\-not\\-found | we never said that |" in out


def test_fail_on_decides_what_is_an_error() -> None:
    out = render(reports.sample(), fail_on=frozenset({"blocked"}))
    assert "| ✖ error | 5:1 | blocked |" in out
    assert "| ⚠ warning | 3:5 | dead |" in out


def test_the_sample_parses_to_tables_with_one_row_per_finding() -> None:
    out = render(reports.sample())
    tokens = parse(out)
    assert {token.type for token in tokens} <= STRUCTURE
    # status table: header + 5; level table: header + 3; a.md: header + 5; b.md: header + 1
    assert sum(token.type == "tr_open" for token in tokens) == 6 + 4 + 6 + 2
    assert sum(token.type == "heading_open" for token in tokens) == 3


def test_a_hostile_title_is_escaped_exactly() -> None:
    assert escape(reports.HOSTILE) == (
        "\\]\\(javascript:alert\\(1\\)\\) &lt;img src=x onerror=alert\\(1\\)&gt; \\| `@`org/team"
        " \\*\\*bold\\*\\*  \\# heading"
    )


def test_a_hostile_title_makes_no_link_image_html_table_break_mention_emphasis_or_heading() -> None:
    out = render(reports.hostile())
    tokens = parse(out)
    types = {token.type for token in tokens}
    assert types <= STRUCTURE
    assert not types & {"link_open", "image", "html_inline", "html_block", "em_open", "s_open"}
    assert sum(token.type == "strong_open" for token in tokens) == 0
    assert sum(token.type == "heading_open" for token in tokens) == 2  # ours: report, document
    # status: header + 2; levels: header + 3; the document: header + 2 findings
    rows = cells(out)
    assert len(rows) == 3 + 4 + 3
    assert all(len(row) == len(rows[-1]) for row in rows[-3:])
    # The hostile text renders as itself, on one line.
    shown = clean(reports.HOSTILE)
    assert rows[-1][3] == shown
    assert rows[-1][4] == f"unresolved: {shown} ({shown})"
    assert rows[-2][4] == f"dead: https://evil.example/x ({shown})"
    assert "@" not in outside_code(out)


def test_urls_in_text_are_code_spans_so_they_cannot_become_autolinks() -> None:
    title = "see http://a.example/x, www.b.example and HTTPS://c.example/y?q=`x`|z\\w"
    assert escape(title) == (
        "see `http://a.example/x,` `www.b.example` and `HTTPS://c.example/y?q=%60x%60%7Cz%5Cw`"
    )
    out = render(reports.hostile(title))
    assert "://" not in outside_code(out)
    assert "www." not in outside_code(out)
    assert cells(out)[-1][3] == "see http://a.example/x, www.b.example and " + (
        "HTTPS://c.example/y?q=%60x%60%7Cz%5Cw"
    )


def test_a_url_with_backticks_and_pipes_cannot_end_its_code_span_or_split_its_cell() -> None:
    url = "https://e.example/a`b|c\\d` <x>"
    assert code(url) == "`https://e.example/a%60b%7Cc%5Cd%60 <x>`"
    rows = cells(render(reports.hostile("t", url=url)))
    assert rows[-2][3] == "https://e.example/a%60b%7Cc%5Cd%60 <x>"
    assert len(rows[-2]) == 5


def test_mentions_email_addresses_and_issue_references_are_defused_as_code() -> None:
    assert escape("ask @org/team, a@b.example, #12 and #x") == (
        "ask `@`org/team, a`@`b\\.example, `#`12 and \\#x"
    )


def test_emphasis_strikethrough_and_block_markers_are_escaped() -> None:
    text = "~~s~~ _e_ *i* 1. - + > ! {x}"
    assert escape(text) == "\\~\\~s\\~\\~ \\_e\\_ \\*i\\* 1\\. \\- \\+ &gt; \\! \\{x\\}"
    rows = cells(render(reports.hostile(text)))
    assert rows[-1][3] == text


def test_entities_and_escapes_written_in_the_text_stay_text() -> None:
    out = render(reports.hostile("&lt;b&gt; &#64;me \\*x\\*"))
    assert cells(out)[-1][3] == "&lt;b&gt; &#64;me \\*x\\*"


def test_line_breaks_become_spaces_and_invisible_characters_replacement_characters() -> None:
    text = "a\nb\r\nc\u2028d\te\x1b[31mf\u202eg\u2066h\u200bi\u200dj\ufeffk\x85l\ud800m\x7fn"
    assert clean(text) == "a b c d e\ufffd[31mf\ufffdg\ufffdh\ufffdi\ufffdj\ufffdk l\ufffdm\ufffdn"
    rows = cells(render(reports.hostile(text)))
    assert rows[-1][3] == clean(text)


def test_long_cells_are_capped() -> None:
    shown = clean("x" * 1000)
    assert len(shown) == 300
    assert shown.endswith("x…")
    assert escape("y" * 1000).count("y") == 299
    assert code("https://a.example/" + "z" * 1000).endswith("z…`")


def test_a_hostile_path_is_escaped_in_its_heading() -> None:
    path = "# x](javascript:y) <b>@me.md"
    out = render(reports.hostile("t", path=path))
    assert "### \\# x\\]\\(javascript:y\\) &lt;b&gt;`@`me\\.md\n" in out
    assert not {token.type for token in parse(out)} - STRUCTURE


def test_documents_without_findings_unreadable_inputs_offline_and_notes_are_reported() -> None:
    report = CheckReport(
        documents=(DocumentSummary("quiet.md", "markdown", "utf-8", 0),),
        problems=(InputProblem("<gone>.md", "no such file | @x", "not-found"),),
        offline=True,
        notes=("cache rebuilt *now*",),
    )
    out = render(report)
    assert "### quiet\\.md\n\n0 citations, nothing to report.\n" in out
    assert "**Offline**: no host could be reached; the links were not checked." in out
    assert "> cache rebuilt \\*now\\*\n" in out
    assert "| &lt;gone&gt;\\.md | not\\-found | no such file \\| `@`x |\n" in out
    assert "| Status |" not in out  # nothing was checked


def test_an_empty_report_still_renders() -> None:
    out = render(CheckReport())
    assert out.startswith("## citecheck\n\n0 citations in 0 documents")
    assert out.endswith("| ℹ note | 0 |\n")
