"""Look-up and news-mode quality: the look-up dev set's top-1/top-3, the demo article's statements.

- **look-up** — every item of ``lookup_dev.py`` looked up across the corpus (model-free, the
  ``use-m`` meaning signal on); top-1 and top-3 per kind (exact, demo, paraphrased), and
  with ``--hits`` every hit with its evidence (matched terms, numbers, meaning score);
- **news** — the demo article linked model-free: how many of its four reported statements
  link to the right official sentence and clause, and how many other units are linked
  (byline and analysis must stay unlinked);
- :func:`ablation_rows` — both, with each signal of the news weights removed in turn;
- :func:`lookup_data_set` and :func:`news_data_set` — the same two as data sets of
  ``align_quality.py``'s ablation table: each takes its aligner factory and removes from the
  news weights whatever signal that variant removes from the parallel ones.

Run: ``.venv/bin/python benchmarks/lookup_quality.py [--hits]``.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from lookup_dev import DEMO_DOC, DEMO_STATEMENTS, LookupItem, build  # noqa: E402

from workbench.align import align_news, lookup  # noqa: E402
from workbench.align.news import DEFAULT_NEWS_WEIGHTS, NewsWeights  # noqa: E402
from workbench.corpus import OfficialCorpus  # noqa: E402
from workbench.ingest import read_article  # noqa: E402
from workbench.segment import segment_text  # noqa: E402
from workbench.text.zh import normalise_zh  # noqa: E402

TOP_K = 3
TARGET_TOP1 = 0.95
ARTICLE = ROOT.parent / "shared" / "corpora" / "articles" / "2025-06-27-china-us-trade-framework.en.txt"
# Each signal off in turn (weight 0), for the ablation.
ABLATIONS = ("dictionary", "numbers", "meaning")


def lookup_scores(items: list[LookupItem], corpus: OfficialCorpus, weights: NewsWeights = DEFAULT_NEWS_WEIGHTS,
                  *, show_hits: bool = False) -> dict[str, dict[str, float]]:
    """Top-1 and top-3 share of ``items`` per kind (and ``all``), with seconds per query."""
    by_kind: dict[str, list[tuple[bool, bool]]] = {}
    start = time.perf_counter()
    for item in items:
        hits = lookup(item.query, corpus, top_k=TOP_K, weights=weights)
        ranks = [normalise_zh(h.sentence) in item.accepted for h in hits]
        by_kind.setdefault(item.kind, []).append((bool(ranks[:1] and ranks[0]), any(ranks)))
        if show_hits:
            mark = "ok " if ranks[:1] and ranks[0] else "top3" if any(ranks) else "MISS"
            print(f"[{mark}] {item.kind} {item.source}: {item.query[:100]}")
            for hit, right in zip(hits, ranks):
                ev = hit.evidence
                terms = ", ".join(f"{t.en}={t.zh}" for t in ev.terms[:8])
                print(f"    {'*' if right else ' '} {hit.score:.3f} meaning={ev.signals.get('meaning', 0):.2f} "
                      f"(cos {ev.signals.get('meaning_cosine', 0):.2f}) dict={ev.signals.get('dictionary', 0):.2f} "
                      f"{hit.doc_id}#{hit.index} {hit.sentence[:40]} | {terms} {list(ev.numbers)}")
    seconds = time.perf_counter() - start
    out = {}
    for kind, results in [*by_kind.items(), ("all", [r for rs in by_kind.values() for r in rs])]:
        out[kind] = {"n": len(results), "top1": sum(r[0] for r in results) / len(results),
                     "top3": sum(r[1] for r in results) / len(results)}
    out["all"]["seconds_per_query"] = seconds / max(1, len(items))
    return out


def article_sentences() -> list[str]:
    """The demo article, segmented as the workbench segments it."""
    return [seg.text for seg in segment_text(read_article(ARTICLE).text, "en")]


def news_scores(corpus: OfficialCorpus, weights: NewsWeights = DEFAULT_NEWS_WEIGHTS) -> dict[str, float]:
    """The demo article, model-free: statements linked right (of four), other clause units linked."""
    sentences = article_sentences()
    start = time.perf_counter()
    links = align_news(sentences, corpus, weights=weights)
    seconds = time.perf_counter() - start
    wanted = dict(DEMO_STATEMENTS)
    right = wrong = 0
    for link in links:
        if link.evidence.span is None or not link.doc_id:
            continue
        clause = link.src_text[slice(*link.evidence.span)]
        if clause in wanted and (link.doc_id, link.tgt) == (DEMO_DOC, (wanted[clause],)):
            right += 1
        else:
            wrong += 1
    linked_sentences = {link.src[0] for link in links if link.doc_id and link.evidence.span is None
                        and link.quote is None}
    return {"statements": right, "of": len(wanted), "other_links": wrong,
            "sentences_linked": len(linked_sentences), "seconds": seconds}


# Parallel-mode weight → the news weight of the same signal (the others have no news counterpart).
SHARED_SIGNALS = {"dictionary": "dictionary", "numbers": "numbers", "meaning": "meaning", "mt": "mt"}


def news_weights_like(parallel_weights: object) -> NewsWeights:
    """The news weights with every signal off that ``parallel_weights`` turn off."""
    off = {news: 0.0 for parallel, news in SHARED_SIGNALS.items() if getattr(parallel_weights, parallel, 1.0) == 0}
    return dataclasses.replace(DEFAULT_NEWS_WEIGHTS, **off)


def _weights_of(make) -> NewsWeights:
    return news_weights_like(getattr(make(gaps=False), "weights", None))


def lookup_data_set(make) -> tuple[dict[str, float], float]:
    """The look-up dev set as a data set of the ablation: ``({"top1", "top3"}, seconds)``."""
    corpus = OfficialCorpus.load()
    items = build(corpus)
    start = time.perf_counter()
    scores = lookup_scores(items, corpus, _weights_of(make))["all"]
    return {"top1": scores["top1"], "top3": scores["top3"]}, time.perf_counter() - start


def news_data_set(make) -> tuple[dict[str, float], float]:
    """The demo article in news mode as a data set of the ablation: ``({"statements", "other_links"}, seconds)``,
    ``statements`` the share of its four statements linked right."""
    news = news_scores(OfficialCorpus.load(), _weights_of(make))
    return {"statements": news["statements"] / news["of"], "other_links": float(news["other_links"])}, news["seconds"]


def ablation_rows(corpus: OfficialCorpus | None = None) -> list[dict[str, object]]:
    """One row per configuration (all signals, then each removed): look-up top-1/top-3 and news figures."""
    corpus = corpus or OfficialCorpus.load()
    items = build(corpus)
    rows = []
    for removed in (None, *ABLATIONS):
        weights = DEFAULT_NEWS_WEIGHTS if removed is None else dataclasses.replace(DEFAULT_NEWS_WEIGHTS,
                                                                                   **{removed: 0.0})
        scores = lookup_scores(items, corpus, weights)
        news = news_scores(corpus, weights)
        rows.append({"signals": "all" if removed is None else f"-{removed}",
                     "lookup_top1": scores["all"]["top1"], "lookup_top3": scores["all"]["top3"],
                     "paraphrased_top1": scores.get("paraphrased", {}).get("top1", 0.0),
                     "lookup_s_per_query": scores["all"]["seconds_per_query"],
                     "news_statements": f"{news['statements']}/{news['of']}", "news_other_links": news["other_links"],
                     "news_s": news["seconds"]})
    return rows


def print_ablation(rows: list[dict[str, object]]) -> None:
    """The ablation rows as a table."""
    print(f"{'signals':12} {'top-1':>6} {'top-3':>6} {'para-1':>6} {'s/query':>8} {'news':>6} {'extra':>6} {'news s':>7}")
    for r in rows:
        print(f"{r['signals']:12} {r['lookup_top1']:6.3f} {r['lookup_top3']:6.3f} {r['paraphrased_top1']:6.3f} "
              f"{r['lookup_s_per_query']:8.3f} {r['news_statements']:>6} {r['news_other_links']:6d} {r['news_s']:7.2f}")


def main(argv: list[str]) -> int:
    corpus = OfficialCorpus.load()
    items = build(corpus)
    scores = lookup_scores(items, corpus, show_hits="--hits" in argv)
    for kind, s in scores.items():
        print(f"look-up {kind:12} n={s['n']:3d} top-1 {s['top1']:.3f} top-3 {s['top3']:.3f}")
    print(f"look-up seconds per query: {scores['all']['seconds_per_query']:.3f}; target top-1 >= {TARGET_TOP1}")
    news = news_scores(corpus)
    print(f"news: {news['statements']}/{news['of']} statements linked right, {news['other_links']} other clause "
          f"links, {news['sentences_linked']} sentences linked, {news['seconds']:.2f} s")
    if "--ablation" in argv:
        print_ablation(ablation_rows(corpus))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
