"""Identity numbers in text: personnummer, samordningsnummer, organisationsnummer.

Used by two rules: an error names nobody (`lefi_no_identity_in_error`), and an answer concerns only the person
asked (`lefi_disclosure_person_asked`, in disclosure.py). Descriptions are returned, never the number itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lefi_contracts.oracles.exchange import Exchange
from lefi_contracts.oracles.registry import rule
from lefi_contracts.personnummer import contains_identity_number, is_valid, luhn_check_digit

_ORGNR = re.compile(r"(?<!\d)(16)?(\d{2}[2-9]\d{3})-?(\d{4})(?!\d)")
# A whole number of 10 or 12 digits (optionally with - or + before the last four) standing on its own.
_NUMBER = re.compile(r"(?<![\w])((?:\d{2})?\d{6}[-+]?\d{4})(?![\w])")


def org_numbers(text: str) -> Iterator[str]:
    """Organisationsnummer: ten digits, the third >= 2 (no month), Luhn check digit."""
    for m in _ORGNR.finditer(text):
        ten = m.group(2) + m.group(3)
        if luhn_check_digit(ten[:9]) == int(ten[9]):
            yield ten


def _forms(number: str) -> set[str]:
    digits = re.sub(r"\D", "", number)
    if len(digits) < 10:
        return set()
    return {digits, digits[-10:], f"{digits[-10:-4]}-{digits[-4:]}", f"{digits[:-4]}-{digits[-4:]}"}


def identity_numbers_in(text: str, also: Iterable[str] = ()) -> list[str]:
    """What in a text looks like a personnummer, samordningsnummer or organisationsnummer, or is one of `also`
    (the numbers of the query) in 10- or 12-digit form, with or without a hyphen."""
    problems = []
    if any(form in text for number in also for form in _forms(number)):
        problems.append("the personnummer of the query")
    elif contains_identity_number(text):
        problems.append("a personnummer-shaped number")
    if any(True for _ in org_numbers(text)):
        problems.append("an organisationsnummer")
    return problems


def valid_personnummer_in(text: str) -> Iterator[str]:
    """Every valid personnummer or samordningsnummer (check digit right) standing on its own, as 10 digits."""
    for m in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        if is_valid(digits):
            yield digits[-10:]


@rule(
    "lefi_no_identity_in_error",
    source="a refusal names no personnummer or organisationsnummer (consumers log error texts)",
    phases=("scenarios", "fuzzing"),
    broken_by=("personnummer-in-error",),
)
def no_identity_in_error(ex: Exchange) -> list[str]:
    """No personnummer or organisationsnummer in any error (LefiFelsvar or SOAP Fault)."""
    if not ex.is_error:
        return []
    asked = [str(ex.request.get("personnummer") or "")]
    return [f"{what} is in the error body" for what in identity_numbers_in(ex.error_text(), asked)]
