"""Making untrusted text safe to show on a terminal.

Articles and pages are untrusted: a link's text could carry an escape sequence that rewrites the
screen, or a bidirectional override that makes `evil.example` read as something else. Before any
of it reaches a terminal, control characters (C0, DEL, C1) and bidi controls are shown as visible
escapes (`\\x1b`, `\\u202e`) instead. So are lone surrogates (`\\udcff`): a file name that
is not UTF-8 holds them (surrogateescape), and a console that encodes strictly cannot write one.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control and bidi character (and lone surrogate) replaced by a visible
    escape."""
    escaped = _UNSAFE.sub(_escape, text)
    if keep_newlines:
        return escaped.replace("\t", "\\t")
    return escaped.replace("\t", "\\t").replace("\n", "\\n")
