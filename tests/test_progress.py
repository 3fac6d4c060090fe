"""The progress bar: counts, rate and time left on a terminal; nothing elsewhere unless asked."""

from __future__ import annotations

import io
import sys

import pytest
from rich.console import Console

from citecheck.progress import make_bar, progress_bar


def rendered(steps: list[tuple[float, int, int]]) -> str:
    """The bar after being told (time, done, known) at each step."""
    now = [0.0]
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=120, color_system=None)
    bar = make_bar(console, get_time=lambda: now[0])
    task = bar.add_task("links", total=None)
    for at, done, known in steps:
        now[0] = at
        bar.update(task, completed=done, total=known)
    console.print(bar.get_renderable())
    return out.getvalue()


def test_counts_rate_and_time_left() -> None:
    # 100 links a second for 3 s, 700 to go: 7 s left.
    text = rendered([(0, 0, 1000), (1, 100, 1000), (2, 200, 1000), (3, 300, 1000)])
    assert "checking" in text
    assert "300/1000" in text
    assert "100 links/s" in text
    assert "0:00:07 left" in text


def test_before_any_rate_there_is_no_guess() -> None:
    text = rendered([(0, 0, 50)])
    assert "0/50" in text
    assert "… links/s" in text
    assert "… left" in text


def test_hidden_off_a_terminal_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress_bar("auto") as advance:
        assert advance is None
    with progress_bar("never") as advance:
        assert advance is None
    with progress_bar("always") as advance:
        assert advance is not None
        advance(3, 10)
    assert "3/10" in sys.stderr.getvalue()


def test_never_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    with progress_bar("never") as advance:
        assert advance is None
    with progress_bar("auto") as advance:
        assert advance is not None
