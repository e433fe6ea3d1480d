"""Reviewer actions on the review screen, on a 2,000-segment document: the screen against the pipeline alone.

Each action is timed the way the web UI runs it — the handler's work through the view model
(:mod:`workbench.ui.screen`) and every HTML panel the adapter places (:func:`render.screen_html`)
— and, in the same run, as the bare pipeline call it is built on:

* **open segment** (a click in the list, Alt+↓): ``screen.jump`` + ``review_screen`` + panels,
  against ``pipeline.open_segment`` + ``memory_matches``;
* **insert** (Ctrl+N or typing: the debounced live QA of the edited final): ``screen.live_qa``
  + the QA panel, against ``pipeline.final_qa`` of the same text;
* **save**: ``screen.act(edit)`` + panels, against ``pipeline.save_review(edit)``;
* **approve and next** (Ctrl+Enter on a clean final): ``screen.act(approve, then_next)`` + panels,
  against ``pipeline.save_review(approve)`` + ``pipeline.open_segment`` of the next one.

Prints p50 and p95 of each, and the screen's p95 as a ratio of the pipeline's. Target: every
action's p95 under 300 ms. Exits 1 when one is missed.

    .venv/bin/python benchmarks/review_ui.py [--segments 2000] [--repeats 60]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench import pipeline  # noqa: E402
from workbench.settings import Settings  # noqa: E402
from workbench.store import NewDocument, NewLink, NewSegment, NewTranslation, Store  # noqa: E402
from workbench.ui import render, screen  # noqa: E402
from workbench.users import Actor  # noqa: E402

P95_TARGET_MS = 300.0
DOC_ID = "doc-review-ui"
OFFICIAL = "中方将依法审批符合条件的管制物项出口申请。"
REVIEWER = Actor("bench")


def sentence(i: int) -> tuple[str, str]:
    """The English of segment ``i`` (quotes, numbers, official terms, as in the demo) and a plausible MT."""
    english = (f"In a statement on June {i % 28 + 1}, the Ministry of Commerce said China will review and approve "
               f"applications for the export of controlled items, and exports of item {i} rose {i % 90 + 1} percent.")
    mt = f"商务部6月{i % 28 + 1}日在声明中表示，中方将依法审批管制物项出口申请，物项{i}的出口增长了{i % 90 + 1}%。"
    return english, mt


def seed(store: Store, count: int) -> list[int]:
    """A ``count``-segment document with MT for every segment and official wording for every fifth."""
    segments, translations, links, offset = [], [], [], 0
    for i in range(count):
        english, mt = sentence(i)
        segments.append(NewSegment(i, english, i // 10, offset, offset + len(english)))
        offset += len(english) + 1
        translations.append(NewTranslation(i, mt, model="bench", backend="ctranslate2", score=-0.4))
        if i % 5 == 0:
            links.append(NewLink(i, OFFICIAL, 0.8, "mofcom-2025-06-27-london-framework", "v1", (3,),
                                 evidence={"span": [60, 132]}))
    store.add_document(NewDocument(DOC_ID, "Review UI benchmark", " ".join(s.text for s in segments), "text",
                                   segments, translations, links))
    return [s.id for s in store.segments(DOC_ID)]


def timed(action: Callable[[int], object], repeats: int, prepare: Callable[[int], object] | None = None) -> list[float]:
    """Milliseconds of ``action(i)`` for i in range(repeats), sorted; ``prepare(i)`` runs first, untimed."""
    times = []
    for i in range(repeats):
        if prepare is not None:
            prepare(i)
        started = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    return sorted_values[max(0, min(len(sorted_values) - 1, round(pct / 100 * len(sorted_values)) - 1))]


def run(segments: int, repeats: int) -> list[tuple[str, list[float], list[float]]]:
    """Each action's (name, screen times, pipeline times) on a fresh store of ``segments`` segments."""
    folder = Path(tempfile.mkdtemp(prefix="review-ui-"))
    settings = dataclasses.replace(Settings.resolve(), db=folder / "review.db", output_dir=folder / "exports")
    store = Store(settings.db)
    ids = seed(store, segments)
    resources = pipeline.Resources(settings, store, pipeline.open_corpus(settings))
    session = screen.open_document(resources, screen.ReviewSession(), DOC_ID)
    memory = session.memory
    results = []

    # Open a segment: spread over the document, so the list window moves.
    stride = max(1, segments // repeats)
    def open_screen(i: int) -> None:
        shown = screen.jump(session, ids[(i * stride) % segments])
        render.screen_html(screen.review_screen(resources, shown))

    def open_pipeline(i: int) -> None:
        pipeline.memory_matches(memory, pipeline.open_segment(store, ids[(i * stride) % segments]))

    results.append(("open segment", timed(open_screen, repeats), timed(open_pipeline, repeats)))

    # Insert: the suggestion goes in in the browser; the server re-checks the final (live QA).
    english, mt = sentence(0)
    finals = [OFFICIAL + mt[len(mt) // 2:] + "。" * (i % 3) for i in range(repeats)]
    results.append(("insert (live QA)",
                    timed(lambda i: render.qa_panel(screen.live_qa(resources, session, finals[i])), repeats),
                    timed(lambda i: pipeline.final_qa(resources, english, finals[i], official=OFFICIAL), repeats)))

    # Save an edit: half the runs on the screen, the other half of the segments through the pipeline.
    screen_ids, pipeline_ids = ids[:repeats], ids[repeats:2 * repeats]
    state = {"session": session}

    def open_for_save(i: int) -> None:
        # The reviewer opened the segment (the screen records the revision the editor was loaded from).
        state["session"] = screen.jump(state["session"], screen_ids[i])
        screen.review_screen(resources, state["session"])

    def save_screen(i: int) -> None:
        outcome = screen.act(resources, state["session"], REVIEWER, "edit", f"修改稿{i}。")
        render.screen_html(outcome.screen)
        if not outcome.screen.message.startswith("Saved revision"):
            raise SystemExit(f"save did not save: {outcome.screen.message}")
        state["session"] = outcome.session

    def save_pipeline(i: int) -> None:
        base = store.review(pipeline_ids[i]).revision
        pipeline.save_review(store, pipeline_ids[i], action="edit", reviewer="bench", base_revision=base,
                             text=f"修改稿{i}。")

    results.append(("save", timed(save_screen, repeats, open_for_save), timed(save_pipeline, repeats)))

    # Approve and next, on clean finals (no confirmation), from where the saves left off.
    approve_from = 2 * repeats
    state["session"] = screen.jump(session, ids[approve_from])
    screen.review_screen(resources, state["session"])

    def approve_screen(i: int) -> None:
        final = sentence(approve_from + i)[1]  # a final QA finds nothing in: approved at once, no confirmation
        outcome = screen.act(resources, state["session"], REVIEWER, "approve", final, then_next=True)
        render.screen_html(outcome.screen)
        if not outcome.screen.message.startswith("Saved revision"):
            raise SystemExit(f"approve and next did not save: {outcome.screen.message}")
        state["session"] = outcome.session

    def approve_pipeline(i: int) -> None:
        target = approve_from + repeats + i
        pipeline.save_review(store, ids[target], action="approve", reviewer="bench",
                             base_revision=store.review(ids[target]).revision, text=sentence(target)[1])
        pipeline.open_segment(store, ids[target + 1])

    results.append(("approve and next", timed(approve_screen, repeats), timed(approve_pipeline, repeats)))
    store.close()
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table; 1 when an action misses the p95 target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=60)
    args = parser.parse_args(argv)
    if args.segments < 4 * args.repeats + 2:
        parser.error("--segments must be at least 4 × --repeats + 2 (each save and approval uses fresh segments)")
    results = run(args.segments, args.repeats)
    print(f"{args.segments} segments, {args.repeats} runs per action; target p95 < {P95_TARGET_MS:.0f} ms")
    print(f"{'action':<20} {'screen p50':>11} {'screen p95':>11} {'pipeline p50':>13} {'pipeline p95':>13} "
          f"{'p95 ratio':>10}")
    missed = []
    for name, ui, bare in results:
        ui_p95, bare_p95 = percentile(ui, 95), percentile(bare, 95)
        print(f"{name:<20} {percentile(ui, 50):>9.1f}ms {ui_p95:>9.1f}ms {percentile(bare, 50):>11.2f}ms "
              f"{bare_p95:>11.2f}ms {ui_p95 / bare_p95:>9.0f}×")
        if ui_p95 >= P95_TARGET_MS:
            missed.append(name)
    if missed:
        print(f"p95 target missed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
