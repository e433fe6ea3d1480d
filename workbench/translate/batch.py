"""Batch translation of files into a JSONL file that survives being killed and can be sharded.

Inputs: articles (.txt/.md/.html, cleaned and segmented), JSONL files with a text field,
Parquet files, Hugging Face datasets saved to disk, or folders of these. Every segment has
an ``id``: the input's own ``id`` field where it has one, else ``<file>:<n>``.

Segments go to the translator a window at a time (:func:`window_size`): it sorts them by
length and decodes them in token-limited batches, exact duplicates once; each window is
written in input order. The output is append-only. Each window's lines are written whole,
flushed and fsynced, so a killed run loses at most the window in flight; a torn last line is cut off on the next run,
which skips every id the output already holds. Segments whose batch failed go to
``<OUT>.failures.jsonl`` (``id`` and ``error``) instead; since they are not in the output,
the next run retries exactly them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import FileNotFoundWorkbenchError, InputError
from workbench.text.encoding import utf8_lines

__all__ = ["Segment", "BatchResult", "read_inputs", "in_shard", "parse_shard", "completed_ids", "failures_path",
           "translate_once", "translate_to_jsonl", "window_size"]

ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm")
TABLE_SUFFIXES = (".jsonl", ".parquet")


@dataclass(frozen=True)
class Segment:
    """One unit of batch work: its id, text, and the input's own id fields to copy to the output."""

    id: str
    text: str
    fields: dict = field(default_factory=dict)
    #: why the input could not be read (a JSONL line that is not a JSON object); it goes to the failures file
    error: str | None = None


@dataclass
class BatchResult:
    """What a batch run did."""

    translated: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def read_inputs(paths: Sequence[str | Path], column: str = "text") -> list[Segment]:
    """All segments of ``paths`` in order; ids must be unique across them."""
    segments: list[Segment] = []
    seen: set[str] = set()
    for path in paths:
        for seg in _read_path(Path(path), column):
            if seg.id in seen:
                raise InputError(f"segment id {seg.id!r} occurs twice in the inputs; give every record a unique "
                                 "'id' (or drop the field to number records by file)")
            seen.add(seg.id)
            segments.append(seg)
    return segments


def _read_path(path: Path, column: str) -> Iterator[Segment]:
    if not path.exists():
        raise FileNotFoundWorkbenchError(f"{path}: no such file or folder; check the path and try again")
    if path.is_dir():
        if (path / "dataset_info.json").is_file() or (path / "dataset_dict.json").is_file():
            yield from _read_dataset(path, column)
            return
        for child in sorted(p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES + TABLE_SUFFIXES):
            yield from _read_path(child, column)
        return
    suffix = path.suffix.lower()
    if suffix in ARTICLE_SUFFIXES:
        yield from _read_article(path)
    elif suffix == ".jsonl":
        yield from _read_jsonl(path, column)
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        yield from _records(path.name, pq.read_table(path).to_pylist(), column)
    else:
        allowed = ", ".join(ARTICLE_SUFFIXES + TABLE_SUFFIXES)
        raise InputError(f"{path.name}: unsupported input type; use {allowed}, or a dataset saved with save_to_disk")


def _read_article(path: Path) -> Iterator[Segment]:
    from workbench.ingest import read_article
    from workbench.segment import segment_text

    for seg in segment_text(read_article(path).text, "en"):
        yield Segment(f"{path.name}:{seg.index}", seg.text, {"file": path.name, "segment": seg.index,
                                                             "paragraph": seg.paragraph})


def _read_jsonl(path: Path, column: str) -> Iterator[Segment]:
    """Records of a JSONL file; a line that is not a JSON object becomes a failed segment, not the end of the run."""
    if not path.is_file():
        raise FileNotFoundWorkbenchError(f"{path}: no such file; check the path and try again")
    number = 0
    for line in utf8_lines(path):  # split at line ends only, not at U+2028
        if not line.strip():
            continue
        number += 1
        try:
            record = json.loads(line)
            reason = None if isinstance(record, dict) else "not a JSON object"
        except json.JSONDecodeError as err:
            reason = f"not JSON ({err.msg})"
        if reason:
            yield Segment(f"{path.name}:{number}", "", {}, f"InputError: {path.name}, record {number}: {reason}")
            continue
        yield from _records(path.name, [record], column, start=number)


def _read_dataset(path: Path, column: str) -> Iterator[Segment]:
    from datasets import DatasetDict, load_from_disk

    loaded = load_from_disk(str(path))
    splits = loaded.items() if isinstance(loaded, DatasetDict) else [(None, loaded)]
    for split, dataset in splits:
        name = f"{path.name}/{split}" if split else path.name
        yield from _records(name, iter(dataset), column)


def _records(name: str, records, column: str, start: int = 1) -> Iterator[Segment]:
    for number, record in enumerate(records, start):
        if column not in record:
            raise InputError(f"{name}, record {number}: no {column!r} field; name the text field with --column")
        text = record[column]
        if not isinstance(text, str):
            raise InputError(f"{name}, record {number}: {column!r} is not text; name the text field with --column")
        own_ids = {k: v for k, v in record.items() if (k == "id" or k.endswith("_id")) and _is_scalar(v)}
        seg_id = str(own_ids["id"]) if "id" in own_ids else f"{name}:{number}"
        yield Segment(seg_id, text, {k: v for k, v in own_ids.items() if k != "id"})


