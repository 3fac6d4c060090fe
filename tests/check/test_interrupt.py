"""Ctrl-C during a check: exit code 130, no traceback, no worker left behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_ctrl_c_while_links_are_checked_exits_130_quietly_and_stops_the_workers(
    tmp_path: Path,
) -> None:
    # A loopback server that accepts and never answers: the run is mid-check when Ctrl-C (a
    # SIGINT to the whole foreground process group, as a terminal sends it) arrives.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(60)
        port = server.getsockname()[1]
        article = tmp_path / "a.md"
        article.write_text(f"[x](http://127.0.0.1:{port}/slow)\n", encoding="utf-8")
        command = [sys.executable, "-m", "citecheck", "check", "--allow-private", "--no-archive"]
        command += ["--no-cache", "--timeout", "60", "--retries", "0", "--format", "json"]
        process = subprocess.Popen(
            [*command, str(article)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            # A shell's background job may ignore SIGINT; a terminal's foreground one does not.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            connection, _ = server.accept()  # a checking worker asks
            with connection:
                os.killpg(process.pid, signal.SIGINT)
                _, stderr = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    assert process.returncode == 130
    assert b"Traceback" not in stderr, stderr.decode(errors="replace")
    deadline = time.monotonic() + 10
    while True:  # the workers end with the process that forked them
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "a worker outlived the interrupted run"
        time.sleep(0.05)
