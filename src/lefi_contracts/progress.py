"""Terminal progress of a gate run: which version, which phase, how far.

On a terminal one status line is redrawn in place (with colour unless NO_COLOR is set); in CI logs (not a TTY)
each phase prints one plain line when it ends, so logs stay readable. --quiet prints nothing.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

from lefi_contracts.results import CheckResult

_GREEN, _RED, _YELLOW, _DIM, _RESET = "\033[32m", "\033[31m", "\033[33m", "\033[2m", "\033[0m"


class Progress:
    """Counts results as they are emitted (subscribe `on_result` to the ResultStream)."""

    def __init__(
        self, *, quiet: bool = False, stream: TextIO | None = None, color: bool | None = None
    ) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.color = self.tty and not os.environ.get("NO_COLOR") if color is None else color
        self._lock = threading.Lock()
        self._label = ""
        self._total: int | None = None
        self._done = 0
        self._failed = 0
        self._started = time.perf_counter()
        self._notes_said: set[str] = set()

    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def _write(self, text: str, *, newline: bool = True) -> None:
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\r\033[K" + text + ("\n" if newline else ""))
        elif newline:
            self.stream.write(text + "\n")
        self.stream.flush()

    def start_phase(self, phase: str, version: str | None = None, total: int | None = None) -> None:
        with self._lock:
            self._label = f"{'v' + version if version else 'all':>4} {phase:<11}"
            self._total, self._done, self._failed = total, 0, 0
            self._started = time.perf_counter()
        self._redraw()

    def on_result(self, result: CheckResult) -> None:
        with self._lock:
            self._done += 1
            self._failed += int(result.failed)
        self._redraw()

    def _status(self) -> str:
        how_far = f"{self._done}/{self._total}" if self._total else f"{self._done}"
        failed = (
            self._paint(f"{self._failed} failed", _RED) if self._failed else self._paint("0 failed", _GREEN)
        )
        return f"{self._label} {how_far:>9} checks, {failed}"

    def _redraw(self) -> None:
        if self.tty and not self.quiet:
            with self._lock:
                text = self._status()
            self._write(text, newline=False)

    def end_phase(self, note: str = "") -> None:
        with self._lock:
            text = self._status() + self._paint(f"  {time.perf_counter() - self._started:.1f} s", _DIM)
        self._write(text + (f"  ({note})" if note else ""))

    def note(self, text: str) -> None:
        """A one-off remark (a skipped part, a missing tool): said once per run, even if asked again."""
        if text in self._notes_said:
            return
        self._notes_said.add(text)
        self._write(self._paint(f"note: {text}", _YELLOW))

    def line(self, text: str) -> None:
        self._write(text)

    def verdict(self, exit_code: int, text: str) -> None:
        colour = _GREEN if exit_code == 0 else _RED if exit_code == 1 else _YELLOW
        self._write(self._paint(text, colour))
