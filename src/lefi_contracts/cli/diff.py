"""`lefi-contracts diff`: compatibility of two contracts, or of one version against every active earlier one.

The library returns reports; this module renders them and maps the worst counted verdict to the exit code:
0 below the --fail-on threshold, 1 at or above it, 2 for a usage or input error (raised as UsageError).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from lefi_contracts.errors import UsageError

FAIL_ON = {
    "breaking": "breaking",
    "potential": "potentially breaking",
    "potentially breaking": "potentially breaking",
}
FORMATS = ("text", "json", "markdown", "md")


# The same as lefi_contracts.compat.MODES / DEFAULT_MODE (a test pins them): spelled out here so that building
# the parser does not import the compatibility engine (hypothesis, xmlschema) for every command.
MODES = ("backward", "forward", "full")
DEFAULT_MODE = "forward"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("diff", help="compatibility of two contracts (versions or schema files)")
    p.add_argument(
        "sources", nargs="*", metavar="OLD NEW", help="old and new contract (or NEW with --transitive)"
    )
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    p.add_argument("--fail-on", choices=["breaking", "potential"], default="breaking")
    p.add_argument("--reader", choices=["tolerant", "strict"], default="tolerant")
    p.add_argument(
        "--mode",
        choices=MODES,
        default=DEFAULT_MODE,
        help="for bare XSD / JSON Schema files (Confluent's meanings): backward = the new schema reads what the "
        "old one allowed, forward = the old schema reads what the new one allows, full = both "
        f"(default {DEFAULT_MODE}: a LEFI schema describes what the provider sends). WSDL/OpenAPI: per operation.",
    )
    p.add_argument(
        "--transitive",
        action="store_true",
        help="compare NEW (a registry version) with every active earlier one",
    )
    p.add_argument(
        "--waivers",
        type=Path,
        help="accepted findings (the waiver file of every command: rule, path, reason, reference, expires)",
    )
    p.add_argument("--mapping", type=Path, help="XML path -> JSON path mapping for a cross-format diff")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    names = list(args.sources)
    if args.transitive:
        if len(names) != 1:
            raise UsageError(
                "diff --transitive takes one argument: the new version (e.g. diff 9 --transitive)"
            )
        text, code = command_transitive(
            names[0],
            fmt=args.format,
            fail_on=args.fail_on,
            reader=args.reader,
            mode=args.mode,
            waivers=args.waivers,
        )
    else:
        if len(names) != 2:
            raise UsageError(
                "diff needs the old and the new contract: diff OLD NEW (or diff NEW --transitive)"
            )
        text, code = command_diff(
            names[0],
            names[1],
            fmt=args.format,
            fail_on=args.fail_on,
            reader=args.reader,
            waivers=args.waivers,
            mapping=args.mapping,
            mode=args.mode,
        )
    print(text)
    return code


def _check(fmt: str, fail_on: str) -> None:
    if fail_on not in FAIL_ON:
        raise UsageError(f"unknown --fail-on {fail_on!r} (breaking, potential)")
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (text, json, markdown)")


def command_diff(
    old: str,
    new: str,
    *,
    fmt: str = "text",
    fail_on: str = "breaking",
    reader: str = "tolerant",
    waivers: Path | None = None,
    mapping: Path | None = None,
    mode: str | None = None,
) -> tuple[str, int]:
    """The rendered report and the exit code (0 below the threshold, 1 at or above it)."""
    from lefi_contracts.compat import diff_versions
    from lefi_contracts.compat.report import render
    from lefi_contracts.compat.waivers import apply_waivers, load_waivers

    _check(fmt, fail_on)
    accepted = (
        load_waivers(Path(waivers)) if waivers is not None else None
    )  # a bad file: exit 2 before any work
    report = diff_versions(old, new, reader=reader, mapping=mapping, mode=mode or DEFAULT_MODE)
    if accepted is not None:
        apply_waivers(report, accepted)
    return render([report], fmt), int(report.meets(FAIL_ON[fail_on]))


def command_transitive(
    new: str,
    *,
    fmt: str = "text",
    fail_on: str = "breaking",
    reader: str = "tolerant",
    mode: str | None = None,
    waivers: Path | None = None,
) -> tuple[str, int]:
    """`diff NEW --transitive`: one report per active earlier version; the worst of them sets the exit code."""
    from lefi_contracts.compat import diff_against_active
    from lefi_contracts.compat.report import render
    from lefi_contracts.compat.waivers import apply_waivers, load_waivers

    _check(fmt, fail_on)
    accepted = (
        load_waivers(Path(waivers)) if waivers is not None else None
    )  # a bad file: exit 2 before any work
    if Path(new).exists() or not new.lstrip("v").replace(".", "").isdigit():
        raise UsageError(f"--transitive needs a registry version, not a file: {new}")
    reports = diff_against_active(new, reader=reader, mode=mode or DEFAULT_MODE)
    if not reports:
        raise UsageError(f"version {new} has no active earlier version to compare with")
    if accepted is not None:
        for r in reports:
            apply_waivers(r, accepted)
    return render(reports, fmt), int(any(r.meets(FAIL_ON[fail_on]) for r in reports))
