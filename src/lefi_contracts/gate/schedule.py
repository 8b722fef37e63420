"""Which phases run at the same time, and how their results still come out in the phases' order.

With more than one worker, every phase starts as soon as no earlier phase it conflicts with is still running
(`phases.base.conflict`: the scenarios set provider state, so validation, fuzz, consumers and regression wait
for them; compat reads only contract documents and runs beside everything). A phase that sets state may say
early that it no longer will (`RunContext.release_state`): the scenarios run those that set it first, then
release, and the rest of them (which only read) run beside the other readers. Each phase runs in a thread of
its own with a context of its own (`RunContext.for_phase`): its results, progress calls and notes go into a
queue of its own, and the driver replays the queues one after another in the phases' order. The stream, the
reports, the progress lines and the notes are therefore the same as in a sequential run of the same seed,
while the work overlaps: the compat diffs (CPU) beside the scenarios (a subprocess waiting on the target),
the fuzzers beside the validation queries. With one worker, or under --rate-limit (the fuzzers' worker
processes share the rate among themselves, so nothing else may send meanwhile), the phases run one after
another in this thread.
"""

from __future__ import annotations

import functools
import queue
import threading
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

from lefi_contracts.gate.context import RunContext, broken
from lefi_contracts.gate.phases import load_phase
from lefi_contracts.gate.phases.base import TargetState, conflict
from lefi_contracts.progress import Progress
from lefi_contracts.results import CheckResult, PhaseName

PhaseRun = Callable[[RunContext, PhaseName], Generator[CheckResult, None, None]]
Event = tuple[str, tuple[Any, ...], float]


class RecordedProgress(Progress):
    """A phase's progress calls, kept with their times for the driver to replay when the phase's turn comes."""

    def __init__(self, events: queue.SimpleQueue[Event]) -> None:
        super().__init__(quiet=True)
        self._events = events

    def _put(self, kind: str, *args: Any) -> None:
        self._events.put((kind, args, time.perf_counter()))

    def start_phase(
        self, phase: str, version: str | None = None, total: int | None = None, *, at: float | None = None
    ) -> None:
        self._put("start", phase, version, total)

    def end_phase(self, note: str = "", *, at: float | None = None) -> None:
        self._put("end", note)

    def note(self, text: str) -> None:
        self._put("note", text)

    def line(self, text: str) -> None:
        self._put("line", text)


@dataclass
class _Lane:
    name: PhaseName
    state: TargetState
    events: queue.SimpleQueue[Event] = field(default_factory=queue.SimpleQueue)
    started: bool = False
    finished: bool = False
    released: bool = False  # a phase that sets state said it no longer will (the rest of it only reads)
    ctx: RunContext | None = None


def _state_of(name: PhaseName) -> TargetState:
    try:
        return load_phase(name).target_state
    except ImportError:  # the phase says so itself when it runs (a broken result, at once)
        return TargetState.IGNORES


def _replay(ctx: RunContext, event: Event) -> None:
    kind, args, at = event
    if kind == "result":
        ctx.stream.emit(args[0])
    elif kind == "start":
        ctx.progress.start_phase(*args, at=at)
    elif kind == "end":
        ctx.progress.end_phase(*args, at=at)
    elif kind == "note":
        ctx.progress.note(*args)
    elif kind == "line":
        ctx.progress.line(*args)


class PhaseSchedule:
    """The run's phases, each started once every earlier conflicting phase has finished (see module doc)."""

    def __init__(self, ctx: RunContext, names: Sequence[PhaseName], run: PhaseRun) -> None:
        self.ctx, self.run = ctx, run
        self.lanes = [_Lane(n, _state_of(n)) for n in names]
        self._lock = threading.Lock()
        self._cancelled = threading.Event()

    def execute(self) -> None:
        """Every phase's results into the run's stream, in the phases' order."""
        if self.ctx.pool.workers <= 1 or self.ctx.limiter is not None:
            for lane in self.lanes:
                for result in self.run(self.ctx, lane.name):
                    self.ctx.stream.emit(result)
            return
        try:
            self._start_ready()
            for lane in self.lanes:
                self._drain(lane)
        finally:
            self._cancelled.set()  # an interrupt: the phase threads stop at their next result

    def _drain(self, lane: _Lane) -> None:
        while True:
            try:
                event = lane.events.get(timeout=0.2)  # a timeout keeps Ctrl-C deliverable to this thread
            except queue.Empty:
                continue
            if event[0] == "done":
                break
            _replay(self.ctx, event)
        if lane.ctx is not None:
            self.ctx.merge_notes(lane.ctx)

    def _start_ready(self) -> None:
        with self._lock:
            for i, lane in enumerate(self.lanes):
                if lane.started:
                    continue
                if any(
                    not (e.finished or e.released) and conflict(e.state, lane.state) for e in self.lanes[:i]
                ):
                    continue
                lane.started = True
                lane.ctx = self.ctx.for_phase(
                    RecordedProgress(lane.events), release_state=functools.partial(self._release, lane)
                )
                thread = threading.Thread(
                    target=self._lane_main, args=(lane,), name=f"lefi-phase-{lane.name}", daemon=True
                )
                thread.start()

    def _release(self, lane: _Lane) -> None:
        with self._lock:
            lane.released = True
        if not self._cancelled.is_set():
            self._start_ready()

    def _lane_main(self, lane: _Lane) -> None:
        assert lane.ctx is not None
        results = self.run(lane.ctx, lane.name)
        try:
            for result in results:
                lane.events.put(("result", (result,), 0.0))
                if self._cancelled.is_set():
                    break
        except Exception as exc:  # the phase's own driver turns failures into results: this is a last guard
            lane.events.put(("result", (broken(lane.name, None, f"{exc.__class__.__name__}: {exc}"),), 0.0))
        finally:
            results.close()  # an interrupted phase cleans up (the scenarios stop their subprocess)
            with self._lock:
                lane.finished = True
            lane.events.put(("done", (), 0.0))
            if not self._cancelled.is_set():
                self._start_ready()
