"""Consumer contracts: what one consumer calls and reads, verified against a target or a candidate contracts/ tree.

contract (loading, the meta-schema, paths in a version's contract), verify (against a running target) and
deploy (can-i-deploy: against a candidate contracts/ tree) are separate modules; the names are re-exported here.
"""

from __future__ import annotations

from lefi_contracts.consumers.contract import (
    ConsumerContract,
    ConsumerExample,
    declared_paths,
    load_consumer,
    load_consumers,
    values_at,
)
from lefi_contracts.consumers.deploy import SharedPaths, can_i_deploy, command_can_i_deploy, relevant_findings
from lefi_contracts.consumers.verify import command_verify_consumer, verify_all, verify_consumer

__all__ = [
    "ConsumerContract",
    "ConsumerExample",
    "SharedPaths",
    "can_i_deploy",
    "command_can_i_deploy",
    "command_verify_consumer",
    "declared_paths",
    "load_consumer",
    "load_consumers",
    "relevant_findings",
    "values_at",
    "verify_all",
    "verify_consumer",
]
