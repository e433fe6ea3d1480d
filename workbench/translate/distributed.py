"""Batch translation on Ray Data: the same work as :mod:`workbench.translate.batch`, over many machines.

The segments are cut into shards of one window each (the windows the single-process path
uses, so both sort and batch alike and give the same text). Each pending shard is one row
of a Ray dataset; ``map_batches`` runs :class:`ShardTranslator`, a callable class that loads
the translator and term base once per actor, with ``concurrency`` actors of ``num_cpus``
cores each (CTranslate2's ``intra_threads``). The driver writes each finished shard to
``OUT/part-NNNNN.jsonl`` (or ``.parquet``) atomically, so a shard is in the output whole or
not at all: a rerun after a killed worker or driver skips the ids present and finishes the
rest, and each id appears once. Ray restarts a killed actor and retries its shard. Segments
that failed go to ``OUT.failures.jsonl``, as in the single-process path; the next run
retries exactly them (their shard's retry is written as ``part-NNNNN-1.jsonl``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from workbench.errors import InputError
from workbench.text.files import atomic_write_bytes
from workbench.translate.batch import BatchResult, Segment, _message, _record, failures_path, translate_once

__all__ = ["PART_FORMATS", "ShardTranslator", "done_ids", "part_path", "require_ray", "shard_ids", "translate_on_ray"]

PART_FORMATS = ("jsonl", "parquet")
_INSTALL = "pip install workbench[ray]"


def require_ray():
    """The ``ray`` module, or a one-line error saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401  # the Data library is the part needed
    except ImportError:
        raise InputError(f"--ray needs Ray Data, which is not installed; run {_INSTALL} "
                         "(quoted in zsh), or pip install ray[data]") from None
    return ray


def part_path(output: Path, shard: int, fmt: str, attempt: int = 0) -> Path:
    """The file shard ``shard`` is written to (``attempt`` > 0: the segments a later run retried)."""
    return output / (f"part-{shard:05d}.{fmt}" if attempt == 0 else f"part-{shard:05d}-{attempt}.{fmt}")


def _parts(output: Path) -> list[tuple[int, Path]]:
    if not output.is_dir():
        return []
    found = []
    for path in sorted(output.glob("part-*.*")):
        number = path.stem.split("-")[1]
        if path.suffix.lstrip(".") in PART_FORMATS and number.isdigit():
            found.append((int(number), path))
    return found


def done_ids(output: Path) -> dict[int, set[str]]:
    """Ids already written under ``output``, by shard (partial files are never there: they are renamed in)."""
    done: dict[int, set[str]] = {}
    for shard, path in _parts(output):
        done.setdefault(shard, set()).update(r["id"] for r in read_part(path))
    return done


def shard_ids(output: Path) -> list[str]:
    """Every id in the shards under ``output``."""
    return [record["id"] for _, path in _parts(output) for record in read_part(path)]


