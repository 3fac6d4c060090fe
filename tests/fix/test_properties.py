"""Properties of `citecheck fix` over generated documents: nothing outside the edits changes (not
a byte, nor the encoding, byte order mark or line endings), and fixing twice changes nothing."""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from citecheck.archive.model import ArchiveResult
from citecheck.encoding import decode
from citecheck.extract import extract
from citecheck.fix import FixOptions, apply, encode_like, plan
from citecheck.model import CitationCheck, Document, Format, Outcome
from citecheck.resolve.model import Resolution

OK = Outcome("ok", "200", http_status=200)
RESOLVED = Resolution("resolved", "https://www.state.gov/statement?a=1&b=2", 0.95, ("title",))
WORDS = [
    "(see: Joint Statement on Ukraine – United States Department of State, March 11, 2025)",
    "(Associated Press, 15 March 2025)",
    "This article was originally published in The Guardian. Read the original here.",
    "本文转载自端传媒，原文按此。",
]


@dataclass(frozen=True)
class Fate:
    """What checking found for one URL."""

    outcome: Outcome
    archive: ArchiveResult | None


def _checks(text: str, fmt: Format, fates: Mapping[str, Fate]) -> list[CitationCheck]:
    found, _ = extract(Document("doc", fmt, text, "utf-8"))
    result = []
    for citation in found:
        if citation.kind != "link":
            result.append(CitationCheck(citation, None, resolution=RESOLVED))
            continue
        fate = fates.get(citation.url or "", Fate(OK, None))
        result.append(CitationCheck(citation, fate.outcome, archive=fate.archive))
    return result


URLS = st.builds(
    lambda host, path, query: f"https://{host}.example/{path}{query}",
    st.sampled_from(["news", "gov", "site", "中文"]),
    st.sampled_from(["a", "b/c", "2025/03/story-1", "x_y", "页"]),
    st.sampled_from(["", "?a=1&b=2", "#part"]),
)


@st.composite
def fates(draw: st.DrawFn, url: str) -> Fate:
    kind = draw(st.sampled_from(["dead", "soft", "dead-unarchived", "ok", "moved", "fail"]))
    stamp = draw(st.sampled_from(["20200101000000", "2019-05-06T07:08:09Z", None]))
    snapshot = f"https://web.archive.org/web/{stamp or '2018'}/{url}"
    archive = ArchiveResult("archived", "found", url=snapshot, timestamp=stamp)
    if kind == "dead":
        return Fate(Outcome("dead", "404", http_status=404), archive)
    if kind == "soft":
        return Fate(Outcome("soft-404", "soft"), archive)
    if kind == "dead-unarchived":
        return Fate(Outcome("dead", "404"), ArchiveResult("not-archived", "none"))
    if kind == "moved":
        moved = url.replace(".example/", ".example/moved/")
        return Fate(Outcome("redirected", "301", suggested_url=moved), archive)
    if kind == "fail":
        return Fate(Outcome("failing", "x"), archive)
    return Fate(OK, archive)


PROSE = st.lists(
    st.sampled_from([*"abc XYZ 中文新闻報導，。「」*_#-!.,:;?'\"[]()<>`\\&", "\n", "\n\n"]),
    max_size=12,
).map("".join)
HTML_PROSE = st.text(
    alphabet=st.sampled_from([*list("abc XYZ 中文新闻，。*_#-!.,:;?"), "\n"]), max_size=12
)


def _markdown_link(form: str, url: str, index: int) -> tuple[str, str]:
    """A link in Markdown, and a definition it needs (or "")."""
    if form == "inline":
        return f"[text {index}]({url})", ""
    if form == "titled":
        return f'[text]({url} "A title")', ""
    if form == "autolink":
        return f"<{url}>", ""
    if form == "bare":
        return f" {url} ", ""
    if form == "reference":
        return f"[text][r{index}]", f"[r{index}]: {url}"
    return f'<a href="{url.replace("&", "&amp;")}">text</a>', ""


