import datetime as dt

import pytest

from lefi_contracts import personnummer as pnr


@pytest.mark.parametrize(
    "number",
    [
        "197407029284",
        "7407029284",
        "740702-9284",
        "194408139089",
        "191212121212",
        "201701102384",
        "189102279800",
    ],
)
def test_valid_personnummer(number: str) -> None:
    assert pnr.is_valid(number)


@pytest.mark.parametrize("number", ["191500722390", "191611882398", "191711602399", "701063-2391"])
def test_valid_samordningsnummer(number: str) -> None:
    identity = pnr.parse(number)
    assert identity.samordningsnummer


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("199001011234", "check digit"),  # fails Luhn (used in a municipality's README)
        ("201701272394", "check digit"),
        ("190302299813", "no such date"),  # passes Luhn, 1903-02-29 does not exist
        ("19740702928", "not 10 or 12"),
        ("abc", "not 10 or 12"),
        ("", "not 10 or 12"),
    ],
)
def test_invalid(number: str, reason: str) -> None:
    with pytest.raises(pnr.InvalidPersonnummer, match=reason):
        pnr.parse(number)


def test_plus_separator_means_a_century_earlier() -> None:
    today = dt.date(2026, 11, 26)
    assert pnr.parse("121212-1212", today=today).twelve == "201212121212"
    assert pnr.parse("121212+1212", today=today).twelve == "191212121212"


def test_make_produces_valid_numbers() -> None:
    for serial in (1, 123, 999):
        number = pnr.make(dt.date(1980, 2, 29), serial)
        assert pnr.parse(number).birth_date == dt.date(1980, 2, 29)
    samordning = pnr.make(dt.date(1990, 5, 3), 239, samordning=True)
    assert samordning[6:8] == "63"
    assert pnr.parse(samordning).samordningsnummer


def test_mask_text_hides_every_identity_shape_and_keeps_other_numbers() -> None:
    text = "pnr 197407029284, short 740702-9284, typo 199001011234, amount 1234567890, date 2024-05-19, id 20250317"
    masked = pnr.mask_text(text)
    assert "9284" not in masked and "1234, " not in masked
    assert "19740702-****" in masked and "19900101-****" in masked
    assert "1234567890" in masked and "2024-05-19" in masked and "20250317" in masked
    assert not pnr.contains_identity_number(masked)
    assert pnr.contains_identity_number(text)
