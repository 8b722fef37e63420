"""Where the suite keeps what it can compute again: `LEFI_CACHE_DIR`, else `$XDG_CACHE_HOME/lefi-contracts`,
else `~/.cache/lefi-contracts`; `LEFI_CACHE_DIR=off` keeps nothing. Every entry is keyed by the content it was
computed from, so a stale folder is never wrong, only cold; an entry that cannot be read is computed again."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

OFF = "off"


def cache_folder(part: str) -> Path | None:
    """The folder of one kind of entry (e.g. "compat"); None when caching is off."""
    named = os.environ.get("LEFI_CACHE_DIR", "").strip()
    if named.lower() == OFF:
        return None
    base = Path(named) if named else _default_base()
    return base / part


def _default_base() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "lefi-contracts"


def write_atomically(path: Path, text: str) -> None:
    """Write an entry whole or not at all (readers in other processes never see half of one); a full disk or
    a read-only folder means no entry, never an error."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".entry-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
