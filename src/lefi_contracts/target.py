"""The target of a run: a URL the user gave, or the embedded reference provider on a free loopback port."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from lefi_contracts.errors import UsageError


@contextlib.contextmanager
def target_or_embedded(
    target: str | None,
    *,
    faults: Iterable[str] = (),
    now: dt.datetime | str | None = None,
    own_process: bool = False,
) -> Iterator[tuple[str, bool]]:
    """Yield (base URL, embedded?). With no target, the reference provider runs for the duration of the block:
    in a thread, or with `own_process` in a child process (the gate: provider and checks on two cores)."""
    if target:
        if not target.startswith(("http://", "https://")):
            raise UsageError(f"target {target!r} is not an http:// or https:// URL")
        yield target.rstrip("/"), False
        return
    from lefi_contracts.provider import ProviderConfig, running_provider
    from lefi_contracts.provider.clock import parse_instant

    instant = parse_instant(now) if isinstance(now, str) else now

    with tempfile.TemporaryDirectory(prefix="lefi-provider-") as tmp:
        db = Path(os.environ.get("LEFI_PROVIDER_DB") or Path(tmp) / "lefi.sqlite")
        config = ProviderConfig(db_path=db, faults=frozenset(faults), now=instant)
        if own_process:
            from lefi_contracts.embedded import provider_process

            with provider_process(config) as url:
                yield url.rstrip("/"), True
        else:
            with running_provider(config) as url:
                yield url.rstrip("/"), True
