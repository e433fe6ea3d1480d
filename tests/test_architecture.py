"""The layers the README describes are the ones in the code: import-linter's contracts hold.

UI and CLI sit over the one door (``workbench.pipeline``), the door over the stages, the
stages over the store, corpus, text layer, settings and errors. The contracts live in
``pyproject.toml`` (``[tool.importlinter]``); here they are checked on the real package,
and shown to fail on a copy with one upward import added.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(folder: Path) -> subprocess.CompletedProcess:
    if not LINT.exists():
        pytest.fail(f"{LINT} not found: install the test extras (pip install -e '.[test]')")
    return subprocess.run([str(LINT), str(folder / "pyproject.toml"), "--no-cache"], cwd=folder,
                          capture_output=True, text=True, timeout=300, env={"PYTHONPATH": str(folder), "PATH": ""})


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory) -> Path:
    """A copy of the package and its contracts, to break on purpose."""
    folder = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "workbench", folder / "workbench", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    return folder


def test_the_contracts_hold(package_copy):
    result = _lint(package_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(("module", "upward"), [
    ("store.py", "workbench.pipeline"),  # a foundation reaching for the door
    ("align/__init__.py", "workbench.ui"),  # a stage reaching for a shell
    ("text/__init__.py", "workbench.corpus"),  # the text layer reaching up
])
def test_an_upward_import_breaks_them(package_copy, module, upward):
    path = package_copy / "workbench" / module
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original + f"\n\ndef _upward():\n    import {upward}  # noqa: F401\n", encoding="utf-8")
        result = _lint(package_copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert f"workbench.{module.removesuffix('.py').removesuffix('/__init__').replace('/', '.')} is not allowed " \
           f"to import {upward}" in result.stdout
