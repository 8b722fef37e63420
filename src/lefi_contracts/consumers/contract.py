"""A consumer contract: what one consumer calls and reads, loaded and checked against its meta-schema.

A consumer contract names fields by slash paths in the response (formansinformation/sjukpenningarende/beslut/
period/fran). The same path names an element in the XML versions and a property in JSON, because every version
decodes to one shape (see lefi_contracts.client). This module also finds those paths in a version's contract model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema

from lefi_contracts.contracts import default_contracts_dir
from lefi_contracts.errors import ContractError, UsageError
from lefi_contracts.yamlio import read_yaml_file

if TYPE_CHECKING:
    from lefi_contracts.contracts import Registry


@dataclass(frozen=True)
class ConsumerExample:
    name: str
    period_from: str
    period_tom: str
    persona: str | None = None
    personnummer: str | None = None
    expect_present: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConsumerContract:
    path: Path
    consumer: str
    version: str
    reader: str
    enum_policy: str
    operations: tuple[str, ...]
    groups: dict[str, tuple[str, ...]]
    reads: tuple[str, ...]
    examples: tuple[ConsumerExample, ...]
    aktors_id: str | None = None
    kind: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    def reads_under(self, path: str) -> list[str]:
        """The read paths that a change at `path` touches: the path itself, what lies below it, what lies above."""
        path = path.strip("/")
        return [r for r in self.reads if r == path or r.startswith(path + "/") or path.startswith(r + "/")]


@lru_cache(maxsize=4)
def _meta_schema(contracts_dir: str) -> dict[str, Any]:
    path = Path(contracts_dir) / "consumers" / "schema.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ContractError(
            f"consumer meta-schema {path} cannot be read ({exc.__class__.__name__})"
        ) from None


def load_consumer(path: Path, *, contracts_dir: Path | None = None) -> ConsumerContract:
    """Read and validate one consumer contract against contracts/consumers/schema.json."""
    contracts_dir = contracts_dir or default_contracts_dir()
    if not path.is_file():
        raise UsageError(f"consumer contract {path} does not exist")
    data = read_yaml_file(path, "consumer contract")
    validator = jsonschema.Draft202012Validator(_meta_schema(str(contracts_dir)))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top)"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ContractError(f"consumer contract {path.name}: {where}: {first.message}{more}")
    examples = tuple(
        ConsumerExample(
            name=str(ex.get("name") or ex.get("persona") or f"example {i + 1}"),
            period_from=str(ex["period"]["from"]),
            period_tom=str(ex["period"]["tom"]),
            persona=ex.get("persona"),
            personnummer=ex.get("personnummer"),
            expect_present=tuple(ex.get("expect_present", ())),
        )
        for i, ex in enumerate(data["examples"])
    )
    return ConsumerContract(
        path=path,
        consumer=data["consumer"],
        version=str(data["version"]),
        reader=data.get("reader", "tolerant"),
        enum_policy=data.get("enum_policy", "open"),
        operations=tuple(data["operations"]),
        groups={k: tuple(v) for k, v in data["groups"].items()},
        reads=tuple(data["reads"]),
        examples=examples,
        aktors_id=data.get("aktorsId"),
        kind=data.get("kind"),
        raw=data,
    )


def load_consumers(
    folder: Path | None = None, *, contracts_dir: Path | None = None
) -> list[ConsumerContract]:
    contracts_dir = contracts_dir or default_contracts_dir()
    folder = folder or contracts_dir / "consumers"
    if not folder.is_dir():
        raise UsageError(f"consumer folder {folder} does not exist")
    return [load_consumer(p, contracts_dir=contracts_dir) for p in sorted(folder.glob("*.yaml"))]


def values_at(data: Any, path: str) -> list[Any]:
    """Every value at a slash path, flattening lists on the way (XML repetition and JSON arrays alike)."""
    current: list[Any] = [data]
    for part in path.strip("/").split("/"):
        nxt: list[Any] = []
        for node in current:
            items = node if isinstance(node, list) else [node]
            for item in items:
                if isinstance(item, dict) and part in item and item[part] is not None:
                    value = item[part]
                    nxt.extend(value if isinstance(value, list) else [value])
        current = nxt
    return current


# The operation names consumers use, and how the REST rendition names the same operation (its path's tail).
OPERATION_PATH_TAILS = {
    "hamtaFormansinformation": "/formansinformation/fraga",
    "hamtaTillgangligaInformationstyper": "/tillgangligaInformationstyper",
}


def model_operation(model: Any, name: str) -> Any | None:
    tail = OPERATION_PATH_TAILS.get(name, "/" + name)
    for op_id, op in model.operations.items():
        if op_id == name or str(op.meta.get("path", op_id)).endswith(tail):
            return op
    return None


def _paths_of(shape: Any, prefix: str, out: set[str], seen: set[int]) -> None:
    if id(shape) in seen:  # recursive types: each shape once per walk
        return
    seen = seen | {id(shape)}
    for name, fld in shape.fields.items():
        if name.startswith("@") or name == "[]":
            continue
        path = f"{prefix}/{name}" if prefix else name
        out.add(path)
        _paths_of(fld.shape, path, out, seen)


def declared_paths(
    version: str, *, contracts_dir: Path | None = None, registry: Registry | None = None
) -> set[str]:
    """Every slash path the version's contract declares in its query answer."""
    from lefi_contracts.compat import load_contract_model
    from lefi_contracts.contracts import load_registry

    info = (registry or load_registry(contracts_dir)).get(version)
    source = info.contract_file("wsdl" if info.transport == "soap" else "openapi")
    op = model_operation(load_contract_model(source), "hamtaFormansinformation")
    out: set[str] = set()
    if op is not None:
        for msg in op.responses.get("200", {}).values():
            if msg.key.startswith("body"):
                _paths_of(msg.root.shape, "", out, set())
    return out
