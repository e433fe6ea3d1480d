"""``workbench finetune`` on a malformed dataset: one line that says what is wrong and what to do, exit 2.

Each case starts from a real HF export (``datasets.DatasetDict.save_to_disk``) and damages
it the way a copy, a crash or a hand edit would; the command runs in a subprocess, as a user
would run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = [{"en": "Talks were held.", "zh": "举行了会谈。"}, {"en": "Exports rose.", "zh": "出口增长。"}]


def save(folder: Path, train: list, test: list | None = None, column: str = "translation") -> Path:
    from datasets import Dataset, DatasetDict

    DatasetDict({"train": Dataset.from_dict({column: train}),
                 "test": Dataset.from_dict({column: test if test is not None else train})}).save_to_disk(str(folder))
    return folder


def corrupt_json(folder: Path) -> Path:
    save(folder, GOOD)
    (folder / "dataset_dict.json").write_text("{not json", encoding="utf-8")
    return folder


def truncated_shard(folder: Path) -> Path:
    save(folder, GOOD * 50)
    shard = next((folder / "train").glob("*.arrow"))
    shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])
    return folder


CASES = {
    "corrupt dataset_dict.json": (corrupt_json, "cannot be read as a saved dataset"),
    "truncated arrow shard": (truncated_shard, "cannot be read"),
    "no translation column": (lambda f: save(f, GOOD, column="pairs"), "has no 'translation' column (it has pairs)"),
    "en/fr keys": (lambda f: save(f, [{"en": "Talks.", "fr": "Pourparlers."}]), "has translation {en, fr}, not {en, zh}"),
    "string translations": (lambda f: save(f, ["Talks were held."]), "has translation {str}, not {en, zh}"),
    "empty zh": (lambda f: save(f, [{"en": "Talks.", "zh": ""}]), "has no training pairs"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_malformed_dataset_is_one_line_with_exit_2(case, tmp_path):
    make, phrase = CASES[case]
    folder = make(tmp_path / "ds")
    done = subprocess.run([sys.executable, "-c", "from workbench.cli import main; main()", "finetune", "--dataset",
                           str(folder), "--base", str(tmp_path / "no-model"), "--output", str(tmp_path / "out"),
                           "--models-dir", str(tmp_path / "models")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "HF_DATASETS_OFFLINE": "1"})
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("workbench: error: "), done.stderr[-2000:]
    assert phrase in lines[0] and ("export" in lines[0] or "approve" in lines[0]), lines[0]
    assert "Traceback" not in done.stderr and json.dumps(lines[0])
