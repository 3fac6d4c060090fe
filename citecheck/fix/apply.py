"""Carrying out planned edits: splice them into the text, encode it as the original was, show
the change as a unified diff, and write the file so that it is never left half-written."""

from __future__ import annotations

import codecs
import contextlib
import difflib
import itertools
import os
import re
import stat
import tempfile
from collections.abc import Sequence

from citecheck.fix.model import Edit

# UTF-32 before UTF-16: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def apply(text: str, edits: Sequence[Edit]) -> str:
    """`text` with `edits` made (sorted and not overlapping, as `plan` returns them)."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end or (after.start == before.start == before.end == after.end):
            raise ValueError(f"Edits overlap at offset {after.start}.")
    pieces: list[str] = []
    position = 0
    for edit in ordered:
        if not position <= edit.start <= edit.end <= len(text):
            raise ValueError(f"Edit {edit.start}-{edit.end} lies outside the text.")
        pieces.append(text[position : edit.start])
        pieces.append(edit.replacement)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def encode_like(original: bytes, encoding: str, new_text: str) -> bytes:
    """`new_text` encoded as `original` was: the same encoding, byte order and byte order mark.

    `encoding` is the one the original was decoded with (`Document.encoding`). Raises
    `ValueError` when the original does not survive decoding and encoding again unchanged (its
    bytes have more than one spelling of a character, as some Big5 ones do), so that writing it
    back would change more than the edits; and when the new text has a character the encoding
    cannot write.
    """
    name = codecs.lookup(encoding).name
    prefix, codec = b"", name
    for bom, family, exact in _BOMS:
        if original.startswith(bom) and (name == family or name.startswith(family + "-")):
            if name in (family, "utf-8-sig") or name == exact:
                prefix, codec = bom, exact
            break
    try:
        text = original[len(prefix) :].decode(codec)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"The file is not valid {encoding}: {exc.reason} at byte {exc.start}."
        ) from None
    if prefix + text.encode(codec) != original:
        raise ValueError(
            f"The file's {encoding} bytes do not come back the same after decoding and encoding "
            "(some characters have two spellings in it), so it would change beyond the edits."
        )
    try:
        return prefix + new_text.encode(codec)
    except UnicodeEncodeError as exc:
        character = exc.object[exc.start : exc.end]
        raise ValueError(f"The edits add {character!r}, which {encoding} cannot write.") from None


def unified_diff(path: str, old: str, new: str) -> str:
    """The change from `old` to `new` as a unified diff (`a/PATH`, `b/PATH`), like git's: lines
    split at `\\n` only, line endings kept, and a last line without one marked."""
    name = path.removeprefix("./").lstrip("/")
    lines: list[str] = []
    for line in difflib.unified_diff(
        _LINE.findall(old), _LINE.findall(new), f"a/{name}", f"b/{name}"
    ):
        lines.append(line)
        if not line.endswith("\n"):
            lines.append("\n\\ No newline at end of file\n")
    return "".join(lines)


def write_atomically(path: str, data: bytes, *, backup: bool) -> None:
    """Replace the file at `path` with `data`, all at once: readers see the old bytes or the new.

    The bytes go to a temporary file in the same directory, flushed to disk, with the original's
    permission bits, then renamed over the original. A symbolic link is followed: the file it
    points at is replaced and the link stays. With `backup`, the original bytes are first written
    (the same way) to `PATH.orig`. On any error the temporary file is removed, the original is
    untouched, and the error is raised.
    """
    real = os.path.realpath(path)
    try:
        mode: int | None = stat.S_IMODE(os.stat(real).st_mode)
    except FileNotFoundError:
        mode = None
    if backup:
        with open(real, "rb") as handle:
            original = handle.read()
        _replace(os.path.realpath(path + ".orig"), original, mode)
    _replace(real, data, mode)


def _replace(target: str, data: bytes, mode: int | None) -> None:
    directory, name = os.path.split(target)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(directory)


def _sync_directory(directory: str) -> None:
    """Make the rename durable where the platform allows (POSIX); best effort."""
    try:
        descriptor = os.open(directory or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
