"""Bounded concurrency against the target, with results in the order a sequential run gives them.

The phases that only read (validation queries, fuzz per version, consumer contracts) hand their independent
parts to `ordered_map` on the run's one `WorkerPool`: up to `workers` parts run at once (threads: the work
waits on the network), whatever the phases running beside each other, and the parts' results come back in the
parts' order, never in the order they finish, so that the reports of a seed are the same whatever the number
of workers. Work that sets provider state (the scenarios: the provider's clock and agency states) is not handed
here; `gate/schedule.py` keeps it apart from the phases that read that state.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import forkserver
from typing import Any, TypeVar

Part = TypeVar("Part")
Out = TypeVar("Out")


class WorkerPool:
    """The run's `workers` threads, shared by every phase: at most that many parts of work against the target
    at once (each part sends one request at a time). One worker means no pool: parts run in the caller.

    Parts wait in one queue, the most costly first (`cost`, a caller's estimate; equal costs in the order they
    came): a long part that starts last would otherwise run alone at the end while the other workers idle."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._queue: queue.PriorityQueue[tuple[float, int, Callable[[], None], Future[Any] | None]] = (
            queue.PriorityQueue()
        )
        self._threads: list[threading.Thread] = []
        self._count = itertools.count()
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, work: Callable[[Part], Out], part: Part, cost: float = 0.0) -> Future[Out]:
        future: Future[Out] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(work(part))
            except BaseException as exc:  # handed to the waiting caller, as an executor does
                future.set_exception(exc)

        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is shut down")
            self._queue.put((-cost, next(self._count), run, future))
            if len(self._threads) < self.workers:
                thread = threading.Thread(target=self._worker, name="lefi-gate", daemon=True)
                self._threads.append(thread)
                thread.start()
        return future

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """One of the workers, held for the caller's own requests (the scenarios' subprocess, which sends one
        at a time beside the pool's parts), so that the run never has more than `workers` in flight. Taken
        before any waiting part."""
        if self.workers <= 1:  # one worker: the phases run one after another, nothing else sends meanwhile
            yield
            return
        taken, done = threading.Event(), threading.Event()

        def hold(_: None) -> None:
            taken.set()
            done.wait()

        future = self.submit(hold, None, cost=float("inf"))
        while not taken.wait(0.2):
            if future.cancelled():  # the pool was shut down (an interrupt): no slot will come
                break
        try:
            yield
        finally:
            done.set()

    def _worker(self) -> None:
        while True:
            _, _, run, _ = self._queue.get()
            if run is _STOP:
                return
            run()

    def shutdown(self, *, wait: bool = True) -> None:
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        if not wait:  # an interrupt: what has not started never will
            with contextlib.suppress(queue.Empty):
                while True:
                    pending = self._queue.get_nowait()[3]
                    if pending is not None:
                        pending.cancel()
        for _ in threads:
            self._queue.put((float("inf"), next(self._count), _STOP, None))
        if wait:
            for thread in threads:
                thread.join()


def _stop() -> None:
    """The marker that ends a worker thread (queued after every part)."""


_STOP: Callable[[], None] = _stop


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, old in saved.items():
            if old is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = old


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the gate's to handle, not a worker's traceback


@contextlib.contextmanager
def process_pool(
    size: int, preload: Sequence[str], env: Mapping[str, str] | None = None
) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for CPU-bound parts (one interpreter lock each), forked from a server that has
    imported `preload` once: a worker starts in milliseconds, none is forked from this process's threads, and
    every part gets a fresh process in the same state (one part a process), so that what a part computes never
    depends on which parts ran before it (nor on this process's history). The parts keep a WorkerPool slot
    while their process works: the bound on requests in flight holds. None: this machine cannot start worker
    processes (no shared-memory locks in some containers); the caller runs the parts itself. `env`: what the
    server sees in its environment while it starts and imports `preload` (the server is one a process: a server
    already running keeps what it built, and a worker builds what it lacks itself)."""
    try:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        with _environment(env or {}):
            forkserver.ensure_running()
        executor = ProcessPoolExecutor(
            max_workers=max(1, size), mp_context=context, initializer=_ignore_interrupt, max_tasks_per_child=1
        )
    except (OSError, ValueError, ImportError):
        yield None
        return
    finished = False
    try:
        yield executor
        finished = True
    finally:
        executor.shutdown(wait=finished, cancel_futures=True)


def ordered_map(
    pool: WorkerPool,
    parts: Sequence[Part],
    work: Callable[[Part], Out],
    cost: Callable[[Part], float] | None = None,
) -> Iterator[Out]:
    """work(part) for every part on the pool (the costliest first, by `cost`); yields the outputs in the parts'
    order, each as soon as it and every part before it are done. An exception in a part is raised at that
    part's turn (the parts after it are cancelled or left to finish)."""
    if pool.workers <= 1:
        for part in parts:
            yield work(part)
        return
    futures: list[Future[Out]] = [pool.submit(work, part, cost(part) if cost else 0.0) for part in parts]
    try:
        for future in futures:
            yield future.result()
    finally:
        for future in futures:
            future.cancel()


def chunks(items: Sequence[Part], count: int) -> list[list[Part]]:
    """`items` in at most `count` contiguous runs of near-equal length (order kept, none empty)."""
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return [c for c in out if c]


def flatten(groups: Iterable[Iterable[Out]]) -> Iterator[Out]:
    for group in groups:
        yield from group