def read_part(path: Path) -> list[dict]:
    """The records of one shard file."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return [{**row, "flags": json.loads(row["flags"])} for row in pq.read_table(path).to_pylist()]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


class ShardTranslator:
    """Ray Data callable class: translates whole shards, the translator loaded once per actor."""

    def __init__(self, make_translate: Callable[[], Callable[[list[str]], list]]) -> None:
        self.translate = make_translate()

    def __call__(self, batch: dict) -> dict:
        shards, lines, failures = [], [], []
        for shard, payload in zip(batch["shard"], batch["segments"]):
            chunk = [Segment(s["id"], s["text"], s["fields"], s.get("error")) for s in json.loads(payload)]
            outcomes = translate_once(chunk, self.translate)
            ok = [_record(s, t) for s, t in zip(chunk, outcomes) if not isinstance(t, BaseException)]
            bad = [{"id": s.id, "error": _message(t)} for s, t in zip(chunk, outcomes) if isinstance(t, BaseException)]
            shards.append(int(shard))
            lines.append(json.dumps(ok, ensure_ascii=False))
            failures.append(json.dumps(bad, ensure_ascii=False))
        return {"shard": shards, "records": lines, "failures": failures}


def _write_part(path: Path, records: list[dict], fmt: str) -> None:
    if fmt == "parquet":
        import io

        import pyarrow as pa
        import pyarrow.parquet as pq

        buffer = io.BytesIO()
        rows = [{**r, "flags": json.dumps(r["flags"], ensure_ascii=False)} for r in records]
        pq.write_table(pa.Table.from_pylist(rows), buffer)
        atomic_write_bytes(path, buffer.getvalue())
    else:
        atomic_write_bytes(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8"))


def _shards(segments: Sequence[Segment], window: int) -> Iterator[tuple[int, list[Segment]]]:
    for start in range(0, len(segments), window):
        yield start // window, list(segments[start:start + window])


def translate_on_ray(segments: Sequence[Segment], output: Path, make_translate: Callable, *, window: int,
                     address: str | None = None, actors: int | None = None, cpus_per_actor: int = 1,
                     fmt: str = "jsonl", on_shard: Callable[[int], None] | None = None) -> BatchResult:
    """Translate ``segments`` into shards under the folder ``output`` with Ray Data.

    ``make_translate()`` runs once per actor and returns ``translate(texts)`` (one
    Translation or exception per text). ``address``: ``None`` starts (or reuses) a local Ray on
    this machine's cores; ``auto`` or ``ray://host:port`` joins a cluster. ``actors``:
    how many translators run at once (default: the cluster's cores / ``cpus_per_actor``).
    """
    if fmt not in PART_FORMATS:
        raise InputError(f"unknown shard format {fmt!r}; use one of: {', '.join(PART_FORMATS)}")
    ray = require_ray()
    if output.exists() and not output.is_dir():
        raise InputError(f"{output} is a file; with --ray the output is a folder of shards — name a folder")
    output.mkdir(parents=True, exist_ok=True)
    result = BatchResult()
    done = done_ids(output)
    attempts = {}
    for shard, _path in _parts(output):
        attempts[shard] = attempts.get(shard, 0) + 1
    pending = []
    for k, chunk in _shards(segments, window):
        left = [s for s in chunk if s.id not in done.get(k, ())]
        if left:
            pending.append((k, left))
    result.skipped = len(segments) - sum(len(c) for _, c in pending)
    failures = failures_path(output)
    failures.unlink(missing_ok=True)
    if not pending:
        return result
    if not ray.is_initialized():
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False, include_dashboard=False)
    if actors is None:
        actors = max(1, int(ray.cluster_resources().get("CPU", 1)) // max(1, cpus_per_actor))
    actors = max(1, min(actors, len(pending)))
    rows = [{"shard": k, "segments": json.dumps([{"id": s.id, "text": s.text, "fields": s.fields, "error": s.error}
                                                 for s in chunk], ensure_ascii=False)} for k, chunk in pending]
    sizes = {k: len(chunk) for k, chunk in pending}
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
        ShardTranslator, batch_size=1, concurrency=actors, num_cpus=cpus_per_actor,
        # A killed actor is restarted and its shard retried: Ray Data's actor pool defaults to
        # max_restarts=-1 and max_task_retries=-1 (passing them is deprecated since Ray 2.60).
        fn_constructor_kwargs={"make_translate": make_translate})
    with open(failures, "a", encoding="utf-8") as failed:
        for row in dataset.iter_rows():
            shard = int(row["shard"])
            bad, records = json.loads(row["failures"]), json.loads(row["records"])
            if records:  # the shard's translated segments, whole; the next run retries only its failures
                _write_part(part_path(output, shard, fmt, attempts.get(shard, 0)), records, fmt)
            if bad:
                failed.write("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in bad))
                failed.flush()
                result.failed += len(bad)
                result.errors.extend(dict.fromkeys(f["error"] for f in bad))
            result.translated += sizes[shard] - len(bad)
            if on_shard:
                on_shard(sizes[shard])
    if not result.failed:
        failures.unlink(missing_ok=True)
    return result
