"""`fix.apply`: splicing, encoding as the original was, diffs, and atomic writes."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest

from citecheck.encoding import decode
from citecheck.fix import Edit, apply, encode_like, unified_diff, write_atomically


def edit(start: int, end: int, replacement: str) -> Edit:
    return Edit(start, end, replacement, "archived-link", 1, start + 1, "test")


def test_apply_splices_in_order_whatever_the_input_order() -> None:
    edits = [edit(5, 5, "!"), edit(0, 1, "J"), edit(11, 11, "?")]
    assert apply("hello world", edits) == "Jello! world?"


def test_apply_insertion_before_replacement_at_same_start() -> None:
    assert apply("abc", [edit(1, 2, "B"), edit(1, 1, "+")]) == "a+Bc"


@pytest.mark.parametrize(
    "edits",
    [[edit(0, 3, "x"), edit(2, 4, "y")], [edit(2, 2, "x"), edit(2, 2, "y")], [edit(3, 9, "x")]],
)
def test_apply_refuses_overlaps_and_out_of_range(edits: list[Edit]) -> None:
    with pytest.raises(ValueError, match=r"overlap|outside"):
        apply("abcdef", edits)


SAMPLES = [
    ("See https://a.org/x here.\r\nNext line\r\n", "utf-8"),
    ("\ufeffSee https://a.org/x here.\n", "utf-8-sig"),
    ("See https://a.org/x 中文。\n", "utf-16"),
    ("See https://a.org/x 中文。\n", "utf-16-be-bom"),
    ("See https://a.org/x 中文。\n", "utf-32"),
    ("據報道，中文的新闻报道和国家 https://a.org/x 。\r\n", "gb18030"),
    ("據報導，中文的新聞報導和國家 https://a.org/x 。\n", "big5"),
]


def _bytes(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    if encoding == "utf-8-sig":
        return text.encode("utf-8")  # the text starts with the mark
    return text.encode(encoding)


@pytest.mark.parametrize(("text", "encoding"), SAMPLES)
def test_encode_like_keeps_encoding_bom_and_line_endings(text: str, encoding: str) -> None:
    original = _bytes(text, encoding)
    decoded, name = decode(original)
    at = decoded.index("https://a.org/x") + len("https://a.org/x")
    new_text = apply(decoded, [edit(at, at, " (archived: https://web.archive.org/web/1/x)")])
    new = encode_like(original, name, new_text)
    assert decode(new) == (new_text, name)
    assert new[:4] == original[:4]  # the byte order mark, if any, and the first characters
    inserted = " (archived: https://web.archive.org/web/1/x)"
    assert new.replace(_bytes_of(inserted, original, name), b"") == original


def _bytes_of(piece: str, original: bytes, name: str) -> bytes:
    """How `piece` is spelled in the encoding of `original` (without a byte order mark)."""
    for bom, exact in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if original.startswith(bom) and name.startswith(exact[:6]):
            return piece.encode(exact)
    return piece.encode("utf-8" if name == "utf-8-sig" else name)


def test_named_utf8_with_bom_keeps_it() -> None:
    original = codecs.BOM_UTF8 + b"abc\n"
    text, name = decode(original, "utf-8")
    assert (text, name) == ("abc\n", "utf-8")
    assert encode_like(original, name, "abcd\n") == codecs.BOM_UTF8 + b"abcd\n"


def test_bytes_that_do_not_round_trip_are_refused() -> None:
    original = "中文的新聞報導".encode("big5") + b"\xa1\xfe" + b" https://a.org/x\n"
    text, name = decode(original, "big5")
    with pytest.raises(ValueError, match="do not come back the same"):
        encode_like(original, name, text)


def test_character_the_encoding_cannot_write_is_refused() -> None:
    original = "中文的新聞報導 https://a.org/x\n".encode("big5")
    with pytest.raises(ValueError, match="cannot write"):
        encode_like(original, "big5", "中文的新聞報導 https://a.org/x \U0001f600\n")


def test_unified_diff_like_git() -> None:
    old = "one\r\ntwo\r\nthree"
    new = "one\r\nTWO\r\nthree"
    assert unified_diff("docs/a.md", old, new) == (
        "--- a/docs/a.md\n"
        "+++ b/docs/a.md\n"
        "@@ -1,3 +1,3 @@\n"
        " one\r\n"
        "-two\r\n"
        "+TWO\r\n"
        " three\n"
        "\\ No newline at end of file\n"
    )
    assert unified_diff("a.md", old, old) == ""


def test_unified_diff_last_line_changed_without_newline() -> None:
    diff = unified_diff("./a.txt", "a\nb", "a\nc")
    assert diff.splitlines()[:2] == ["--- a/a.txt", "+++ b/a.txt"]
    assert diff.endswith("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n")


def test_unified_diff_splits_at_newline_only() -> None:
    diff = unified_diff("a", "x\u2028y\x0cz\n", "x\u2028y\x0cZ\n")
    assert "-x\u2028y\x0cz\n" in diff


def test_write_atomically_replaces_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    write_atomically(str(target), b"new\n", backup=False)
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_write_atomically_backup(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_bytes(b"old\n")
    write_atomically(str(target), b"new\n", backup=True)
    assert target.read_bytes() == b"new\n"
    assert (tmp_path / "a.md.orig").read_bytes() == b"old\n"


def test_write_atomically_failure_leaves_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.md"
    target.write_bytes(b"old\n")

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(str(target), b"new\n", backup=False)
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_write_atomically_failure_while_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.md"
    target.write_bytes(b"old\n")

    def broken(fd: int) -> None:
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="I/O error"):
        write_atomically(str(target), b"new\n", backup=True)
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_write_atomically_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(b"old\n")
    link = tmp_path / "link.md"
    link.symlink_to(real.name)
    write_atomically(str(link), b"new\n", backup=False)
    assert link.is_symlink()
    assert os.readlink(link) == "real.md"
    assert real.read_bytes() == b"new\n"
