"""Schema compatibility: normalised contract model, direction-aware diff, witnesses, waivers.

Public API: load_contract_model, diff_models, diff_versions, diff_against_active, Finding, DiffReport.
See docs/compat-rules.md for the rule catalogue and the keyword list. The library returns reports; the
`diff` command (cli/diff.py) renders them and maps them to exit codes.

Modes (Confluent's names) apply to bare schemas (XSD, JSON Schema), which carry no direction of their own:
backward = the new schema must read every document the old one allowed (read as a request), forward = the
old schema must read every document the new one allows (read as a response: the default, since a LEFI
schema describes what the provider sends), full = both. WSDL and OpenAPI take the direction from each operation.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from lefi_contracts.compat.diff import deep_recursion, diff_models
from lefi_contracts.compat.findings import DiffReport, Finding
from lefi_contracts.compat.model import MODE_READING, ContractModel, EnumPolicy, Mode, Reader, Reading
from lefi_contracts.contracts import Registry
from lefi_contracts.contracts import registry as default_registry
from lefi_contracts.errors import ContractError, UsageError

__all__ = [
    "DEFAULT_MODE",
    "MODES",
    "ContractModel",
    "DiffReport",
    "Finding",
    "diff_against_active",
    "diff_models",
    "diff_versions",
    "load_contract_model",
]

READERS: tuple[Reader, ...] = ("strict", "tolerant")
MODES: tuple[Mode, ...] = ("backward", "forward", "full")
DEFAULT_MODE: Mode = "forward"
_ENUM_POLICIES: tuple[EnumPolicy, ...] = ("default", "open", "closed")
_UNEXPECTED = (AttributeError, TypeError, KeyError, IndexError, ValueError, RecursionError, LookupError)


def load_contract_model(
    source: str | Path,
    *,
    direction: Reading = "response",
    mode: Mode | None = None,
    registry: Registry | None = None,
) -> ContractModel:
    """A registry version number ("8") or a path to an XSD, WSDL, OpenAPI or JSON Schema file.

    A bare XSD/JSON Schema has no operations: each global element (or the schema) becomes a
    'document' operation read in `direction` (response unless told), or as `mode` says.
    """
    if mode is not None:
        if mode not in MODE_READING:
            raise UsageError(f"unknown mode {mode!r} (backward, forward, full)")
        direction = MODE_READING[mode]
    path = _resolve(str(source), registry)
    if not path.is_file():
        raise ContractError(f"contract file not found: {path}")
    key = (str(path.resolve()), _fingerprint(path), direction)
    if key not in _MODELS:  # models are read-only once built: reuse them across diffs
        if len(_MODELS) > 16:
            _MODELS.clear()
        with deep_recursion():
            try:
                _MODELS[key] = _load(path, direction)
            except _UNEXPECTED as exc:
                # a document of the right kind but the wrong shape (e.g. `paths` a list): the file, not a bug
                detail = str(exc).splitlines()[0][:160] if str(exc) else ""
                raise ContractError(
                    f"{path}: malformed contract ({exc.__class__.__name__}{': ' + detail if detail else ''})"
                ) from None
    return _MODELS[key]


_SCHEMA_SUFFIXES = (".xsd", ".wsdl", ".yaml", ".yml", ".json")
_MODELS: dict[tuple[str, tuple[tuple[str, int, int], ...], str], ContractModel] = {}


def _fingerprint(path: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, mtime, size) of the file and its sibling schemas: a WSDL's model changes when the XSD it imports
    (or an OpenAPI document's when a $ref'd file) does. Imports from other folders are not followed."""
    siblings = sorted(p for p in path.parent.iterdir() if p.suffix.lower() in _SCHEMA_SUFFIXES and p != path)
    files = [path, *(p for p in siblings if p.is_file())]
    out = []
    for f in files:
        st = f.stat()
        out.append((f.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


def _load(path: Path, direction: Reading) -> ContractModel:
    from lefi_contracts.compat.openapi_reader import load_document, read_jsonschema, read_openapi
    from lefi_contracts.compat.xsd_reader import read_wsdl, read_xsd

    suffix = path.suffix.lower()
    if suffix == ".wsdl":
        return read_wsdl(path)
    if suffix == ".xsd":
        return read_xsd(path, direction=direction)
    if suffix in (".yaml", ".yml", ".json"):
        doc = load_document(path)
        if isinstance(doc, dict) and ("openapi" in doc or "swagger" in doc):
            return read_openapi(path, doc)
        return read_jsonschema(path, doc, direction=direction)
    head = path.read_bytes()[:2048].decode("utf-8", "replace")
    if "definitions" in head and "wsdl" in head:
        return read_wsdl(path)
    if "schema" in head and "<" in head:
        return read_xsd(path, direction=direction)
    raise UsageError(f"{path}: unknown contract format (expected .xsd, .wsdl, .yaml, .json)")


def _resolve(source: str, registry: Registry | None = None) -> Path:
    """Registry versions resolve to their WSDL (SOAP) or OpenAPI (REST) file."""
    if (
        Path(source).exists()
        or "/" in source
        or ("." in Path(source).name and not source.lstrip("v").isdigit())
    ):
        return Path(source)
    v = (registry or default_registry()).get(source)
    kinds = ("wsdl", "xsd") if v.transport == "soap" else ("openapi",)
    for kind in kinds:
        if kind in v.contract_files:
            return v.contract_file(kind)
    raise ContractError(f"version {v.number} has no contract file in versions.yaml")


def _is_version(source: str) -> bool:
    return not Path(source).exists() and source.lstrip("v").replace(".", "").isdigit()


def _default_mapping(old: str, new: str, registry: Registry | None = None) -> Path | None:
    if not (_is_version(old) and _is_version(new)):
        return None
    p = (registry or default_registry()).root / "mappings" / f"v{old.lstrip('v')}-v{new.lstrip('v')}.yaml"
    return p if p.is_file() else None


def _check_options(reader: str, enum_policy: str, mode: str) -> None:
    if reader not in READERS:
        raise UsageError(f"unknown reader profile {reader!r} (strict, tolerant)")
    if enum_policy not in _ENUM_POLICIES:
        raise UsageError(f"unknown enum policy {enum_policy!r} (default, open, closed)")
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r} (backward, forward, full)")


def diff_versions(
    old: str,
    new: str,
    *,
    reader: str = "tolerant",
    enum_policy: str = "default",
    witnesses: bool = True,
    mapping: Path | None = None,
    samples: int = 20,
    mode: str = DEFAULT_MODE,
    registry: Registry | None = None,
) -> DiffReport:
    """Diff two registry versions or files; XML vs JSON goes through the declared mapping."""
    _check_options(reader, enum_policy, mode)
    m = cast(Mode, mode)
    om = load_contract_model(old, mode=m, registry=registry)
    nm = load_contract_model(new, mode=m, registry=registry)
    if om.validator_kind != nm.validator_kind:
        from lefi_contracts.compat.mapping import cross_format, load_mapping

        mpath = mapping or _default_mapping(old, new, registry)
        if mpath is None:
            raise UsageError(f"{old} and {new} differ in format: a mapping file is needed (--mapping)")
        return cross_format(om, nm, load_mapping(Path(mpath)), old, new)
    with deep_recursion():
        try:
            return diff_models(
                om,
                nm,
                reader=cast(Reader, reader),
                enum_policy=cast(EnumPolicy, enum_policy),
                witnesses=witnesses,
                samples=samples,
                old_label=old,
                new_label=new,
                mode=m,
            )
        except (
            _UNEXPECTED
        ) as exc:  # a shape the readers let through but the diff cannot walk: the input's fault
            raise ContractError(
                f"{old} -> {new}: cannot compare ({exc.__class__.__name__}: {_first(exc)})"
            ) from None


def _first(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:160]


def diff_against_active(
    new_version: str,
    *,
    reader: str = "tolerant",
    witnesses: bool = True,
    samples: int = 20,
    mode: str = DEFAULT_MODE,
    enum_policy: str = "default",
    registry: Registry | None = None,
) -> list[DiffReport]:
    """Transitive check: the new version against every earlier version still served.

    'Still active' means not retired: deprecated versions are still served and still have consumers.
    An earlier version of another format is compared through its mapping when one exists.
    """
    from lefi_contracts.contracts import version_sort_key

    reg = registry or default_registry()
    new = reg.get(new_version)
    out = []
    for v in reg.served():
        if version_sort_key(v.number) >= version_sort_key(new.number):
            continue
        if v.transport != new.transport and _default_mapping(v.number, new.number, reg) is None:
            continue
        out.append(
            diff_versions(
                v.number,
                new.number,
                reader=reader,
                witnesses=witnesses,
                samples=samples,
                mode=mode,
                enum_policy=enum_policy,
                registry=reg,
            )
        )
    return out
