"""Bounded concurrency against the target, with results in the order a sequential run gives them.

The phases that only read (validation queries, fuzz per version, consumer contracts) hand their independent
parts to `ordered_map`: up to `workers` parts run at once (threads: the work waits on the network), and the
parts' results come back in the parts' order, never in the order they finish, so that the reports of a seed
are the same whatever the number of workers. Work that shares provider state (the scenarios, which set the
provider's clock and agency states) is not handed here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Part = TypeVar("Part")
Out = TypeVar("Out")


def ordered_map(workers: int, parts: Sequence[Part], work: Callable[[Part], Out]) -> Iterator[Out]:
    """work(part) for every part, at most `workers` at once; yields the outputs in the parts' order, each as
    soon as it and every part before it are done. An exception in a part is raised at that part's turn
    (the parts after it are cancelled or left to finish)."""
    if workers <= 1 or len(parts) <= 1:
        for part in parts:
            yield work(part)
        return
    with ThreadPoolExecutor(max_workers=min(workers, len(parts)), thread_name_prefix="lefi-gate") as pool:
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