def _is_scalar(value) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` → ``(I, N)``, with 0 ≤ I < N."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise InputError(f"--shard {text!r}: expected I/N, e.g. 0/4 for the first of four shards") from None
    if count < 1 or not 0 <= index < count:
        raise InputError(f"--shard {text!r}: need 0 <= I < N, e.g. 0/4 … 3/4")
    return index, count


def in_shard(segment_id: str, index: int, count: int) -> bool:
    """Whether ``segment_id`` belongs to shard ``index`` of ``count`` (a hash: stable across machines)."""
    digest = hashlib.sha256(segment_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count == index


def failures_path(output: Path) -> Path:
    """Where the segments that failed in the last run of ``output`` are listed."""
    return output.with_name(output.name + ".failures.jsonl")


def completed_ids(output: Path) -> set[str]:
    """Ids already in ``output``, after cutting off a torn last line left by a killed run."""
    if not output.exists():
        return set()
    with open(output, "rb+") as fh:
        data = fh.read()
        keep = data.rfind(b"\n") + 1  # everything after the last newline is a torn line
        if keep < len(data):
            fh.truncate(keep)
            fh.flush()
            os.fsync(fh.fileno())
    done: set[str] = set()
    for number, line in enumerate(data[:keep].splitlines(), 1):
        try:
            done.add(str(json.loads(line)["id"]))
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(f"{output}, line {number}: not a translation record; "
                             "write to a new --output file or remove the line") from None
    return done


def _append(fh, records: list[dict]) -> None:
    if not records:
        return
    fh.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    fh.flush()
    os.fsync(fh.fileno())


def translate_to_jsonl(segments: Sequence[Segment], output: Path, translate: Callable, *, window: int,
                       on_batch: Callable[[int], None] | None = None) -> BatchResult:
    """Translate the ``segments`` not yet in ``output`` and append them, ``window`` segments at a time.

    ``translate(texts)`` returns one :class:`~workbench.translate.Translation` or exception per
    text (the translator sorts a window by length and batches it by tokens); each window's
    records are written in input order, so a killed run loses at most the window in flight.
    Texts already translated in this run are not sent again. Segments whose translation
    failed are written to :func:`failures_path` and the run carries on. ``on_batch(n)`` is
    told how many segments each window finished.
    """
    result = BatchResult()
    done = completed_ids(output)
    todo = [s for s in segments if s.id not in done]
    result.skipped = len(segments) - len(todo)
    failures = failures_path(output)
    failures.unlink(missing_ok=True)  # this run retries them; what fails again is written anew
    output.parent.mkdir(parents=True, exist_ok=True)
    seen = _RunMemo()
    with open(output, "a", encoding="utf-8") as out, open(failures, "a", encoding="utf-8") as failed:
        for start in range(0, len(todo), window):
            chunk = todo[start:start + window]
            outcomes = translate_once(chunk, translate, seen)
            _append(out, [_record(s, t) for s, t in zip(chunk, outcomes) if not isinstance(t, BaseException)])
            errors = [(s, t) for s, t in zip(chunk, outcomes) if isinstance(t, BaseException)]
            _append(failed, [{"id": s.id, "error": _message(err)} for s, err in errors])
            result.failed += len(errors)
            result.translated += len(chunk) - len(errors)
            result.errors.extend(dict.fromkeys(_message(err) for _, err in errors))
            if on_batch:
                on_batch(len(chunk))
    if not result.failed:
        failures.unlink(missing_ok=True)
    return result


class _RunMemo:
    """Translations made in this run by source text, so an exact duplicate is translated once (bounded)."""

    LIMIT = 200_000

    def __init__(self) -> None:
        self.by_text: dict[str, object] = {}

    def add(self, text: str, translation) -> None:
        if len(self.by_text) >= self.LIMIT:
            self.by_text.clear()
        self.by_text[text] = translation


def translate_once(chunk: Sequence[Segment], translate: Callable, memo: _RunMemo | None = None) -> list:
    """One Translation or exception per segment of ``chunk``, texts ``memo`` holds not translated again.

    A ``translate`` call that raises fails every segment it was given.
    """
    memo = memo if memo is not None else _RunMemo()
    unreadable = {s.id: InputError(s.error.removeprefix("InputError: ")) for s in chunk if s.error}
    chunk_texts = [s for s in chunk if not s.error]
    texts = list(dict.fromkeys(s.text for s in chunk_texts if s.text not in memo.by_text))
    if texts:
        try:
            outcomes = translate(texts)
        except Exception as err:  # the model failing must not lose the rest of the run
            outcomes = [err] * len(texts)
        fresh = dict(zip(texts, outcomes))
    else:
        fresh = {}
    for text, outcome in fresh.items():
        if not isinstance(outcome, BaseException):
            memo.add(text, outcome)
    return [unreadable[s.id] if s.error else fresh[s.text] if s.text in fresh else memo.by_text[s.text]
            for s in chunk]


def _message(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"


def window_size(batch_size: int) -> int:
    """Segments handed to the translator at once: enough for sorting by length to pay off."""
    return max(256, 32 * batch_size)


def _record(segment: Segment, translation) -> dict:
    return {"id": segment.id, "source": segment.text, "translation": translation.text, "model": translation.model,
            "backend": translation.backend, "score": translation.score, **segment.fields,
            "revision": translation.revision, "flags": list(translation.flags)}
