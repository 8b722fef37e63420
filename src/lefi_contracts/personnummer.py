"""Swedish personnummer and samordningsnummer: validation (Luhn and a real date) and masking.

Masking lives here, beside validation, so that every report, log and attachment hides identity numbers
the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_SHAPE = re.compile(
    r"^(?P<century>\d{2})?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})(?P<sep>[-+]?)(?P<serial>\d{3})(?P<check>\d)$"
)

# 10 or 12 digits, with or without separator, where a word boundary ends it; dates like 2024-05-19 don't match.
_CANDIDATE = re.compile(r"(?<![\d])((?:18|19|20)?\d{6}[-+]?\d{4})(?![\d])")


def luhn_check_digit(nine_digits: str) -> int:
    total = 0
    for i, ch in enumerate(nine_digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


@dataclass(frozen=True)
class Identity:
    """A parsed, valid identity number, kept in the 12-digit form that LEFI v9 and SSBTEK use."""

    twelve: str
    birth_date: dt.date | None
    samordningsnummer: bool

    @property
    def ten(self) -> str:
        return self.twelve[2:]

    @property
    def masked(self) -> str:
        return mask_number(self.twelve)


class InvalidPersonnummer(ValueError):
    pass


def parse(value: str, *, today: dt.date | None = None) -> Identity:
    """Parse a personnummer or samordningsnummer, 10 or 12 digits, with or without separator.

    A 10-digit number gets its century from the separator ('+' means 100 years or older), as Skatteverket writes it.
    """
    m = _SHAPE.match(value.strip())
    if not m:
        raise InvalidPersonnummer("not 10 or 12 digits")
    yy, mm, dd = int(m["yy"]), int(m["mm"]), int(m["dd"])
    ten = f"{m['yy']}{m['mm']}{m['dd']}{m['serial']}{m['check']}"
    if luhn_check_digit(ten[:9]) != int(m["check"]):
        raise InvalidPersonnummer("check digit does not match")
    samordning = dd >= 60
    day = dd - 60 if samordning else dd
    if m["century"]:
        year = int(m["century"]) * 100 + yy
    else:
        today = today or dt.date.today()
        year = (today.year // 100) * 100 + yy
        if year > today.year:
            year -= 100
        if m["sep"] == "+":
            year -= 100
    birth: dt.date | None
    if samordning and (day == 0 or mm == 0):  # an unknown birth day or month is written as 60 or 00
        birth = None
        if not 0 <= mm <= 12 or day > 31:
            raise InvalidPersonnummer("no such date")
    else:
        try:
            birth = dt.date(year, mm, day)
        except ValueError:
            raise InvalidPersonnummer("no such date") from None
    return Identity(twelve=f"{year:04d}{ten[2:]}", birth_date=birth, samordningsnummer=samordning)


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except InvalidPersonnummer:
        return False
    return True


def make(birth: dt.date, serial: int, *, samordning: bool = False) -> str:
    """A valid 12-digit number for a birth date and a three-digit birth serial (001-999)."""
    if not 1 <= serial <= 999:
        raise ValueError("serial must be 1..999")
    day = birth.day + (60 if samordning else 0)
    nine = f"{birth.year % 100:02d}{birth.month:02d}{day:02d}{serial:03d}"
    return f"{birth.year // 100:02d}{nine}{luhn_check_digit(nine)}"


def mask_number(number: str) -> str:
    """Keep the birth date, hide the serial and check digit: 19740702-****."""
    digits = re.sub(r"[-+]", "", number)
    return f"{digits[:-4]}-****"


def mask_text(text: str) -> str:
    """Mask every valid personnummer or samordningsnummer in free text (reports, logs, attachments).

    Anything shaped like one (a plausible birth date, checksum or not) is masked: a mistyped number is still
    somebody's, and amounts and ids rarely carry a month 01-12 and a day 01-31 or 60-91 in those places.
    """

    def repl(m: re.Match[str]) -> str:
        return mask_number(m.group(1)) if _looks_like_identity(m.group(1)) else m.group(1)

    return _CANDIDATE.sub(repl, text)


def _looks_like_identity(candidate: str) -> bool:
    digits = re.sub(r"[-+]", "", candidate)[-10:]
    mm, dd = int(digits[2:4]), int(digits[4:6])
    return (1 <= mm <= 12 and 1 <= dd <= 31) or (0 <= mm <= 12 and 60 <= dd <= 91)


def contains_identity_number(text: str) -> bool:
    """True when the text holds an unmasked number shaped like a personnummer or samordningsnummer."""
    return any(_looks_like_identity(m.group(1)) for m in _CANDIDATE.finditer(text))
