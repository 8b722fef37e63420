"""Terminal progress of a gate run: which version, which phase, how far, while it runs.

On a terminal each version of the running phase has a live progress bar (rich) that counts results as they arrive
(the scenarios of all versions run in one phase: each version's bar moves with its own results); when the phase
ends each version gets one line. In CI logs (not a TTY) each version prints one plain line when a phase ends, and a
count every HEARTBEAT seconds while a long phase runs, so logs stay readable. --quiet prints nothing.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, TextIO

from lefi_contracts.results import CheckResult

_GREEN, _RED, _YELLOW, _DIM, _RESET = "\033[32m", "\033[31m", "\033[33m", "\033[2m", "\033[0m"
HEARTBEAT = 10.0  # seconds between "so far" lines in a log


@dataclass
class _Count:
    label: str
    total: int | None
    done: int = 0
    failed: int = 0
    task: Any = None  # the rich task id on a terminal


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
        self._counts: dict[str, _Count] = {}  # version ("" for all) -> its count in the running phase
        self._phase = ""
        self._started = time.perf_counter()
        self._last_line = time.perf_counter()
        self._notes_said: set[str] = set()
        self._live: Any = None  # rich.progress.Progress while a phase runs on a terminal

    # ------------------------------------------------------------------------------------------ output

    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def _write(self, text: str) -> None:
        if self.quiet:
            return
        live = self._live
        if live is not None:
            from rich.text import Text

            live.console.print(Text.from_ansi(text))  # above the bars
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def _rich(self) -> Any:
        """A rich Progress on a terminal, or None (not a terminal, quiet, or rich not installed)."""
        if self.quiet or not self.tty:
            return None
        try:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as RichProgress
        except ImportError:
            return None
        console = Console(file=self.stream, force_terminal=True, no_color=not self.color, highlight=False)
        return RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )

    # ------------------------------------------------------------------------------------------- phases

    def start_phase(
        self, phase: str, version: str | None = None, total: int | None = None, *, at: float | None = None
    ) -> None:
        """A phase starts for one version, for several ("5,6,7": one bar each) or for all (None); `at`: when
        it started (perf_counter), for a phase that ran beside another and is shown when its turn comes."""
        versions = [v.strip() for v in version.split(",") if v.strip()] if version else [""]
        with self._lock:
            self._phase = phase
            self._started = at if at is not None else time.perf_counter()
            self._last_line = time.perf_counter()
            each = total if len(versions) == 1 else None
            self._counts = {v: _Count(f"{'v' + v if v else 'all':>4} {phase:<11}", each) for v in versions}
            live = self._rich()
            if live is not None:
                for count in self._counts.values():
                    count.task = live.add_task(count.label, total=count.total, failed="")
                live.start()
            self._live = live

    def on_result(self, result: CheckResult) -> None:
        heartbeat = ""
        with self._lock:
            count = self._count_for(result.version or "")
            if count is None:
                return
            count.done += 1
            count.failed += int(result.failed)
            if self._live is not None and count.task is not None:
                failed = f"[red]{count.failed} failed[/red]" if count.failed else ""
                self._live.update(count.task, completed=count.done, failed=failed, refresh=True)
            elif not self.tty and time.perf_counter() - self._last_line >= HEARTBEAT:
                self._last_line = time.perf_counter()
                heartbeat = "  ".join(f"{c.label.strip()} {c.done}" for c in self._counts.values())
        if heartbeat:
            self._write(f"{heartbeat} checks so far")

    def _count_for(self, version: str) -> _Count | None:
        """The count a result adds to: its version's; in a phase of one version (or all), that one; a result of
        no version in a phase of several gets an "all" count of its own (never added to another version's)."""
        if version in self._counts:
            return self._counts[version]
        if len(self._counts) == 1:
            return next(iter(self._counts.values()))
        if not self._counts:
            return None
        key = version or ""
        count = self._counts[key] = _Count(f"{'v' + key if key else 'all':>4} {self._phase:<11}", None)
        if self._live is not None:
            count.task = self._live.add_task(count.label, total=None, failed="")
        return count

    def _status(self, count: _Count, *, final: bool) -> str:
        # At the end a phase's count is what ran: a planned total it did not reach (a comparison with no
        # mapping, a part skipped) is not shown as "2/5".
        how_far = f"{count.done}" if final or not count.total else f"{count.done}/{count.total}"
        failed = (
            self._paint(f"{count.failed} failed", _RED) if count.failed else self._paint("0 failed", _GREEN)
        )
        return f"{count.label} {how_far:>9} checks, {failed}"

    def end_phase(self, note: str = "", *, at: float | None = None) -> None:
        with self._lock:
            ended = at if at is not None else time.perf_counter()
            seconds = self._paint(f"  {ended - self._started:.1f} s", _DIM)
            counts = list(self._counts.values())
            live, self._live = self._live, None
            self._counts = {}
        if live is not None:
            live.stop()
        for count in counts:
            self._write(self._status(count, final=True) + seconds + (f"  ({note})" if note else ""))

    # -------------------------------------------------------------------------------------------- notes

    def note(self, text: str) -> None:
        """A one-off remark (a skipped part, a missing tool): said once per run, even if asked again."""
        if text in self._notes_said:
            return
        self._notes_said.add(text)
        self._write(self._paint(f"note: {text}", _YELLOW))

    def line(self, text: str) -> None:
        self._write(text)

    def verdict(self, exit_code: int, text: str) -> None:
        """The verdict line, for a caller that has no other place for it (the CLI prints the gate's own)."""
        colour = _GREEN if exit_code == 0 else _RED if exit_code == 1 else _YELLOW
        self._write(self._paint(text, colour))
