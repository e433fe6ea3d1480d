"""Settings precedence: flag, environment, config file, promoted model, default."""

from __future__ import annotations

from workbench.config import DEFAULT_MODEL, setting
from workbench.finetune import promote


def test_model_precedence(tmp_path, monkeypatch):
    models = tmp_path / "models"
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(models))
    monkeypatch.delenv("WORKBENCH_MODEL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert setting("model") == DEFAULT_MODEL

    tuned = models / "tuned"
    tuned.mkdir(parents=True)
    promote(tuned, models)
    assert setting("model") == str(models / "tuned")  # a promoted model replaces the default

    (tmp_path / "workbench.toml").write_text('model = "from-config"\n')
    assert setting("model") == "from-config"
    monkeypatch.setenv("WORKBENCH_MODEL", "from-env")
    assert setting("model") == "from-env"
    assert setting("model", "from-flag") == "from-flag"


def test_promoted_folder_that_disappeared_falls_back_to_default(tmp_path, monkeypatch):
    models = tmp_path / "models"
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(models))
    monkeypatch.delenv("WORKBENCH_MODEL", raising=False)
    monkeypatch.chdir(tmp_path)
    tuned = models / "tuned"
    tuned.mkdir(parents=True)
    promote(tuned, models)
    tuned.rmdir()
    assert setting("model") == DEFAULT_MODEL
