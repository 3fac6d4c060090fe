"""Which `#fragment`s a page or a file has: ids and names in HTML, heading slugs in Markdown.

A link to `page#section` works only if the page has that anchor, so `--check-fragments` looks
for it in the fetched page (or the local file). Browsers scroll to an element whose `id` is the
fragment, or to an `<a name>` of it. Markdown renderers give each heading an id made from its
text; the common rule (GitHub's, also GitLab's and markdown-it-anchor's) lower-cases the text,
drops punctuation, turns spaces into hyphens, and numbers repeats (`intro`, `intro-1`). Explicit
`{#id}` attributes and raw HTML ids in Markdown count too.

Some fragments are not anchors and always pass: the empty one, `top` (browsers scroll to the
top), text fragments (`:~:text=`), GitHub line anchors (`L10`, `L10-L20`).
"""

from __future__ import annotations

import html
import re
import unicodedata

_ID = re.compile(
    r"""<[a-zA-Z][^>]*?\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""",
    re.IGNORECASE,
)
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_SETEXT = re.compile(r"^(?! {4})(\S[^\n]*)\n {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
_ATTRIBUTE_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")
_INLINE_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[`*_~]|<[^>]+>")
_ALWAYS = re.compile(r"top|:~:.*|L\d+(?:-L\d+)?", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[ \t]*$", re.MULTILINE | re.DOTALL)


def always_present(fragment: str) -> bool:
    """Whether a fragment needs no anchor to work."""
    return not fragment or bool(_ALWAYS.fullmatch(fragment))


def html_anchors(page: str) -> frozenset[str]:
    """Every `id` and `name` attribute value in an HTML page, entities decoded."""
    return frozenset(
        html.unescape(next(group for group in match.groups() if group is not None))
        for match in _ID.finditer(page)
    )


def slug(heading: str) -> str:
    """A Markdown heading's id, as GitHub makes it."""
    text = _INLINE_MARKUP.sub(lambda m: m.group(1) or "", heading).strip().lower()
    kept = []
    for char in text:
        if char in " -":
            kept.append("-")
        elif char == "_" or unicodedata.category(char)[0] in "LNM":
            kept.append(char)
    return "".join(kept)


def markdown_anchors(text: str) -> frozenset[str]:
    """The ids of a Markdown document's headings (numbered on repeats), explicit `{#id}`s, and
    the ids and names of its raw HTML."""
    without_code = _FENCE.sub("", text)
    headings = [(match.start(), match.group(2)) for match in _ATX.finditer(without_code)] + [
        (match.start(), match.group(1)) for match in _SETEXT.finditer(without_code)
    ]
    found: set[str] = set()
    counts: dict[str, int] = {}
    for _, heading in sorted(headings):
        explicit = _ATTRIBUTE_ID.search(heading)
        if explicit is not None:
            found.add(explicit.group(1))
            heading = heading[: explicit.start()]
        base = slug(heading)
        seen = counts.get(base, 0)
        counts[base] = seen + 1
        found.add(base if seen == 0 else f"{base}-{seen}")
    return frozenset(found) | html_anchors(without_code)


def has_anchor(anchors: frozenset[str], fragment: str) -> bool:
    """Whether `fragment` (percent-decoded) names one of `anchors`."""
    return always_present(fragment) or fragment in anchors
