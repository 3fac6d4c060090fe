"""The progress bar of `check`: links done of links known, the rate, and the time left.

Shown on standard error when it is a terminal (`--progress auto`), always (`always`: for a CI log
that renders terminal output) or never. It goes away when the run ends (the report follows).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Literal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

Mode = Literal["auto", "always", "never"]

Advance = Callable[[int, int], None]
"""Told (links done, links known so far) as checking goes."""


def make_bar(console: Console, get_time: Callable[[], float] | None = None) -> Progress:
    """The bar: `checking ━━━━━━╸━━━ 1,234/5,000 · 812 links/s · 0:00:04 left`."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        """Links per second over the last seconds (rich's own estimate)."""

        def render(self, task: Task) -> Text:
            speed = task.speed
            return Text("… links/s" if speed is None else f"{speed:,.0f} links/s")

    class Left(ProgressColumn):
        """The time left at the current rate; `…` until there is one."""

        def render(self, task: Task) -> Text:
            left = task.time_remaining
            if left is None:
                return Text("… left")
            seconds = int(left + 0.5)
            return Text(f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d} left")

    return Progress(
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("·"),
        Rate(),
        TextColumn("·"),
        Left(),
        console=console,
        transient=True,
        get_time=get_time,
    )


class progress_bar:
    """A context that shows the bar per `mode` and gives what to tell it (None when hidden)."""

    def __init__(self, mode: Mode = "auto") -> None:
        self._mode = mode
        self._bar: Progress | None = None

    def __enter__(self) -> Advance | None:
        if self._mode == "never" or (self._mode == "auto" and not sys.stderr.isatty()):
            return None
        from rich.console import Console

        bar = make_bar(Console(stderr=True, force_terminal=self._mode == "always" or None))
        task = bar.add_task("links", total=None)
        bar.start()
        self._bar = bar

        def advance(done: int, known: int) -> None:
            bar.update(task, completed=done, total=known)

        return advance

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
