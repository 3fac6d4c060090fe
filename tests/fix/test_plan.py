"""`fix.plan`: each rule in Markdown, HTML and plain text, and no edit the second time."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from citecheck.archive.model import ArchiveResult
from citecheck.extract import extract
from citecheck.fix import Edit, FixOptions, apply, check_form, plan
from citecheck.model import CitationCheck, Document, Format, Outcome
from citecheck.resolve.model import Resolution

SNAP = "https://web.archive.org/web/20200101000000/https://example.com/gone"
RESOLVED = "https://www.state.gov/joint-statement?a=1&b=2"

Knowledge = Mapping[str, tuple[Outcome, ArchiveResult | None]]


def archived(url: str, timestamp: str | None = "2020-01-01T00:00:00Z") -> ArchiveResult:
    return ArchiveResult("archived", "found", url=url, timestamp=timestamp, source="wayback")


DEAD = Outcome("dead", "404", http_status=404)
OK = Outcome("ok", "200", http_status=200)


def checks_for(
    text: str,
    fmt: Format,
    links: Knowledge,
    resolution: Resolution | None = None,
    *,
    include_code: bool = False,
) -> list[CitationCheck]:
    """Every citation of `text` with the outcome `links` gives its URL (ok when not named)."""
    found, _ = extract(Document("doc", fmt, text, "utf-8"), include_code=include_code)
    result = []
    for citation in found:
        if citation.kind == "link":
            outcome, archive = links.get(citation.url or "", (OK, None))
            result.append(CitationCheck(citation, outcome, archive=archive))
        else:
            result.append(CitationCheck(citation, None, resolution=resolution))
    return result


def fixed(
    text: str,
    fmt: Format,
    links: Knowledge,
    resolution: Resolution | None = None,
    options: FixOptions | None = None,
) -> tuple[str, list[Edit]]:
    """The fixed text, after checking that planning again gives nothing."""
    options = options or FixOptions()
    edits = plan(text, fmt, checks_for(text, fmt, links, resolution), options)
    new = apply(text, edits)
    assert plan(new, fmt, checks_for(new, fmt, links, resolution), options) == []
    return new, edits


GONE = {"https://example.com/gone": (DEAD, archived(SNAP))}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("[t](https://example.com/gone)", f"[t](https://example.com/gone) ([archived]({SNAP}))"),
        (
            '[t](https://example.com/gone "T")',
            f'[t](https://example.com/gone "T") ([archived]({SNAP}))',
        ),
        ("<https://example.com/gone>", f"<https://example.com/gone> ([archived]({SNAP}))"),
        ("https://example.com/gone.", f"https://example.com/gone ([archived]({SNAP}))."),
    ],
)
def test_markdown_dead_link_gets_archived_copy(written: str, expected: str) -> None:
    new, edits = fixed(f"See {written}\n", "markdown", GONE)
    assert new == f"See {expected}\n"
    assert [e.code for e in edits] == ["archived-link"]
    assert (edits[0].line, edits[0].column) == (1, 5 + len(written.rstrip(".")))


def test_markdown_reference_gets_archived_copy_after_the_use() -> None:
    text = "See [t][r] here.\n\n[r]: https://example.com/gone\n"
    new, _ = fixed(text, "markdown", GONE)
    assert new == f"See [t][r] ([archived]({SNAP})) here.\n\n[r]: https://example.com/gone\n"


def test_soft_404_counts_failing_does_not() -> None:
    text = "See [t](https://example.com/gone).\n"
    soft = {"https://example.com/gone": (Outcome("soft-404", "x"), archived(SNAP))}
    failing = {"https://example.com/gone": (Outcome("failing", "x"), archived(SNAP))}
    assert fixed(text, "markdown", soft)[1]
    assert not fixed(text, "markdown", failing)[1]


def test_no_snapshot_no_edit() -> None:
    text = "See [t](https://example.com/gone).\n"
    missing = {"https://example.com/gone": (DEAD, ArchiveResult("not-archived", "none"))}
    assert fixed(text, "markdown", missing)[1] == []


def test_custom_form_with_date() -> None:
    options = FixOptions(archived_form=" [archived {date}]({url})")
    new, _ = fixed("[t](https://example.com/gone)\n", "markdown", GONE, options=options)
    assert new == f"[t](https://example.com/gone) [archived 2020-01-01]({SNAP})\n"


def test_any_archive_link_after_counts_as_done() -> None:
    text = "[t](https://example.com/gone) (copy: [here](https://archive.ph/abcde))\n"
    assert fixed(text, "markdown", GONE)[1] == []


def test_hostile_snapshot_url_is_encoded_in_markdown() -> None:
    hostile = 'https://web.archive.org/web/2020/https://x.org/a b)(c]"<d>'
    links = {"https://example.com/gone": (DEAD, archived(hostile))}
    new, _ = fixed("[t](https://example.com/gone)\n", "markdown", links)
    encoded = "https://web.archive.org/web/2020/https://x.org/a%20b%29%28c%5D%22%3Cd%3E"
    assert new == f"[t](https://example.com/gone) ([archived]({encoded}))\n"
    found, _ = extract(Document("doc", "markdown", new, "utf-8"))
    assert [c.url_raw for c in found][1] == encoded


@pytest.mark.parametrize("bad", ["https://web.archive.org/x\ny", "javascript:alert(1)"])
def test_unsafe_snapshot_url_is_refused(bad: str) -> None:
    links = {"https://example.com/gone": (DEAD, archived(bad))}
    assert fixed("[t](https://example.com/gone)\n", "markdown", links)[1] == []


def test_code_is_never_edited() -> None:
    text = "`https://example.com/gone`\n\n```\nhttps://example.com/gone\n```\n"
    checks = checks_for(text, "markdown", GONE, include_code=True)
    assert checks
    assert all(c.citation.in_code for c in checks)
    assert plan(text, "markdown", checks, FixOptions()) == []


def test_html_dead_link_gets_robust_links_and_visible_copy() -> None:
    text = '<p>See <a href="https://example.com/gone" title="a>b">it</a>.</p>\n'
    new, edits = fixed(text, "html", GONE)
    assert new == (
        '<p>See <a href="https://example.com/gone" title="a>b"'
        ' data-originalurl="https://example.com/gone"'
        f' data-versionurl="{SNAP}" data-versiondate="2020-01-01">it</a>'
        f' (<a href="{SNAP}">archived</a>).</p>\n'
    )
    assert [e.code for e in edits] == ["archived-link", "archived-link"]


def test_html_hostile_snapshot_is_escaped() -> None:
    hostile = 'https://web.archive.org/web/2020/https://x.org/?a=1&b="><script>'
    links = {"https://example.com/gone": (DEAD, archived(hostile))}
    new, _ = fixed('<p><a href="https://example.com/gone">it</a></p>', "html", links)
    escaped = "https://web.archive.org/web/2020/https://x.org/?a=1&amp;b=&quot;&gt;&lt;script&gt;"
    assert f'data-versionurl="{escaped}"' in new
    assert f'(<a href="{escaped}">archived</a>)' in new
    assert "<script>" not in new


def test_html_robustify_live_link() -> None:
    text = '<p><a href="https://example.com/live">it</a></p>'
    links = {"https://example.com/live": (OK, archived(SNAP, "20191231120000"))}
    assert fixed(text, "html", links)[1] == []
    new, edits = fixed(text, "html", links, options=FixOptions(robustify=True))
    assert [e.code for e in edits] == ["robust-link"]
    assert new == (
        '<p><a href="https://example.com/live" data-originalurl="https://example.com/live"'
        f' data-versionurl="{SNAP}" data-versiondate="2019-12-31">it</a></p>'
    )


def test_markdown_raw_html_link_uses_html_rules() -> None:
    new, _ = fixed('Raw <a href="https://example.com/gone">it</a>.\n', "markdown", GONE)
    assert f' (<a href="{SNAP}">archived</a>).' in new
    assert "data-versionurl" in new


def test_text_dead_link() -> None:
    new, _ = fixed("See https://example.com/gone, now.\r\n", "text", GONE)
    assert new == f"See https://example.com/gone (archived: {SNAP}), now.\r\n"


NEW = "https://example.com/moved?a=1&b=2"
MOVED = {"https://example.com/old": (Outcome("redirected", "301", suggested_url=NEW), None)}
ON = FixOptions(update_redirects=True)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("[t](https://example.com/old)", f"[t]({NEW})"),
        ("[t](<https://example.com/old>)", f"[t](<{NEW}>)"),
        ("<https://example.com/old>", f"<{NEW}>"),
        ("https://example.com/old", NEW),
    ],
)
def test_markdown_redirect_updated(written: str, expected: str) -> None:
    assert fixed(f"See {written} x\n", "markdown", MOVED)[1] == []
    new, edits = fixed(f"See {written} x\n", "markdown", MOVED, options=ON)
    assert new == f"See {expected} x\n"
    assert [e.code for e in edits] == ["redirect-updated"]


def test_markdown_redirect_in_definition_once() -> None:
    text = "[a][r] and [b][r]\n\n[r]: https://example.com/old\n"
    new, edits = fixed(text, "markdown", MOVED, options=ON)
    assert new == f"[a][r] and [b][r]\n\n[r]: {NEW}\n"
    assert len(edits) == 1


def test_html_redirect_escaped() -> None:
    text = "<a href='https://example.com/old'>x</a> <a href=https://example.com/old>y</a>"
    new, _ = fixed(text, "html", MOVED, options=ON)
    escaped = NEW.replace("&", "&amp;")
    assert new == f"<a href='{escaped}'>x</a> <a href=\"{escaped}\">y</a>"


def test_text_redirect() -> None:
    new, _ = fixed("Go to https://example.com/old now\n", "text", MOVED, options=ON)
    assert new == f"Go to {NEW} now\n"


SEE = "(see: Joint Statement on Ukraine – United States Department of State, March 11, 2025)"
SURE = Resolution("resolved", RESOLVED, 0.95, ("title matched",))


def test_markdown_reference_linked_on_its_title() -> None:
    new, edits = fixed(f"As stated {SEE}.\n", "markdown", {}, SURE)
    assert new == (
        f"As stated (see: [Joint Statement on Ukraine]({RESOLVED}) – United States Department"
        " of State, March 11, 2025).\n"
    )
    assert [e.code for e in edits] == ["link-added"]


def test_reference_without_title_linked_on_its_text() -> None:
    new, _ = fixed("Wire (Associated Press, 15 March 2025) said.\n", "markdown", {}, SURE)
    assert new == f"Wire ([Associated Press, 15 March 2025]({RESOLVED})) said.\n"


def test_html_reference_linked() -> None:
    new, _ = fixed(f"<p>As stated {SEE}.</p>", "html", {}, SURE)
    escaped = RESOLVED.replace("&", "&amp;")
    assert f'(see: <a href="{escaped}">Joint Statement on Ukraine</a> – United' in new


def test_html_reference_inside_a_link_is_left() -> None:
    text = f'<p><a href="https://example.com/x">As stated {SEE}</a>.</p>'
    edits = plan(text, "html", checks_for(text, "html", {}, SURE), FixOptions())
    assert [e.code for e in edits if e.code == "link-added"] == []


def test_text_reference_gets_url_after() -> None:
    new, _ = fixed(f"As stated {SEE}.\n", "text", {}, SURE)
    assert new == f"As stated {SEE} <{RESOLVED}>.\n"


def test_low_confidence_or_unresolved_is_left() -> None:
    unsure = Resolution("resolved", RESOLVED, 0.5, ())
    assert fixed(f"As stated {SEE}.\n", "markdown", {}, unsure)[1] == []
    assert fixed(f"As {SEE}.\n", "markdown", {}, Resolution("unresolved", None, 0, ()))[1] == []
    lowered = FixOptions(min_confidence=0.4)
    assert fixed(f"As stated {SEE}.\n", "markdown", {}, unsure, lowered)[1]


def test_hostile_resolved_url_in_markdown_and_html() -> None:
    hostile = Resolution("resolved", 'https://x.org/a b)"<i>', 0.99, ())
    new, _ = fixed(f"As stated {SEE}.\n", "markdown", {}, hostile)
    assert "[Joint Statement on Ukraine](https://x.org/a%20b%29%22%3Ci%3E)" in new
    new, _ = fixed(f"<p>As stated {SEE}.</p>", "html", {}, hostile)
    assert '<a href="https://x.org/a b)&quot;&lt;i&gt;">Joint Statement on Ukraine</a>' in new


@pytest.mark.parametrize(
    ("note", "linked"),
    [
        (
            "This article was originally published in The Guardian. Read the original here.",
            f"This article was originally published in The Guardian. [Read the original here]"
            f"({RESOLVED}).",
        ),
        ("本文转载自端传媒，原文按此。", f"本文转载自端传媒，[原文按此]({RESOLVED})。"),
    ],
)
def test_republication_note_gets_its_link(note: str, linked: str) -> None:
    new, edits = fixed(f"Intro.\n\n{note}\n", "markdown", {}, SURE)
    assert new == f"Intro.\n\n{linked}\n"
    assert [e.code for e in edits] == ["link-added"]


def test_republication_note_in_html_and_text() -> None:
    note = "本文转载自端传媒，原文按此。"
    new, _ = fixed(f"<p>{note}</p>", "html", {}, SURE)
    assert (
        new == f'<p>本文转载自端传媒，<a href="{RESOLVED.replace("&", "&amp;")}">原文按此</a>。</p>'
    )
    new, _ = fixed(f"{note}\n", "text", {}, SURE)
    assert new == f"本文转载自端传媒，原文按此 <{RESOLVED}>。\n"


def test_overlapping_edits_keep_the_first() -> None:
    text = "See [t](https://example.com/gone).\n"
    checks = checks_for(text, "markdown", GONE)
    twice = plan(text, "markdown", [*checks, *checks], FixOptions())
    assert twice == plan(text, "markdown", checks, FixOptions())
    assert len(twice) == 1


def test_stale_span_is_skipped() -> None:
    checks = checks_for("See [t](https://example.com/gone).\n", "markdown", GONE)
    assert plan("Different text entirely, long enough.\n", "markdown", checks, FixOptions()) == []


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        (" ([archived](x))", "must contain {url}"),
        (" ([archived]({url}))\n", "one line"),
        ("([archived]({url}))", "start with a space"),
        (" [{url}]({when})", "only {url} and {date}"),
        (" {url", "not a valid template"),
        (" ({url!r})", "may not format"),
    ],
)
def test_check_form_refuses(form: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem.replace("{", r"\{").replace("}", r"\}")):
        check_form(form)
    with pytest.raises(ValueError, match="archived-link form"):
        FixOptions(archived_form=form)


def test_check_form_accepts() -> None:
    assert check_form(" (archived {date}: <{url}>)") == " (archived {date}: <{url}>)"
