"""Where a Markdown block's inline source stands in the document.

markdown-it hands each block's inline content over as one string: its lines with the container
prefixes (`> `, list indentation, heading `#`s) taken off. Each of those lines is found again in
its document line, so that an offset in the inline content becomes an offset in the document.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from citecheck.extract.links import Context


class InlineMap:
    """Maps offsets in a block's inline source to offsets in the document."""

    __slots__ = ("_content_starts", "_doc_starts")

    def __init__(
        self, context: Context, content: str, first_line: int, cursors: dict[int, int] | None
    ) -> None:
        self._content_starts: list[int] = []
        self._doc_starts: list[int] = []
        lines = context.lines
        offset = 0
        for index, piece in enumerate(content.split("\n")):
            line = min(first_line + index, lines.line_count)
            # markdown-it reads NUL as U+FFFD (CommonMark); so must the line it is found in
            source = lines.line_text(line).replace("\x00", "\ufffd")
            column = locate(source, piece, cursors.get(line, 0) if cursors is not None else None)
            if cursors is not None:
                cursors[line] = column + len(piece)
            self._content_starts.append(offset)
            self._doc_starts.append(lines.line_start(line) + column)
            offset += len(piece) + 1

    def __call__(self, offset: int) -> int:
        index = bisect.bisect_right(self._content_starts, offset) - 1
        return self._doc_starts[index] + offset - self._content_starts[index]

    def pieces(self, start: int, end: int) -> Iterable[tuple[int, int]]:
        """The document ranges of content[start:end], one per line."""
        index = bisect.bisect_right(self._content_starts, start) - 1
        while start < end:
            line_end = (
                self._content_starts[index + 1] - 1
                if index + 1 < len(self._content_starts)
                else end
            )
            stop = min(end, line_end)
            if stop > start:
                yield self(start), self(start) + stop - start
            index += 1
            start = line_end + 1


def locate(source: str, piece: str, cursor: int | None) -> int:
    """The column (0-based) where a line of inline source stands in its document line.

    A block's inline source line is the document line less a container prefix and, for the last
    line or a heading, trailing white space or `#`s. Table cells (`cursor` given) are found left
    to right. Where tabs were expanded the leading white space differs: we line up the rest.
    """
    if cursor is None:
        trimmed = piece.rstrip(" \t")
        if trimmed and source.rstrip(" \t").endswith(trimmed):
            return len(source.rstrip(" \t")) - len(trimmed)
    found = source.find(piece, cursor or 0)
    if found >= 0:
        return found
    stripped = piece.lstrip(" \t")
    found = source.find(stripped, cursor or 0) if stripped else -1
    if found >= 0:
        return found - (len(piece) - len(stripped))
    return len(source) - len(source.lstrip(" \t"))
