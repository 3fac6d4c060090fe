"""Offsets to lines and columns, the way an editor counts them.

A line ends at `\\r\\n`, `\\r` or `\\n` (as CommonMark says; not at form feeds or U+2028, which
Python's `str.splitlines` would also split on). Columns count Unicode code points, 1-based.
"""

from __future__ import annotations

import bisect
import re

from citecheck.model import Span

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Maps offsets of one text to (line, column) and back."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        starts = [0]
        starts.extend(m.end() for m in _LINE_BREAK.finditer(text))
        self._starts = starts

    @property
    def line_count(self) -> int:
        """How many lines the text has (an empty text has one, empty, line)."""
        return len(self._starts)

    def line_start(self, line: int) -> int:
        """Offset of the first code point of a 1-based line."""
        return self._starts[line - 1]

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        start = self._starts[line - 1]
        end = self._starts[line] if line < len(self._starts) else len(self._text)
        return self._text[start:end].rstrip("\r\n")

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset."""
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def offset(self, line: int, column: int) -> int:
        """Offset of a 1-based (line, column)."""
        return self._starts[line - 1] + column - 1

    def span(self, start: int, end: int) -> Span:
        """A `Span` for the offsets [start, end)."""
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(start, end, line, column, end_line, end_column)
