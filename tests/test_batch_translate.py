"""``workbench translate`` as a batch job: resumable after SIGKILL, shardable, failures retried."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import DEMO_ARTICLE, models_dir_now
from workbench.cli import dispatch
from workbench.translate.batch import failures_path, in_shard, read_inputs
from workbench.translate.ct2 import CTranslate2Backend, converted_model
from workbench.translate.resolve import resolve_model

SENTENCES = [
    "China and the United States confirmed the details of the London framework.",
    "The Ministry of Commerce will review export applications for controlled items.",
    "Washington will lift a series of restrictive measures against China.",
    "Both sides agreed to keep communicating on economic and trade issues.",
    "Rare earth exports that meet the requirements will be approved.",
]
DISTINCT = "Report {} on the trade talks was filed on time."


@pytest.fixture(autouse=True)
def _models_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(tmp_path_factory.getbasetemp() / "batch-models"))


def write_jsonl(path, count, *, distinct=False):
    """``count`` records; ``distinct``: all different, of one token length and without terms, so sorting by
    length keeps their order and no duplicate is folded into another."""
    with open(path, "w", encoding="utf-8") as fh:
        for n in range(count):
            text = DISTINCT.format(n + 11) if distinct else SENTENCES[n % len(SENTENCES)]
            fh.write(json.dumps({"id": f"s{n}", "doc_id": "d1", "text": text}) + "\n")
    return path


def output_ids(path):
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_output_records_carry_source_translation_and_provenance(tiny_model, tmp_path, capsys):
    inputs = write_jsonl(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out.jsonl"
    assert dispatch(["translate", str(inputs), "-o", str(out), "--model", str(tiny_model), "--backend", "ct2",
                     "--no-progress"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["s0", "s1", "s2"]
    for r, source in zip(records, SENTENCES):
        assert r["source"] == source and r["translation"] and r["doc_id"] == "d1"
        assert r["model"] == tiny_model.name and r["backend"] == "ctranslate2" and r["score"] < 0
    assert "translated 3 segment(s)" in capsys.readouterr().err

    assert dispatch(["translate", str(inputs), "-o", str(out), "--model", str(tiny_model), "--no-progress"]) == 0
    assert output_ids(out) == ["s0", "s1", "s2"]  # a rerun adds nothing
    assert "already in" in capsys.readouterr().err


def test_articles_parquet_and_saved_datasets_are_inputs(tmp_path):
    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"sentence": SENTENCES[:2], "row_id": [7, 8]}), tmp_path / "t.parquet")
    datasets.Dataset.from_dict({"sentence": SENTENCES[2:4]}).save_to_disk(str(tmp_path / "ds"))
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text("# Trade talks\n\nBoth sides met in London. They agreed on a framework.\n")

    parquet_and_dataset = read_inputs([tmp_path / "t.parquet", tmp_path / "ds"], column="sentence")
    assert [(s.id, s.text) for s in parquet_and_dataset] == [
        ("t.parquet:1", SENTENCES[0]), ("t.parquet:2", SENTENCES[1]), ("ds:1", SENTENCES[2]), ("ds:2", SENTENCES[3])]
    assert parquet_and_dataset[0].fields == {"row_id": 7}

    articles = read_inputs([folder, DEMO_ARTICLE])
    assert [s.text for s in articles[:3]] == ["Trade talks", "Both sides met in London.", "They agreed on a framework."]
    assert articles[1].id == "a.md:1" and articles[1].fields["file"] == "a.md"
    assert len(articles) > 10 and len({s.id for s in articles}) == len(articles)


def test_missing_model_is_one_clear_line(tmp_path, capsys):
    inputs = write_jsonl(tmp_path / "in.jsonl", 2)
    code = dispatch(["translate", str(inputs), "-o", str(tmp_path / "out.jsonl"), "--model", str(tmp_path / "nope"),
                     "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("workbench: error: translation model")
    assert "hf download Helsinki-NLP/opus-mt-en-zh" in err and "Traceback" not in err


def test_shards_are_disjoint_and_cover_the_input(tiny_model, tmp_path):
    ids = [f"doc{n // 10}:{n}" for n in range(600)]
    owners = [[i for i in range(4) if in_shard(seg_id, i, 4)] for seg_id in ids]
    assert all(len(o) == 1 for o in owners)
    assert {o[0] for o in owners} == {0, 1, 2, 3}

    inputs = write_jsonl(tmp_path / "in.jsonl", 12)
    shard_ids = []
    for index in range(3):
        out = tmp_path / f"out{index}.jsonl"
        assert dispatch(["translate", str(inputs), "-o", str(out), "--model", str(tiny_model), "--backend", "ct2",
                         "--shard", f"{index}/3", "--no-progress"]) == 0
        shard_ids.append(set(output_ids(out)) if out.exists() else set())
    assert sum(map(len, shard_ids)) == 12 and set().union(*shard_ids) == {f"s{n}" for n in range(12)}
    assert dispatch(["translate", str(inputs), "-o", str(tmp_path / "x.jsonl"), "--shard", "3/3"]) == 2


def test_a_failing_batch_is_recorded_and_only_it_is_retried(tiny_model, tmp_path, monkeypatch, capsys):
    inputs = write_jsonl(tmp_path / "in.jsonl", 10, distinct=True)
    out = tmp_path / "out.jsonl"
    real_generate = CTranslate2Backend.generate
    calls = []

    def flaky(self, sources, **kwargs):
        calls.append(len(sources))
        if len(calls) == 2:
            raise RuntimeError("simulated model failure")
        return real_generate(self, sources, **kwargs)

    monkeypatch.setattr(CTranslate2Backend, "generate", flaky)
    args = ["translate", str(inputs), "-o", str(out), "--model", str(tiny_model), "--backend", "ct2",
            "--batch-size", "4", "--no-progress"]
    assert dispatch(args) == 1
    err = capsys.readouterr().err
    assert "4 segment(s) failed (RuntimeError: simulated model failure)" in err and "rerun" in err
    failed = [json.loads(line) for line in failures_path(out).read_text().splitlines()]
    assert [f["id"] for f in failed] == ["s4", "s5", "s6", "s7"]
    assert output_ids(out) == ["s0", "s1", "s2", "s3", "s8", "s9"]

    calls.clear()
    monkeypatch.setattr(CTranslate2Backend, "generate", lambda self, sources, **kw: (
        calls.append(len(sources)), real_generate(self, sources, **kw))[1])
    assert dispatch(args) == 0
    assert calls == [4]  # only the four failures went to the model
    assert sorted(output_ids(out), key=lambda s: int(s[1:])) == [f"s{n}" for n in range(10)]
    assert not failures_path(out).exists()


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_gives_every_id_exactly_once(tiny_model, tmp_path):
    inputs = write_jsonl(tmp_path / "in.jsonl", 400, distinct=True)  # duplicates would finish at once
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-c", "from workbench.cli import main; main()", "translate", str(inputs),
               "-o", str(out), "--model", str(tiny_model), "--batch-size", "4", "--no-progress"]
    proc = subprocess.Popen(command, env=os.environ.copy(), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and out.stat().st_size > 0 and len(out.read_bytes().splitlines()) >= 8:
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()[-500:]}"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    before = output_ids(out)
    assert 8 <= len(before) < 400 and len(set(before)) == len(before)
    with open(out, "ab") as fh:  # what a kill in the middle of a write leaves behind
        fh.write(b'{"id": "s399", "source": "Rare ear')

    assert dispatch(["translate", str(inputs), "-o", str(out), "--model", str(tiny_model), "--batch-size", "16",
                     "--no-progress"]) == 0
    after = output_ids(out)
    assert sorted(after) == sorted(f"s{n}" for n in range(400))
    assert after[:len(before)] == before  # what was written survived untouched


@pytest.mark.slow
def test_batch_translation_enforces_official_terms_unless_told_not_to(tiny_model, tmp_path):
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(json.dumps({"id": "q", "text": "Applications for the export of controlled items."}) + "\n",
                      encoding="utf-8")
    for flag, expected in (([], True), (["--no-terms"], False)):
        out = tmp_path / f"out{len(flag)}.jsonl"
        assert dispatch(["translate", str(inputs), "-o", str(out), "--model", str(tiny_model), "--backend", "hf",
                         "--no-progress", *flag]) == 0
        (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert ("管制物项" in record["translation"]) is expected


def test_duplicates_are_translated_once_and_the_output_keeps_input_order(tiny_model, tmp_path, monkeypatch):
    inputs = write_jsonl(tmp_path / "in.jsonl", 40)  # five sentences, eight times each
    out = tmp_path / "out.jsonl"
    real_generate = CTranslate2Backend.generate
    sent = []
    monkeypatch.setattr(CTranslate2Backend, "generate", lambda self, sources, **kw: (
        sent.extend(sources), real_generate(self, sources, **kw))[1])
    assert dispatch(["translate", str(inputs), "-o", str(out), "--model", str(tiny_model), "--backend", "ct2",
                     "--batch-size", "2", "--no-progress"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [f"s{n}" for n in range(40)]
    assert len(sent) == 5  # each distinct sentence went to the model once
    by_source = {}
    for r in records:
        assert by_source.setdefault(r["source"], r["translation"]) == r["translation"]


def test_the_ctranslate2_cli_path_never_imports_transformers(tiny_model, tmp_path):
    # Importing Transformers (and torch) costs a second or more of every start; CTranslate2 needs neither
    # once the model is converted (the conversion, on first use, does need Transformers).
    converted_model(resolve_model(str(tiny_model)), models_dir_now())
    inputs = write_jsonl(tmp_path / "in.jsonl", 2)
    out = tmp_path / "out.jsonl"
    script = ("import sys\nfrom workbench.cli import dispatch\n"
              f"code = dispatch(['translate', {str(inputs)!r}, '--output', {str(out)!r}, '--model', {str(tiny_model)!r},"
              " '--backend', 'ct2', '--no-progress'])\n"
              "print(sorted(m for m in ('transformers', 'torch') if m in sys.modules), code)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ.copy())
    assert done.stdout.split("\n")[-2] == "[] 0", done.stderr[-2000:]
    assert len(output_ids(out)) == 2
