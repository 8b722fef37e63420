"""docs/rules.md, generated from the registry: rule, source, versions, phases, the faults that break it.

`python -m lefi_contracts.oracles.docs > docs/rules.md` rewrites it; tests/test_oracles.py fails when they drift.
"""

from __future__ import annotations

from lefi_contracts.contracts import Registry, registry
from lefi_contracts.oracles.registry import RULES

HEADER = """# The rules the suite checks

Generated from the oracle's registry (`lefi_contracts.oracles`, `python -m lefi_contracts.oracles.docs`); do not
edit by hand. Each rule is one function over a query and its decoded answer, used by every phase named here; each
is shown failing against the named provider faults (`serve --list-faults`) by tests/test_fault_matrix.py,
tests/fuzz/test_every_check_can_fail.py and tests/test_oracle_probes.py.

Amounts are compared exactly, as Decimal to the öre: the contract's amounts are money and the rule is an identity,
so no tolerance (a netto off by 0.004 SEK is wrong). Förebyggande sjukpenning is recognised by one test
(`oracles.answer.is_forebyggande`): its own set `forebyggandeSjukpenningsarende` (FK:FSJP), ersattning
FOREBYGGANDE_SJUKPENNING(_SF), förmån/delförmån/formansgrupp/beloppstyp FSJP, or a description naming it.

Which date decides whether an item lies in the asked period: see the docstring of `oracles/disclosure.py`. In short,
the contract says `period` is "den period under vilken den önskade informationen tillkommit" without naming the
date, so an item is reported only when every date it carries (ärende: startades, beslut fattades and period;
payment: datum, period, detail periods; PM: ankomstdatum/beslutsdatum/utbetalningsdatum and their periods;
övrig information: its period, if any) lies before `from` or after `tom`, an open period reaching the future.

"""


def rules_markdown(reg: Registry | None = None) -> str:
    reg = reg or registry()
    lines = [HEADER, "| rule | source | versions | phases | broken by |", "|---|---|---|---|---|"]
    for item in RULES:
        served = ", ".join(v.number for v in reg.served() if item.applies_to(v))
        source = item.source.replace("|", "\\|")
        lines.append(
            f"| `{item.name}` | {source} | {item.versions_text} ({served}) | {', '.join(item.phases)} "
            f"| {', '.join(f'`{f}`' for f in item.broken_by)} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(rules_markdown(), end="")
