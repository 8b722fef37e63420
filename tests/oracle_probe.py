"""Ask a provider about every catalogue person, for everything each version serves, and run the oracle's rules.

Shared by tests/test_oracle_probes.py (each rule holds on the clean provider, breaks with its faults) and by
tests/provider/test_provider_faults.py (the probes of the disclosure faults). Real HTTP through the real client.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lefi_contracts import behaviour
from lefi_contracts.calendar import add_years
from lefi_contracts.catalogue import load_catalogue
from lefi_contracts.client import LefiClient
from lefi_contracts.contracts import VersionInfo
from lefi_contracts.oracles import RULES, exchange_of


def queries(catalogue: dict[str, Any], v: VersionInfo) -> list[Any]:
    """Everything the version serves, for every person: over its catalogue period and over a narrow and a
    distant period (so that what lies outside the asked period exists to be delivered by mistake)."""
    spec = behaviour.everything_served(v)
    aktor = behaviour.actor(catalogue).get("aktorsId")
    out = []
    for _, person in behaviour.test_persons(catalogue):
        query = behaviour.build_query(spec, person, aktors_id=aktor)
        out.append(query)
        start = query.period_from
        narrow = dict(vars(query), period_tom=start + dt.timedelta(days=20))
        out.append(type(query)(**narrow))
        one_group = behaviour.RequestSpec(
            groups={"formansinformation": [str((person.get("groups") or ["FK:SJP"])[0])]}
        )
        out.append(behaviour.build_query(one_group, person, aktors_id=aktor))
        only_ovrig = behaviour.RequestSpec(groups={"ovrig_information": ["FK:GEPI"]})
        out.append(behaviour.build_query(only_ovrig, person, aktors_id=aktor))
        late = add_years(start, -3)
        out.append(
            type(query)(**dict(vars(query), period_from=late, period_tom=late + dt.timedelta(days=60)))
        )
    return out


def findings(url: str, v: VersionInfo, names: list[str] | None = None) -> dict[str, list[str]]:
    """Rule name -> what it found over every probe query of version v at url."""
    catalogue = load_catalogue(None, target=url)
    found: dict[str, list[str]] = {}
    with LefiClient(url, v) as client:
        for query in queries(catalogue, v):
            ex = exchange_of(client.query(query, raise_on_unavailable=False), query, v)
            for item in RULES:
                if names is None or item.name in names:
                    found.setdefault(item.name, []).extend(item(ex))
    return found
