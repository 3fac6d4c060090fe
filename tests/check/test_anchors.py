"""Fragments: HTML ids and names, Markdown heading slugs."""

from __future__ import annotations

from citecheck import anchors


def test_html_ids_and_names() -> None:
    page = '<h2 id="intro">x</h2><a name=old-anchor></a><div ID=\'Caps\'></div><p data-id="no">'
    assert anchors.html_anchors(page) == {"intro", "old-anchor", "Caps"}


def test_markdown_slugs_like_github() -> None:
    text = (
        "# Hello, World!\n\n## Hello, World!\n\nSetext\n------\n\n"
        "### `code` and *emphasis* {#custom}\n\n```\n# not a heading\n```\n\n## 中文 標題\n"
    )
    found = anchors.markdown_anchors(text)
    assert {"hello-world", "hello-world-1", "setext", "custom", "中文-標題"} <= found
    assert "not-a-heading" not in found


def test_fragments_that_need_no_anchor() -> None:
    assert anchors.has_anchor(frozenset(), "top")
    assert anchors.has_anchor(frozenset(), ":~:text=hello")
    assert anchors.has_anchor(frozenset(), "L10-L20")
    assert not anchors.has_anchor(frozenset({"a"}), "b")
