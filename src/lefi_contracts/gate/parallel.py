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
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import forkserver
from typing import TypeVar

Part = TypeVar("Part")
Out = TypeVar("Out")


class WorkerPool:
    """The run's `workers` threads, shared by every phase: at most that many parts of work against the target
    at once (each part sends one request at a time). One worker means no pool: parts run in the caller."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, work: Callable[[Part], Out], part: Part) -> Future[Out]:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="lefi-gate")
            return self._executor.submit(work, part)

    def shutdown(self, *, wait: bool = True) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=True)


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


def ordered_map(pool: WorkerPool, parts: Sequence[Part], work: Callable[[Part], Out]) -> Iterator[Out]:
    """work(part) for every part on the pool; yields the outputs in the parts' order, each as soon as it and
    every part before it are done. An exception in a part is raised at that part's turn (the parts after it
    are cancelled or left to finish)."""
    if pool.workers <= 1:
        for part in parts:
            yield work(part)
        return
    futures: list[Future[Out]] = [pool.submit(work, part) for part in parts]
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
