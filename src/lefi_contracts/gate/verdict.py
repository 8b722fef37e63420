"""The verdict vocabulary, enforced (docs/verdicts.md says the same in prose):

- held (exit 0): every selected phase ran at least one check for every selected version it applies to, and none
  failed or broke;
- broken (exit 1): a check failed, or a part could not run (a broken result that says why), or a phase ran no
  check for a version it applies to;
- not verified on this target: a behaviour that needs test control the target does not offer; listed, never
  passed; exit 0 unless --strict (then broken);
- waived: a failure a live waiver accepts (lefi_contracts.waivers): shown as waived, not failing the gate; a
  waiver that matched no failure is stale, listed, and fails the gate under --strict;
- target unavailable (exit 3) and interrupted (exit 130) are decided by the driver.
"""

from __future__ import annotations

from collections.abc import Sequence

from lefi_contracts.contracts import VersionInfo
from lefi_contracts.gate.options import EXIT_BROKEN, EXIT_OK
from lefi_contracts.results import NOT_VERIFIED, CheckResult, PhaseName

RAN = ("passed", "failed", "waived")  # checks that ran (a waived one failed, accepted); broken, skipped and
# not verified are not checks that ran


def missing_checks(
    phase: PhaseName, owed: Sequence[VersionInfo], results: Sequence[CheckResult]
) -> list[CheckResult]:
    """A broken result for each version the phase owed a check and ran none (unless it already said why)."""
    mine = [r for r in results if r.phase == phase]
    if any(r.status == "broken" and r.version is None for r in mine):
        return []  # the whole phase could not run, and says why
    out = []
    for v in owed:
        ran = [r for r in mine if r.version == v.number and r.status in RAN]
        said = [r for r in mine if r.version == v.number and r.status == "broken"]
        if not ran and not said:
            out.append(
                CheckResult(
                    phase=PhaseName.GATE,
                    name=f"{phase} ran no check for version {v.number}",
                    status="broken",
                    version=v.number,
                    behaviour=str(phase),
                    message=f"phase {phase} ran no check for version {v.number}: it cannot be held",
                )
            )
    return out


def decide(
    results: Sequence[CheckResult], versions: Sequence[VersionInfo], *, strict: bool, stale_waivers: int = 0
) -> tuple[int, str]:
    """(exit code, one line) from the results, by the rules above."""
    numbers = ", ".join(v.number for v in versions)
    failed = [r for r in results if r.failed]
    unverified = [r for r in results if r.status == NOT_VERIFIED]
    ran = [r for r in results if r.status in RAN]
    nv = f"{len(unverified)} not verified on this target" if unverified else ""
    if failed:
        return EXIT_BROKEN, f"{len(failed)} of {len(results)} checks failed or could not run" + (
            f"; {nv}" if nv else ""
        )
    if not ran:
        return EXIT_BROKEN, f"no check ran on versions {numbers}: nothing was verified"
    if unverified and strict:
        return EXIT_BROKEN, f"{nv} (--strict); {len(ran)} checks held on versions {numbers}"
    if stale_waivers and strict:
        return EXIT_BROKEN, f"{stale_waivers} stale waiver(s) matched no failure (--strict)"
    waived = sum(r.status == "waived" for r in results)
    if waived:
        nv = ", ".join(x for x in (f"{waived} waived", nv) if x)
    return EXIT_OK, f"the contracts held: {len(ran)} checks on versions {numbers}" + (f"; {nv}" if nv else "")
