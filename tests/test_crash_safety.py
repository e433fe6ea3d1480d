"""A process killed (SIGKILL) while writing loses nothing it acknowledged and leaves nothing half-done.

The writers are real processes running the UI's code paths. Review savers call
:func:`workbench.pipeline.save_review` and print one line after each save returns, that is
after its commit; the test kills them mid-burst, then checks the database is intact and holds
every acknowledged save, exactly as acknowledged. An article processor is killed while its
50,000 sentences are being stored: the document is then there whole or not at all.
(Killing a batch translation is tested in ``tests/test_batch_translate.py``.)
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.store import sample_document
from workbench import pipeline
from workbench.errors import ConflictError
from workbench.store import Store

ROOT = Path(__file__).resolve().parent.parent
ACKS_BEFORE_KILL = 60
ROUNDS = 3
ARTICLE_PARAGRAPHS = 25_000  # two sentences each; storing them takes a moment to kill into
KILL_DELAYS_S = (0.05, 0.15, 0.3, 0.6)  # after segmenting ends, i.e. while the document is being stored


def save_burst(db: str, reviewer: str, own_segment: int, shared_segment: int) -> None:
    """Save edits forever, alternating between an own and a shared segment; print an ack per save.

    Run in a child process by the test (``python -c``); it only stops when killed.
    """
    store = Store(db)
    i = 0
    while True:
        target = shared_segment if i % 2 else own_segment
        base = store.review(target).revision
        text = f"{reviewer} 第{i}稿"
        try:
            review = pipeline.save_review(store, target, action="edit", reviewer=reviewer, base_revision=base,
                                          text=text)
        except ConflictError:
            continue  # the other writer got there first; reload and try again, as a reviewer would
        print(json.dumps({"segment": target, "revision": review.revision, "text": text}), flush=True)
        i += 1


def _start_writer(db: Path, reviewer: str, own: int, shared: int) -> subprocess.Popen:
    code = ("from tests.test_crash_safety import save_burst; "
            f"save_burst({str(db)!r}, {reviewer!r}, {own}, {shared})")
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def _kill_after_acks(writers: list[subprocess.Popen], acks: int) -> list[dict]:
    """Let the first writer acknowledge ``acks`` saves, SIGKILL every writer, return all their acks."""
    first = writers[0]
    lines = []
    try:
        while len(lines) < acks:
            line = first.stdout.readline()
            assert line, f"writer exited with status {first.poll()} before acknowledging {acks} saves"
            lines.append(line)
    finally:  # never leave a writer running, even when the test fails
        for proc in writers:
            proc.send_signal(signal.SIGKILL)
    for proc in writers:
        proc.wait(timeout=30)
        if proc is not first:
            lines.extend(proc.stdout.readlines())
    lines.extend(first.stdout.readlines())  # acks printed after our count but before the kill
    for proc in writers:
        proc.stdout.close()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.slow
def test_killed_writers_lose_no_acknowledged_save_and_leave_an_intact_database(tmp_path):
    db = tmp_path / "review.db"
    with Store(db) as store:
        store.add_document(sample_document())
        own_a, own_b, shared = (s.id for s in store.segments("doc-sample"))

    acknowledged: list[dict] = []
    for _ in range(ROUNDS):
        writers = [_start_writer(db, "ana", own_a, shared), _start_writer(db, "bo", own_b, shared)]
        round_acks = _kill_after_acks(writers, ACKS_BEFORE_KILL)
        assert len(round_acks) >= ACKS_BEFORE_KILL
        acknowledged.extend(round_acks)

        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with Store(db, read_only=True) as store:
            for segment in (own_a, own_b, shared):
                stored = {r.number: r.text for r in store.revisions(segment)}
                acked = {a["revision"]: a["text"] for a in acknowledged if a["segment"] == segment}
                # Every acknowledged save is there with its text; a save killed before its ack
                # may or may not have committed, but numbering never skips or repeats.
                assert acked.items() <= stored.items()
                assert sorted(stored) == list(range(1, len(stored) + 1))


def process_and_report(db: str, article: str) -> None:
    """Process an article file into the store, printing each progress stage (run by the test, then killed)."""
    from workbench.ingest import read_article

    # Over the default segment limit on purpose: storing it must take long enough to be killed.
    pipeline.process_article(read_article(article), store=Store(db), corpus=None, max_segments=2 * ARTICLE_PARAGRAPHS,
                             progress=lambda stage, done, total: print(stage, total, flush=True))


@pytest.mark.slow
def test_killed_while_storing_an_article_leaves_it_whole_or_absent(tmp_path):
    article = tmp_path / "long.txt"
    article.write_text("".join(f"Exports of item {i} rose {i % 97} percent in May. Officials met on June "
                               f"{i % 28 + 1}.\n\n" for i in range(ARTICLE_PARAGRAPHS)), encoding="utf-8")
    for round_, delay in enumerate(KILL_DELAYS_S):
        db = tmp_path / f"review-{round_}.db"
        code = ("from tests.test_crash_safety import process_and_report; "
                f"process_and_report({str(db)!r}, {str(article)!r})")
        proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            stage, total = proc.stdout.readline().split()
            assert stage == "segment" and int(total) == 2 * ARTICLE_PARAGRAPHS
            time.sleep(delay)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            proc.stdout.close()

        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with Store(db, read_only=True) as store:
            documents = store.list_documents()
            assert [d.segments for d in documents] in ([], [2 * ARTICLE_PARAGRAPHS])
            orphans = store.connection().execute(
                "SELECT COUNT(*) FROM segments WHERE document_id NOT IN (SELECT id FROM documents)").fetchone()[0]
            assert orphans == 0
