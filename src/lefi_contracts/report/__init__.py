"""Reports of a gate run, all written from one ResultStream: Allure results, JUnit XML, summary, HTML."""

from __future__ import annotations

from lefi_contracts.report.allure import history_id, write_allure_results, write_environment
from lefi_contracts.report.html import HtmlReport, build_html_report, result_link, strip_tracking
from lefi_contracts.report.junit import write_junit
from lefi_contracts.report.masking import Leak, scan_for_identity_numbers
from lefi_contracts.report.summary import SummaryInput, write_summary

__all__ = [
    "HtmlReport",
    "Leak",
    "SummaryInput",
    "build_html_report",
    "history_id",
    "result_link",
    "scan_for_identity_numbers",
    "strip_tracking",
    "write_allure_results",
    "write_environment",
    "write_junit",
    "write_summary",
]
