"""The compat results of unchanged contracts, kept by content hash, so that a gate does not diff them again.

A comparison is a pure function of the two documents (and the schema files beside them that they import),
the mapping, the options and the diff's own code; the key hashes exactly that: every byte of those files, the
options, and the source of the compat package (a new rule or a fixed bug is a new key, in a checkout as in a
release). An entry is the report as JSON before any waiver is applied (waivers are the run's, applied after).
Entries are written atomically; an entry that cannot be read is a miss, never an error; the folder keeps the
newest MAX_ENTRIES. Where: `compat/` in the suite's cache folder (lefi_contracts/cache.py); `LEFI_CACHE_DIR=off`
or the gate's --no-cache turns it off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from lefi_contracts.cache import cache_folder, write_atomically
from lefi_contracts.compat.findings import DiffReport, Finding

FORMAT = 1
MAX_ENTRIES = 2000
_SCHEMA_SUFFIXES = (".xsd", ".wsdl", ".yaml", ".yml", ".json")


def default_folder() -> Path | None:
    """The compat entries' folder the environment names (None: caching is off)."""
    return cache_folder("compat")


@cache
def _code_digest() -> str:
    """The compat package's own source: results of another version of the rules are never reused."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _document_digest(path: Path) -> str:
    """The document and the schema files beside it (what it may import), by name and content."""
    h = hashlib.sha256()
    files = [path]
    if path.parent.is_dir():
        files += sorted(
            p
            for p in path.parent.iterdir()
            if p.suffix.lower() in _SCHEMA_SUFFIXES and p != path and p.is_file()
        )
    for f in files:
        h.update(f.name.encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def comparison_key(old: Path, new: Path, mapping: Path | None, options: dict[str, Any]) -> str:
    """The content hash of one comparison (see the module doc)."""
    parts = {
        "format": FORMAT,
        "code": _code_digest(),
        "old": _document_digest(old),
        "new": _document_digest(new),
        "mapping": hashlib.sha256(mapping.read_bytes()).hexdigest() if mapping is not None else None,
        "options": options,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def report_to_json(report: DiffReport) -> dict[str, Any]:
    """The report as JSON (never dataclasses.asdict: a finding's `subject` is a schema model, not data)."""
    data = {f.name: getattr(report, f.name) for f in dataclasses.fields(report) if f.name != "findings"}
    data["findings"] = [f.to_dict() for f in report.findings]
    return json.loads(json.dumps(data, ensure_ascii=False))  # plain JSON values, or a TypeError here


def report_from_json(data: dict[str, Any]) -> DiffReport:
    findings = [Finding(**f) for f in data.pop("findings")]
    return DiffReport(**data, findings=findings)


class CompatCache:
    """Reports by comparison key in one folder (None: no caching, every lookup a miss)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{key}.json"

    def get(self, key: str, old_label: str, new_label: str) -> DiffReport | None:
        """The cached report, labelled with this run's names of the two documents; None on a miss."""
        if self.folder is None:
            return None
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            report = report_from_json(data)
        except (OSError, ValueError, TypeError, KeyError):
            self.misses += 1
            return None
        self.hits += 1
        report.old, report.new = old_label, new_label
        return report

    def put(self, key: str, report: DiffReport) -> None:
        if self.folder is None:
            return
        try:
            text = json.dumps(report_to_json(report), ensure_ascii=False)
        except (TypeError, ValueError):  # a value that is not plain JSON: not cached
            return
        write_atomically(self._path(key), text)
        with contextlib.suppress(OSError):
            self._prune()

    def _prune(self) -> None:
        assert self.folder is not None
        entries = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in entries[MAX_ENTRIES:]:
            with contextlib.suppress(OSError):
                stale.unlink()
