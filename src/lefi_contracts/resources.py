"""Where a run finds its data: contracts/, features/ and steps/, in a checkout or inside the installed wheel.

The repository keeps one copy of each at its top; the wheel carries them as package data under
`lefi_contracts/_data/` (copied there by setup.py at build time). Precedence for the contracts folder:
an explicit folder (`--contracts DIR`) > `LEFI_CONTRACTS_DIR` > the source checkout (editable install) > the
packaged data. Relative paths are resolved against the caller's working directory, once, here.

The scenario run (`pytest steps`) is started in its own process; `scenario_invocation` is the one place that
knows how, so the gate and our own tooling start it the same way from a checkout and from a wheel.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lefi_contracts.client.transport import TlsConfig
    from lefi_contracts.contracts import Registry

CONTRACTS_ENV = "LEFI_CONTRACTS_DIR"
DATA_PACKAGE_DIR = "_data"
# What the wheel carries (top-level folders of the checkout, copied as they are).
DATA_FOLDERS = ("contracts", "features", "steps")

_PACKAGE = Path(__file__).resolve().parent


def source_checkout() -> Path | None:
    """The checkout this package runs from (an editable install or PYTHONPATH=src), else None.

    Strict on purpose: an installed wheel inside some project that happens to have a contracts/ folder must
    still use its own packaged data."""
    root = _PACKAGE.parent.parent
    if (
        _PACKAGE.parent.name == "src"
        and (root / "pyproject.toml").is_file()
        and (root / "contracts" / "versions.yaml").is_file()
    ):
        return root
    return None


def packaged_data() -> Path:
    """lefi_contracts/_data of an installed wheel (may not exist in a checkout)."""
    return _PACKAGE / DATA_PACKAGE_DIR


def _data_folder(name: str) -> Path:
    checkout = source_checkout()
    if checkout is not None and (checkout / name).is_dir():
        return checkout / name
    return packaged_data() / name


def absolute(path: Path | str, cwd: Path | None = None) -> Path:
    """A user-given path made absolute against where the user stands (not where a subprocess runs)."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else (cwd or Path.cwd()) / p


def contracts_dir(explicit: Path | str | None = None) -> Path:
    """The contracts folder of this run (see the module docstring for the precedence)."""
    if explicit is not None and str(explicit) != "":
        return absolute(explicit)
    env = os.environ.get(CONTRACTS_ENV)
    if env:
        return absolute(env)
    return _data_folder("contracts")


@contextlib.contextmanager
def contracts_env(folder: Path | str) -> Iterator[Path]:
    """While the block runs, LEFI_CONTRACTS_DIR names `folder` (made absolute here), so the parts that read the
    default registry or start their own process (scenarios, the embedded provider's data) read the same
    contracts; the previous value comes back afterwards."""
    resolved = absolute(folder)
    before = os.environ.get(CONTRACTS_ENV)
    os.environ[CONTRACTS_ENV] = str(resolved)
    try:
        yield resolved
    finally:
        if before is None:
            os.environ.pop(CONTRACTS_ENV, None)
        else:
            os.environ[CONTRACTS_ENV] = before


def features_dir() -> Path:
    """The Gherkin features (features/ of the checkout, or the packaged copy)."""
    return _data_folder("features")


def steps_dir() -> Path:
    """The pytest-bdd step definitions (steps/ of the checkout, or the packaged copy)."""
    return _data_folder("steps")


def tools_dir() -> Path:
    """Where the HTML report's tool (Allure 3, from npm) is installed: .tools/ of the checkout (pinned by its
    package-lock.json), else a per-user cache; never the directory the user happens to run the gate in."""
    checkout = source_checkout()
    if checkout is not None:
        return checkout / ".tools"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "lefi-contracts" / "tools"


@dataclass(frozen=True)
class ScenarioInvocation:
    """How to start the scenario run: the command line, the directory to run it in, its environment."""

    argv: list[str]
    cwd: Path
    env: dict[str, str]


def scenario_invocation(
    *,
    target: str,
    versions: Sequence[str],
    results_file: Path,
    allure_dir: Path | None = None,
    fixtures: Path | None = None,
    tls: TlsConfig | None = None,
    registry: Registry | None = None,
    embedded: bool = False,
    extra_args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> ScenarioInvocation:
    """The scenario run (`pytest <steps>`) as the gate starts it, from a checkout or from an installed wheel.

    Every path is made absolute against the caller's directory, and the run starts there, so relative report
    folders mean what the user meant. The step definitions, the features and the contracts come from this
    module's resolver; the contracts folder travels as LEFI_CONTRACTS_DIR (the registry's root when given), so
    the subprocess reads the same registry as the caller. Ini settings of the checkout (addopts, testpaths) are
    overridden; an ini file of the caller's directory is not read (pytest looks beside the steps)."""
    steps = steps_dir()
    features = features_dir()
    root = steps.parent
    # Ini settings of the checkout (addopts, testpaths) are overridden; the features folder is named outright.
    ini = ["-o", "addopts=", "-o", "testpaths=", "-o", f"bdd_features_base_dir={features}"]
    # Neither pytest Allure plugin runs here (a user may have either or both installed: they clash over
    # --alluredir); our own bdd_plugin writes the scenarios' Allure results.
    plugins = ["-p", "no:cacheprovider", "-p", "no:allure_pytest", "-p", "no:allure_pytest_bdd"]
    plugins += ["-p", "lefi_contracts"]
    plugins += ["-p", "lefi_contracts.report.bdd_plugin"]
    argv = [sys.executable, "-P", "-m", "pytest", str(steps), f"--rootdir={root}", "-q", "--no-header"]
    argv += [*plugins, *ini, f"--lefi-results={absolute(results_file)}", f"--lefi-target={target}"]
    argv.append("--lefi-version=" + ",".join(versions))
    if allure_dir is not None:
        argv.append(f"--lefi-allure-dir={absolute(allure_dir)}")
    if fixtures is not None:
        argv.append(f"--lefi-fixtures={absolute(fixtures)}")
    if tls is not None and tls.cert:
        argv += [f"--lefi-cert={absolute(tls.cert)}", f"--lefi-key={absolute(str(tls.key))}"]
    if tls is not None and tls.ca:
        argv.append(f"--lefi-ca={absolute(tls.ca)}")
    argv += list(extra_args)
    child_env = dict(os.environ if env is None else env)
    child_env[CONTRACTS_ENV] = str(registry.root if registry is not None else contracts_dir())
    child_env["LEFI_EMBEDDED_TARGET"] = "1" if embedded else "0"
    return ScenarioInvocation(argv=argv, cwd=Path.cwd(), env=child_env)
