"""Settings: resolved once at the edge, flag > environment > config file > promoted model > default."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import pytest

from workbench.cli import dispatch
from workbench.errors import InputError
from workbench.finetune import promote
from workbench.settings import DEFAULT_MODEL, PROJECT_ROOT, SETTINGS, Settings

ROOT = Path(__file__).resolve().parent.parent


def test_model_precedence(tmp_path):
    models = tmp_path / "models"
    env = {"WORKBENCH_MODELS_DIR": str(models)}
    assert Settings.resolve(environ=env, cwd=tmp_path).model == DEFAULT_MODEL

    tuned = models / "tuned"
    tuned.mkdir(parents=True)
    promote(tuned, models)
    promoted = Settings.resolve(environ=env, cwd=tmp_path)
    assert promoted.model == str(models / "tuned")  # a promoted model replaces the default
    assert dict(promoted.sources)["model"] == "promoted"

    (tmp_path / "workbench.toml").write_text('model = "from-config"\n')
    assert Settings.resolve(environ=env, cwd=tmp_path).model == "from-config"
    env["WORKBENCH_MODEL"] = "from-env"
    assert Settings.resolve(environ=env, cwd=tmp_path).model == "from-env"
    flagged = Settings.resolve({"model": "from-flag"}, environ=env, cwd=tmp_path)
    assert flagged.model == "from-flag" and dict(flagged.sources)["model"] == "flag"


def test_promoted_folder_that_disappeared_falls_back_to_default(tmp_path):
    models = tmp_path / "models"
    tuned = models / "tuned"
    tuned.mkdir(parents=True)
    promote(tuned, models)
    tuned.rmdir()
    assert Settings.resolve(environ={"WORKBENCH_MODELS_DIR": str(models)}, cwd=tmp_path).model == DEFAULT_MODEL


def test_defaults_and_types(tmp_path):
    settings = Settings.resolve(environ={"GRADIO_SERVER_PORT": "7999", "WORKBENCH_DB": "~/x.db"}, cwd=tmp_path)
    assert settings.port == 7999
    assert settings.db == Path("~/x.db").expanduser()
    assert settings.corpus_dir == PROJECT_ROOT / "corpora"
    assert settings.glossary == PROJECT_ROOT / "corpora" / "glossary.tsv"
    assert settings.device == "cpu" and settings.host == "127.0.0.1"
    assert settings.search_index == Path("~").expanduser() / "corpus-search.sqlite"


def test_settings_are_frozen_and_keyword_only():
    settings = Settings()
    with pytest.raises(AttributeError):
        settings.model = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Settings("model")  # type: ignore[misc]
    with pytest.raises(TypeError, match="unknown setting"):
        Settings.resolve({"modle": "x"}, environ={})


@pytest.mark.parametrize(("environ", "config", "message"), [
    ({"GRADIO_SERVER_PORT": "eighty"}, None, "GRADIO_SERVER_PORT must be a whole number, not 'eighty'"),
    ({"WORKBENCH_DEVICE": "tpu"}, None, "unknown device 'tpu'; use one of cpu, cuda"),
    ({}, "modle = 'x'\n", "has unknown setting(s) modle"),
    ({}, "model = \n", "cannot be read"),
])
def test_bad_settings_say_what_to_fix(tmp_path, environ, config, message):
    if config is not None:
        (tmp_path / "workbench.toml").write_text(config)
    with pytest.raises(InputError) as err:
        Settings.resolve(environ=environ, cwd=tmp_path)
    assert message in str(err.value)


def test_argparse_registration_derives_from_the_settings_list():
    parser = argparse.ArgumentParser()
    Settings.register_argparse_arguments(parser, [o.name for o in SETTINGS])
    text = parser.format_help()
    for option in SETTINGS:
        assert option.flag in text and option.env in text
    args = parser.parse_args(["--db", "a.db", "--port", "8000"])
    settings = Settings.from_argparse(args, environ={"WORKBENCH_DB": "env.db"})
    assert settings.db == Path("a.db") and settings.port == 8000  # the flag beats the environment


def test_a_bad_config_file_is_one_line_from_the_cli(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("model = [\n")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(bad))
    assert dispatch(["segment", str(ROOT / "corpora" / "articles" / "2025-06-27-china-us-trade-framework.en.txt")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"workbench: error: config file {bad} cannot be read") and "\n" not in err


def _reads_environment(path: Path) -> list[str]:
    """``os.environ``/``os.getenv`` uses in ``path``, as ``file:line``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") and \
                isinstance(node.value, ast.Name) and node.value.id == "os":
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_only_the_settings_module_and_entry_points_read_the_environment():
    # The UI's entry point turns Gradio's analytics off before Gradio is imported.
    allowed = {"workbench/settings.py", "workbench/ui/__init__.py"}
    readers = [hit for path in sorted((ROOT / "workbench").rglob("*.py")) for hit in _reads_environment(path)
               if str(path.relative_to(ROOT)) not in allowed]
    assert readers == []


def test_the_readme_table_lists_every_setting_with_its_flag_and_variable():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Settings"):readme.index("## Command line")]
    rows = [line.split("|")[1:4] for line in table.splitlines() if line.startswith("| ") and "`--" in line]
    documented = [(name.strip(), flag.strip().strip("`"), env.strip().strip("`")) for name, flag, env in rows]
    assert documented == [(o.name, o.flag, o.env) for o in SETTINGS]


def test_the_limits_of_one_article_are_settings(tmp_path):
    from workbench.ingest import MAX_SEGMENT_CHARS, MAX_SEGMENTS

    defaults = Settings.resolve(environ={}, cwd=tmp_path)
    assert (defaults.max_segments, defaults.max_segment_chars) == (MAX_SEGMENTS, MAX_SEGMENT_CHARS)
    raised = Settings.resolve({"max_segments": "40000"}, environ={"WORKBENCH_MAX_SEGMENT_CHARS": "500"}, cwd=tmp_path)
    assert (raised.max_segments, raised.max_segment_chars) == (40000, 500)


def test_a_command_keeps_its_derived_data_in_its_settings_cache_folder(tmp_path):
    """``--models-dir`` (here through its environment variable) decides where a command keeps the
    sentence vectors and the dictionary it builds; a library caller that chose nothing keeps
    vectors in memory only (nothing below the entry point guesses the folder). Each runs in a
    process of its own, as a user's would."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "WORKBENCH_MODELS_DIR": str(tmp_path / "models")}
    command = [sys.executable, "-c", "from workbench.cli import main; main()", "lookup",
               "the export of controlled items", "--top", "1", "--no-mt"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    cache = tmp_path / "models" / "cache"
    assert (cache / "vectors-use-m.sqlite").is_file()
    assert len(list(cache.glob("dictionary-*.pickle"))) == 1
    library = "from workbench.align import shared_embedder; print(shared_embedder().vector_file)"
    done = subprocess.run([sys.executable, "-c", library], env=env, capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() == "None", done.stderr
