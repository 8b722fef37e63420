"""The reports folder of a run: written into a temporary sibling folder and swapped in at the end, so that the
last complete report stays in place until the new one is whole. An interrupted run's report goes beside it
(`<reports>.interrupted/`), marked as such, and never replaces a complete one."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from lefi_contracts.report.summary import COMPAT_DIR, MATRIX_SVG, SUMMARY_HTML

# What a gate run writes into its folder; only these are replaced (a user's other files there are left alone).
ENTRIES = (
    "allure-results",
    "allure-report",
    "junit",
    "summary.md",
    "summary.json",
    SUMMARY_HTML,
    MATRIX_SVG,
    COMPAT_DIR,
    "scenarios.ndjson",
    "scenarios-read-only.ndjson",
    "results.ndjson",
)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


class ReportFolder:
    def __init__(self, final: Path) -> None:
        self.final = final
        final.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=final.parent))

    def commit(self) -> Path:
        """Swap the new report in (entry by entry, the old one moved aside first); returns the final folder."""
        self.final.mkdir(parents=True, exist_ok=True)
        trash = Path(tempfile.mkdtemp(prefix=f".{self.final.name}.old-", dir=self.final.parent))
        try:
            for name in ENTRIES:
                if (self.final / name).exists() or (self.final / name).is_symlink():
                    (self.final / name).rename(trash / name)
            for name in ENTRIES:
                if (self.staging / name).exists():
                    (self.staging / name).rename(self.final / name)
        finally:
            shutil.rmtree(trash, ignore_errors=True)
            shutil.rmtree(self.staging, ignore_errors=True)
        return self.final

    def keep_interrupted(self) -> Path:
        """An interrupted run's report, beside the last complete one; returns where it is."""
        dest = self.final.parent / f"{self.final.name}.interrupted"
        _remove(dest)
        self.staging.rename(dest)
        return dest

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
