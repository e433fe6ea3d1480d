"""Shared test set-up. Fixture modules live in tests/fixtures/ and are loaded automatically."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEMO_ARTICLE = ROOT / "corpora" / "articles" / "2025-06-27-china-us-trade-framework.en.txt"

pytest_plugins = [
    f"tests.fixtures.{m.name}" for m in pkgutil.iter_modules([str(Path(__file__).parent / "fixtures")])
]


@pytest.fixture(scope="session")
def _session_models_dir(tmp_path_factory) -> Path:
    """One models folder for the session: conversions are cached across tests, never in models/."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def _isolated_workbench_env(tmp_path_factory, monkeypatch, _session_models_dir):
    """Keep every test away from the user's database, exports, models and config."""
    home = tmp_path_factory.mktemp("wb")
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(_session_models_dir))
    monkeypatch.delenv("WORKBENCH_MODEL", raising=False)
    monkeypatch.setenv("WORKBENCH_DB", str(home / "workbench.db"))
    monkeypatch.setenv("WORKBENCH_OUTPUT_DIR", str(home / "exports"))
    monkeypatch.delenv("WORKBENCH_CONFIG", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    yield


@pytest.fixture
def settings():
    """The settings an entry point would resolve in this test's isolated environment."""
    from workbench.settings import Settings

    return Settings.resolve()


def models_dir_now() -> Path:
    """The models folder of this test's environment (its conversions are shared by the session)."""
    from workbench.settings import Settings

    return Settings.resolve().models_dir


def output_dir_now() -> Path:
    """The export folder of this test's environment."""
    from workbench.settings import Settings

    return Settings.resolve().output_dir


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the test (saying why) when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: the shared evaluation data is not beside this checkout")
    return path
