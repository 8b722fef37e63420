"""Schema compatibility: normalised contract model, direction-aware diff, witnesses, waivers.

Public API: load_contract_model, diff_models, diff_versions, diff_against_active, command_diff,
Finding, DiffReport. See docs/compat-rules.md for the rule catalogue.
"""

from __future__ import annotations

from pathlib import Path

from lefi_contracts.compat.diff import DiffReport, Finding, deep_recursion, diff_models
from lefi_contracts.compat.model import ContractModel
from lefi_contracts.errors import ContractError, UsageError

__all__ = [
    "ContractModel",
    "DiffReport",
    "Finding",
    "command_diff",
    "diff_against_active",
    "diff_models",
    "diff_versions",
    "load_contract_model",
]

_READERS = ("strict", "tolerant")
_FAIL_ON = {
    "breaking": "breaking",
    "potential": "potentially breaking",
    "potentially breaking": "potentially breaking",
}


def load_contract_model(source: str | Path, *, direction: str = "response") -> ContractModel:
    """A registry version number ("8") or a path to an XSD, WSDL, OpenAPI or JSON Schema file.

    A bare XSD/JSON Schema has no operations: each global element (or the schema) becomes a
    'document' operation read in `direction` (response unless told).
    """
    path = _resolve(str(source))
    if not path.is_file():
        raise ContractError(f"contract file not found: {path}")
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size, direction)
    if key not in _MODELS:  # models are read-only once built: reuse them across diffs
        if len(_MODELS) > 16:
            _MODELS.clear()
        with deep_recursion():
            try:
                _MODELS[key] = _load(path, direction)
            except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
                # a document of the right kind but the wrong shape (e.g. `paths` a list): the file, not a bug
                detail = str(exc).splitlines()[0][:160] if str(exc) else ""
                raise ContractError(
                    f"{path}: malformed contract ({exc.__class__.__name__}{': ' + detail if detail else ''})"
                ) from None
    return _MODELS[key]


_MODELS: dict[tuple[str, int, int, str], ContractModel] = {}


def _load(path: Path, direction: str) -> ContractModel:
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


def _resolve(source: str) -> Path:
    """Registry versions resolve to their WSDL (SOAP) or OpenAPI (REST) file."""
    if (
        Path(source).exists()
        or "/" in source
        or ("." in Path(source).name and not source.lstrip("v").isdigit())
    ):
        return Path(source)
    from lefi_contracts.contracts import registry

    v = registry().get(source)
    kinds = ("wsdl", "xsd") if v.transport == "soap" else ("openapi",)
    for kind in kinds:
        if kind in v.contract_files:
            return v.contract_file(kind)
    raise ContractError(f"version {v.number} has no contract file in versions.yaml")


def _is_version(source: str) -> bool:
    return not Path(source).exists() and source.lstrip("v").replace(".", "").isdigit()


def _default_mapping(old: str, new: str) -> Path | None:
    from lefi_contracts.contracts import registry

    if not (_is_version(old) and _is_version(new)):
        return None
    p = registry().root / "mappings" / f"v{old.lstrip('v')}-v{new.lstrip('v')}.yaml"
    return p if p.is_file() else None


def diff_versions(old: str, new: str, *, reader: str = "tolerant", enum_policy: str = "default",
                  witnesses: bool = True, mapping: Path | None = None, samples: int = 20) -> DiffReport:  # fmt: skip
    """Diff two registry versions or files; XML vs JSON goes through the declared mapping."""
    if reader not in _READERS:
        raise UsageError(f"unknown reader profile {reader!r} (strict, tolerant)")
    if enum_policy not in ("default", "open", "closed"):
        raise UsageError(f"unknown enum policy {enum_policy!r} (default, open, closed)")
    om, nm = load_contract_model(old), load_contract_model(new)
    if om.validator_kind != nm.validator_kind:
        from lefi_contracts.compat.mapping import cross_format, load_mapping

        mpath = mapping or _default_mapping(old, new)
        if mpath is None:
            raise UsageError(f"{old} and {new} differ in format: a mapping file is needed (--mapping)")
        return cross_format(om, nm, load_mapping(Path(mpath)), old, new)
    return diff_models(om, nm, reader=reader, enum_policy=enum_policy, witnesses=witnesses, samples=samples,
                       old_label=old, new_label=new)  # fmt: skip


def diff_against_active(new_version: str, *, reader: str = "tolerant", witnesses: bool = True,
                        samples: int = 20) -> list[DiffReport]:  # fmt: skip
    """Transitive check: the new version against every earlier version still served.

    'Still active' means not retired: deprecated versions are still served and still have consumers.
    An earlier version of another format is compared through its mapping when one exists.
    """
    from lefi_contracts.contracts import _version_sort_key, registry

    reg = registry()
    new = reg.get(new_version)
    out = []
    for v in reg.served():
        if _version_sort_key(v.number) >= _version_sort_key(new.number):
            continue
        if v.transport != new.transport and _default_mapping(v.number, new.number) is None:
            continue
        out.append(diff_versions(v.number, new.number, reader=reader, witnesses=witnesses, samples=samples))
    return out


def command_diff(old: str, new: str, *, fmt: str = "text", fail_on: str = "breaking", reader: str = "tolerant",
                 waivers: Path | None = None, mapping: Path | None = None) -> tuple[str, int]:  # fmt: skip
    """The `lefi-contracts diff` command: (rendered report, exit code 0 below threshold / 1 met)."""
    from lefi_contracts.compat.report import render
    from lefi_contracts.compat.waivers import apply_waivers, load_waivers

    if fail_on not in _FAIL_ON:
        raise UsageError(f"unknown --fail-on {fail_on!r} (breaking, potential)")
    if fmt not in ("text", "json", "markdown", "md"):
        raise UsageError(f"unknown format {fmt!r} (text, json, markdown)")
    report = diff_versions(old, new, reader=reader, mapping=mapping)
    if waivers is not None:
        apply_waivers(report, load_waivers(Path(waivers)))
    return render([report], fmt), int(report.meets(_FAIL_ON[fail_on]))
