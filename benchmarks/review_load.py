"""Review load: N reviewers saving edits to one database at once, through the UI's save path.

Each simulated reviewer is a thread calling :func:`workbench.pipeline.save_review` on a
shared :class:`~workbench.store.Store`, exactly as the web UI's worker threads do. Half
of each reviewer's saves go to its own segments and half to a few hot segments everyone
edits, so optimistic-locking conflicts really happen; on a conflict the reviewer reloads
and saves again, as a person would.

Prints saves/s, p50/p95 save latency and conflicts for one reviewer (the baseline, same
run) and for N, the ratios between them, and checks that the revisions stored are exactly
the saves acknowledged: none lost, none duplicated. Target: 8 reviewers, p95 < 50 ms.

    .venv/bin/python benchmarks/review_load.py [--reviewers 8] [--seconds 10]

Exits 1 when a save was lost or duplicated or the p95 target is missed.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench import pipeline  # noqa: E402
from workbench.errors import ConflictError  # noqa: E402
from workbench.store import NewDocument, NewSegment, Store  # noqa: E402

P95_TARGET_MS = 50.0
SEGMENTS_PER_REVIEWER = 20
HOT_SEGMENTS = 3  # edited by everyone


@dataclass
class Tally:
    """What one reviewer did: latencies of acknowledged saves, conflicts, and what was acknowledged."""

    latencies_ms: list[float] = field(default_factory=list)
    conflicts: int = 0
    acknowledged: dict[tuple[int, int], str] = field(default_factory=dict)  # (segment, revision) → text


@dataclass(frozen=True)
class Result:
    """One run's figures."""

    reviewers: int
    seconds: float
    saves: int
    conflicts: int
    p50_ms: float
    p95_ms: float
    lost: int
    duplicated: int

    @property
    def saves_per_second(self) -> float:
        return self.saves / self.seconds


def seed_document(store: Store, reviewers: int) -> list[int]:
    """One document with own segments for every reviewer plus the hot ones; returns segment ids."""
    count = reviewers * SEGMENTS_PER_REVIEWER + HOT_SEGMENTS
    segments = [NewSegment(i, f"Sentence {i} of the trade statement.") for i in range(count)]
    store.add_document(NewDocument("doc-load", "Load", " ".join(s.text for s in segments), "text", segments))
    return [s.id for s in store.segments("doc-load")]


def review(store: Store, name: str, own: list[int], hot: list[int], stop: threading.Event, tally: Tally) -> None:
    """Save edits until ``stop``: alternately an own segment and a hot one, retrying conflicts."""
    rng = random.Random(name)
    i = 0
    while not stop.is_set():
        target = rng.choice(hot) if i % 2 else rng.choice(own)
        base = store.review(target).revision  # what the editor was loaded from
        text = f"{name} 修改稿 {i}"
        started = time.perf_counter()
        try:
            saved = pipeline.save_review(store, target, action="edit", reviewer=name, base_revision=base, text=text)
        except ConflictError:
            tally.conflicts += 1
            continue
        tally.latencies_ms.append((time.perf_counter() - started) * 1000)
        tally.acknowledged[(target, saved.revision)] = text
        i += 1


def run(db: Path, reviewers: int, seconds: float) -> Result:
    """Run ``reviewers`` threads for ``seconds`` on a fresh database and verify what was stored."""
    with Store(db) as store:
        ids = seed_document(store, reviewers)
        hot = ids[-HOT_SEGMENTS:]
        tallies = [Tally() for _ in range(reviewers)]
        stop = threading.Event()
        threads = [threading.Thread(target=review, args=(store, f"r{n}", ids[n * SEGMENTS_PER_REVIEWER:
                                                                          (n + 1) * SEGMENTS_PER_REVIEWER],
                                                         hot, stop, tallies[n]))
                   for n in range(reviewers)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        lost, duplicated = verify(store, ids, tallies)
    latencies = sorted(ms for t in tallies for ms in t.latencies_ms)
    return Result(reviewers, elapsed, len(latencies), sum(t.conflicts for t in tallies),
                  statistics.median(latencies), percentile(latencies, 95), lost, duplicated)


def verify(store: Store, segment_ids: list[int], tallies: list[Tally]) -> tuple[int, int]:
    """``(lost, duplicated)``: acknowledged saves missing or altered, and stored revisions nobody acknowledged."""
    acknowledged: dict[tuple[int, int], str] = {}
    duplicated = 0
    for tally in tallies:
        for key, text in tally.acknowledged.items():
            duplicated += key in acknowledged  # two reviewers told they saved the same revision
            acknowledged[key] = text
    stored = {(r.segment_id, r.number): r.text for seg in segment_ids for r in store.revisions(seg)}
    lost = sum(stored.get(key) != text for key, text in acknowledged.items())
    duplicated += len(stored.keys() - acknowledged.keys())
    assert store.count_revisions() == len(stored)
    return lost, duplicated


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    return sorted_values[max(0, math.ceil(pct / 100 * len(sorted_values)) - 1)]


def report(result: Result) -> None:
    print(f"{result.reviewers} reviewer(s), {result.seconds:.1f} s: {result.saves} saves, "
          f"{result.saves_per_second:.0f} saves/s, p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
          f"{result.conflicts} conflicts detected, {result.lost} lost, {result.duplicated} duplicated")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--reviewers", type=int, default=8, help="concurrent reviewers")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each run saves")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        baseline = run(Path(tmp) / "baseline.db", 1, args.seconds)
        loaded = run(Path(tmp) / "load.db", args.reviewers, args.seconds)
    report(baseline)
    report(loaded)
    print(f"ratio {args.reviewers} vs 1 reviewer: throughput x{loaded.saves_per_second / baseline.saves_per_second:.2f}, "
          f"p50 x{loaded.p50_ms / baseline.p50_ms:.2f}, p95 x{loaded.p95_ms / baseline.p95_ms:.2f}")
    ok = loaded.lost == loaded.duplicated == baseline.lost == baseline.duplicated == 0
    print(f"target: p95 < {P95_TARGET_MS:.0f} ms with {args.reviewers} reviewers: "
          f"{'met' if loaded.p95_ms < P95_TARGET_MS else 'MISSED'}; "
          f"revisions == acknowledged saves: {'yes' if ok else 'NO'}")
    return 0 if ok and loaded.p95_ms < P95_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
