from __future__ import annotations

import pytest
from wheelkit import InstalledVenv, build_and_install


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> InstalledVenv:
    return build_and_install(tmp_path_factory.mktemp("wheel"))
