"""`lefi-contracts merge-reports DIR... --reports OUT`: one verdict and one set of reports from the report
folders of several gate runs (CI matrix jobs, one a version). Same verdict line and exit codes as `gate`."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "merge-reports", help="one verdict and one report from the report folders of several gate runs"
    )
    p.add_argument("folders", nargs="+", type=Path, metavar="DIR", help="a gate run's --reports folder")
    p.add_argument("--reports", type=Path, default=Path("reports"), help="where the merged report goes")
    p.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="behaviours not verified fail the merged verdict (default: as the jobs ran)",
    )
    p.add_argument("--no-html", action="store_true", help="do not build the single-file Allure report")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lefi_contracts.cli.common import run_registry
    from lefi_contracts.gate.options import VERDICTS
    from lefi_contracts.report.merge import merge_reports

    out = merge_reports(
        args.folders, args.reports, strict=args.strict, html=not args.no_html, registry=run_registry(args)
    )
    verdict = VERDICTS.get(out.exit_code, "unknown")
    print(out.message if out.message.startswith(verdict) else f"{verdict}: {out.message}")
    print(f"summary: {out.reports_dir / 'summary.md'}")
    if out.html_report:
        print(f"report:  {out.html_report}")
    return out.exit_code
