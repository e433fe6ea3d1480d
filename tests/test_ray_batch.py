"""``workbench translate --ray``: Ray Data on a local cluster (two CPUs), one cluster for the module."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from workbench.cli import dispatch

ray = pytest.importorskip("ray", reason="the Ray tests need pip install workbench[ray]")

from workbench.translate.batch import failures_path  # noqa: E402
from workbench.translate.distributed import shard_ids  # noqa: E402

TEXT = "Report {} on the trade talks was filed on time."


@pytest.fixture(scope="module", autouse=True)
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(autouse=True)
def _models_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(tmp_path_factory.getbasetemp() / "ray-models"))


def write_inputs(path, count, *, bad_line=None):
    with open(path, "w", encoding="utf-8") as fh:
        for n in range(count):
            if n == bad_line:
                fh.write('{"id": "broken", "text": "cut off\n')
                continue
            fh.write(json.dumps({"id": f"s{n}", "doc_id": "d1", "text": TEXT.format(n)}) + "\n")
    return path


def command(inputs, out, model, *extra):
    return ["translate", str(inputs), "-o", str(out), "--model", str(model), "--backend", "ct2", "--no-progress",
            "--batch-size", "8", *extra]


def ray_records(folder):
    from workbench.translate.distributed import read_part

    return [r for path in sorted(folder.glob("part-*")) for r in read_part(path)]


def test_2000_segments_once_each_with_the_single_process_text(tiny_model, tmp_path):
    inputs = write_inputs(tmp_path / "in.jsonl", 2000)
    single, folder = tmp_path / "single.jsonl", tmp_path / "ray-out"
    assert dispatch(command(inputs, single, tiny_model)) == 0
    assert dispatch(command(inputs, folder, tiny_model, "--ray", "--actors", "2")) == 0
    expected = {r["id"]: r for r in map(json.loads, single.read_text(encoding="utf-8").splitlines())}
    got = ray_records(folder)
    assert sorted(r["id"] for r in got) == sorted(f"s{n}" for n in range(2000))
    assert {r["id"]: r for r in got} == expected  # the same text, score, flags and provenance
    assert dispatch(command(inputs, folder, tiny_model, "--ray")) == 0  # a rerun finds nothing to do
    assert len(shard_ids(folder)) == 2000


def test_parquet_shards_hold_the_same_records(tiny_model, tmp_path):
    inputs = write_inputs(tmp_path / "in.jsonl", 300)
    jsonl, parquet = tmp_path / "j", tmp_path / "p"
    assert dispatch(command(inputs, jsonl, tiny_model, "--ray")) == 0
    assert dispatch(command(inputs, parquet, tiny_model, "--ray", "--shard-format", "parquet")) == 0
    assert list(parquet.glob("*.parquet")) and not list(parquet.glob("*.jsonl"))
    assert sorted(ray_records(parquet), key=lambda r: r["id"]) == sorted(ray_records(jsonl), key=lambda r: r["id"])


def test_a_worker_killed_mid_run_still_gives_every_id_once(tiny_model, tmp_path):
    inputs = write_inputs(tmp_path / "in.jsonl", 2000)
    folder = tmp_path / "out"
    killed = []

    def kill_an_actor():
        from pathlib import Path

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            if folder.is_dir() and list(folder.glob("part-*")):
                for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
                    try:
                        title = cmdline.read_bytes()
                    except OSError:
                        continue
                    # Ray titles an actor's worker process ray::MapWorker(MapBatches(ShardTranslator)).
                    if b"ShardTranslator" in title:
                        os.kill(int(cmdline.parent.name), signal.SIGKILL)
                        killed.append(int(cmdline.parent.name))
                        return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_an_actor)
    killer.start()
    code = dispatch(command(inputs, folder, tiny_model, "--ray", "--actors", "2"))
    killer.join()
    assert killed, "no translator actor was found to kill"
    if code != 0:  # a shard lost with its worker is retried by the rerun
        assert dispatch(command(inputs, folder, tiny_model, "--ray")) == 0
    ids = shard_ids(folder)
    assert len(ids) == 2000 and set(ids) == {f"s{n}" for n in range(2000)}


def test_a_killed_driver_then_a_rerun_gives_every_id_once(tiny_model, tmp_path):
    inputs = write_inputs(tmp_path / "in.jsonl", 2000)
    folder = tmp_path / "out"
    env = {**os.environ, "RAY_ADDRESS": ray.get_runtime_context().gcs_address}
    proc = subprocess.Popen([sys.executable, "-c", "from workbench.cli import main; main()",
                             *command(inputs, folder, tiny_model, "--ray", "auto", "--actors", "1")],
                            env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None and not list(folder.glob("part-*")):
        time.sleep(0.05)
    assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()[-800:]}"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    before = shard_ids(folder)
    assert 0 < len(before) < 2000 and len(set(before)) == len(before)
    assert dispatch(command(inputs, folder, tiny_model, "--ray")) == 0
    ids = shard_ids(folder)
    assert len(ids) == 2000 and set(ids) == {f"s{n}" for n in range(2000)}


def test_a_bad_input_line_goes_to_the_failures_file(tiny_model, tmp_path, capsys):
    inputs = write_inputs(tmp_path / "in.jsonl", 50, bad_line=7)
    folder, single = tmp_path / "out", tmp_path / "single.jsonl"
    assert dispatch(command(inputs, folder, tiny_model, "--ray")) == 1
    (failure,) = [json.loads(line) for line in failures_path(folder).read_text(encoding="utf-8").splitlines()]
    assert failure["id"] == "in.jsonl:8" and "not JSON" in failure["error"]
    assert len(shard_ids(folder)) == 49 and "rerun" in capsys.readouterr().err
    assert dispatch(command(inputs, single, tiny_model)) == 1  # the single-process path does the same
    assert [json.loads(line)["id"] for line in failures_path(single).read_text().splitlines()] == ["in.jsonl:8"]


def test_without_ray_installed_the_error_is_one_line(tiny_model, tmp_path, monkeypatch, capsys):
    inputs = write_inputs(tmp_path / "in.jsonl", 3)
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    assert dispatch(command(inputs, tmp_path / "out", tiny_model, "--ray")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install workbench[ray]" in err and "Traceback" not in err
