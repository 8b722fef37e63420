"""The arithmetic of payments, in exact Decimal to the öre.

Decided once: the contract's amounts are money (`summa` in SEK with öre, PM amounts whole SEK), and the rule is an
identity between them ("totalerna av alla utbetalningsdetaljerna … avdragsbeloppet inkluderar skattebeloppet"). A
tolerance would pass a netto that is off by 0.004 SEK, which no payment can be; so amounts are read exactly
(`answer.amount`) and compared exactly. A provider that computes in binary floating point and sends 649.9999999
is wrong by this rule, and should be.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from lefi_contracts.oracles.answer import FK_PAYMENT_KEYS, amount, dicts, fk_data
from lefi_contracts.oracles.exchange import Exchange
from lefi_contracts.oracles.registry import rule

SOURCE = (
    'LefiUtbetalningUppgift: bruttobelopp, skattebelopp, avdragsbelopp, nettobelopp är "totalerna av alla '
    'utbetalningsdetaljerna … avdragsbeloppet inkluderar skattebeloppet, då skatt också räknas som avdrag"; '
    "PM: nettobelopp = bruttobelopp - avdrag, bruttobelopp = summan av utbetalningsrader"
)


def _total(rows: list[dict[str, Any]], key: str) -> Decimal | None:
    """Sum of `key` over the detail rows (a row without it adds 0); None when a present value is no number."""
    total = Decimal(0)
    for row in rows:
        if row.get(key) is None:
            continue
        value = amount(row.get(key))
        if value is None:
            return None
        total += value
    return total


def uppgift_problems(where: str, uppgift: Mapping[str, Any]) -> list[str]:
    """What does not add up in one FK LefiUtbetalningUppgift (empty when it holds)."""
    out: list[str] = []
    brutto, skatt = amount(uppgift.get("bruttobelopp")), amount(uppgift.get("skattebelopp"))
    avdrag, netto = amount(uppgift.get("avdragsbelopp")), amount(uppgift.get("nettobelopp"))
    if brutto is not None and avdrag is not None and netto is not None and netto != brutto - avdrag:
        out.append(f"{where}: nettobelopp {netto} != bruttobelopp {brutto} - avdragsbelopp {avdrag}")
    if avdrag is not None and skatt is not None and avdrag < skatt:
        out.append(f"{where}: avdragsbelopp {avdrag} does not include skattebelopp {skatt}")
    rows = dicts(uppgift.get("utbetalningsdetalj"))
    if not rows:
        return out
    rows_brutto, rows_skatt = _total(rows, "bruttobelopp"), _total(rows, "skattebelopp")
    rows_avdrag = _total(rows, "avdragsbelopp")
    expected = {
        "bruttobelopp": (brutto, rows_brutto, "the details' bruttobelopp"),
        "skattebelopp": (skatt, rows_skatt, "the details' skattebelopp"),
        "avdragsbelopp": (
            avdrag,
            None if rows_avdrag is None or rows_skatt is None else rows_avdrag + rows_skatt,
            "the details' avdragsbelopp plus skattebelopp",
        ),
    }
    for key, (got, want, what) in expected.items():
        if got is not None and want is not None and got != want:
            out.append(f"{where}: {key} {got} != {what} {want}")
    return out


def pm_payment_problems(where: str, payment: Mapping[str, Any]) -> list[str]:
    """What does not add up in one PM LefiPmFormanUtbetalning (whole SEK)."""
    out: list[str] = []
    brutto, netto = amount(payment.get("bruttobelopp")), amount(payment.get("nettobelopp"))
    avdrag = [a for a in (amount(x.get("belopp")) for x in dicts(payment.get("avdrag"))) if a is not None]
    rader = [
        r for r in (amount(x.get("belopp")) for x in dicts(payment.get("utbetalningsrader"))) if r is not None
    ]
    complete_avdrag = len(avdrag) == len(dicts(payment.get("avdrag")))
    complete_rader = len(rader) == len(dicts(payment.get("utbetalningsrader")))
    if (
        brutto is not None
        and netto is not None
        and complete_avdrag
        and netto != brutto - sum(avdrag, Decimal(0))
    ):
        out.append(f"{where}: nettobelopp {netto} != bruttobelopp {brutto} - sum of avdrag")
    if brutto is not None and rader and complete_rader and sum(rader, Decimal(0)) != brutto:
        out.append(f"{where}: bruttobelopp {brutto} != sum of utbetalningsrader")
    return out


@rule(
    "lefi_payment_arithmetic",
    source=SOURCE,
    phases=("scenarios", "fuzzing", "probes", "validation", "consumers"),
    broken_by=("netto-mismatch",),
)
def payment_arithmetic(ex: Exchange) -> list[str]:
    """Every payment adds up, exactly: totals = sums of the details, avdrag includes skatt, netto = brutto - avdrag."""
    out: list[str] = []
    fi = fk_data(ex.data)
    for key in FK_PAYMENT_KEYS:
        for i, uppgift in enumerate(dicts(fi.get(key))):
            out.extend(uppgift_problems(f"formansinformation/{key}[{i + 1}]", uppgift))
    for key in ("utbetalningar", "preliminaraUtbetalningar"):
        for i, payment in enumerate(dicts((ex.data or {}).get(key))):
            out.extend(pm_payment_problems(f"{key}[{i + 1}]", payment))
    return out