@st.composite
def documents(draw: st.DrawFn) -> tuple[Format, str, dict[str, Fate]]:
    fmt: Format = draw(st.sampled_from(["markdown", "html", "text"]))
    count = draw(st.integers(1, 5))
    urls = draw(st.lists(URLS, min_size=count, max_size=count))
    pieces: list[str] = []
    definitions: list[str] = []
    for index, url in enumerate(urls):
        if draw(st.integers(0, 3)) == 0:
            # In a paragraph of its own: how prose around it reads can change with the edits
            # (an unbalanced parenthesis before a link swallows the citation after it).
            pieces.append(f"\n\n{draw(st.sampled_from(WORDS))}\n\n")
        if fmt == "markdown":
            pieces.append(draw(PROSE))
            form = draw(st.sampled_from(["inline", "titled", "autolink", "bare", "reference", "a"]))
            link, definition = _markdown_link(form, url, index)
            pieces.append(link)
            if definition:
                definitions.append(definition)
        elif fmt == "html":
            pieces.append(draw(HTML_PROSE))
            attribute = draw(st.sampled_from(["", ' title="a>b"', " class=x"]))
            pieces.append(f'<a{attribute} href="{url.replace("&", "&amp;")}">text</a>')
        else:
            pieces.append(draw(PROSE))
            pieces.append(f" {url} ")
    pieces.append(draw(PROSE if fmt != "html" else HTML_PROSE))
    text = "".join(pieces)
    if definitions:
        text += "\n\n" + "\n".join(definitions) + "\n"
    if fmt == "html":
        text = f"<p>{text}</p>\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    knowledge = {url: draw(fates(url)) for url in dict.fromkeys(urls)}
    return fmt, text, knowledge


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "gb18030"]


def _encode(text: str, encoding: str) -> tuple[bytes, bytes, str]:
    """The bytes, the byte order mark among them, and the codec of the rest."""
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8"), codecs.BOM_UTF8, "utf-8"
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le"), codecs.BOM_UTF16_LE, "utf-16-le"
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be"), codecs.BOM_UTF16_BE, "utf-16-be"
    return text.encode(encoding), b"", encoding


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.sampled_from(ENCODINGS), st.booleans(), st.booleans())
def test_fix_changes_only_its_edits_and_is_idempotent(
    document: tuple[Format, str, dict[str, Fate]],
    encoding: str,
    update_redirects: bool,
    robustify: bool,
) -> None:
    fmt, text, knowledge = document
    original, bom, codec = _encode(text, encoding)
    decoded, name = decode(original, "gb18030") if encoding == "gb18030" else decode(original)
    assert decoded == text
    options = FixOptions(update_redirects=update_redirects, robustify=robustify)
    edits = plan(text, fmt, _checks(text, fmt, knowledge), options)
    new_text = apply(text, edits)
    for edit in edits:
        event(f"{fmt} {edit.code}")
    new = encode_like(original, name, new_text)

    # Every byte outside the edits is where it was, in order; the edits are all that is new.
    expected = bytearray(bom)
    position = 0
    for edit in edits:
        assert "\n" not in edit.replacement
        assert "\r" not in edit.replacement
        expected += original[_at(text, position, bom, codec) : _at(text, edit.start, bom, codec)]
        expected += edit.replacement.encode(codec)
        position = edit.end
    expected += original[_at(text, position, bom, codec) :]
    assert new == bytes(expected)
    assert new.startswith(bom)
    assert decode(new, name if encoding == "gb18030" else None) == (
        new_text,
        name,
    )
    assert new_text.count("\r\n") == text.count("\r\n")
    assert new_text.count("\n") == text.count("\n")

    # Fixing again, knowing the same (the archived copies now linked are live), changes nothing.
    again = plan(new_text, fmt, _checks(new_text, fmt, knowledge), options)
    assert again == [], (text, new_text, again)


def _at(text: str, offset: int, bom: bytes, codec: str) -> int:
    """The byte offset of code point `offset` of `text`."""
    return len(bom) + len(text[:offset].encode(codec))
