"""How adding and searching official documents scale as the corpus grows from 40 to 5,000 documents.

The corpus is synthesised from the shipped documents: each synthetic document mixes
sentences drawn from several shipped ones, with its numbers changed, so documents are
realistic in length and vocabulary without being near-duplicates of each other. For each
size the script reports:

- ``add``: adding one document with :func:`workbench.corpus_admin.add_document`
  (validation with the near-duplicate check, atomic write, search index update), median
  of several adds; ``rebuild`` is the baseline measured in the same run: reloading the
  corpus and rebuilding the search index, what an add would cost without incremental
  indexes. Target: ``add`` at 1,000 documents well under a second.
- ``cli add``: the same through ``workbench corpus add`` (loads the corpus, syncs the
  on-disk index, adds), without the interpreter's start-up.
- ``dup``: the near-duplicate look-up alone (the retrieval of the most similar document).
- ``search``: median of a few Chinese and English queries.
- ``check``: ``workbench corpus check``'s validation of the whole corpus, near-duplicates included.
- ``ret build``, ``ret add``: the aligner's retrieval index (:class:`workbench.align.news.NewsIndex`)
  built over the whole corpus (the baseline) against adding one document to it.
- ``align``: news alignment of the demo article's quoted sentence against the whole corpus
  (retrieval of candidate documents, then linking), model-free.
- ``vec build``, ``vec start``, ``vec add``: the same index with the ``use-m`` sentence
  vectors: built with every sentence encoded (the baseline), built again as at a restart
  (vectors read from the on-disk cache by text hash; ``encoded`` counts sentences the encoder
  had to run on, which must be 0), and one document added, its vectors included. Target:
  ``vec add`` at 1,000 documents well under a second. Skipped with ``--no-vectors``.

Run: ``.venv/bin/python benchmarks/corpus_scale.py [--sizes 40 200 1000 5000]``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.corpus import OfficialCorpus, OfficialDocument  # noqa: E402
from workbench.corpus_admin import add_document, atomic_write_text, check_corpus, find_near_duplicate  # noqa: E402
from workbench.corpus_search import SearchIndex, search_corpus  # noqa: E402

QUOTE = ("In an official statement, China’s Ministry of Commerce announced, “China will review and approve "
         "applications for the export of controlled items,” and noted that the United States would reciprocate.")

EXTRA = 60
QUERIES = ["稀土出口管制", "奉陪到底", "關稅", "对等关税", "export control measures", "tariff exclusion"]


def synthesise(shipped: OfficialCorpus, count: int, rng: random.Random, prefix: str = "synth") -> list[OfficialDocument]:
    """``count`` documents mixing sentences of the shipped ones, numbers changed."""
    pools = {lang: [s.text for d in shipped.documents(lang) for s in d.sentences] for lang in ("zh", "en")}
    templates = shipped.documents()
    docs = []
    for i in range(count):
        template = templates[i % len(templates)]
        picked = rng.sample(pools[template.lang], rng.randint(8, 25))
        text = "\n".join(re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), s) for s in picked)
        day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        docs.append(OfficialDocument(f"{prefix}-{i:05d}", template.lang, day, template.issuer, template.title,
                                     template.source, "synthetic benchmark document", text))
    return docs


def median_seconds(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(size: int, shipped: OfficialCorpus, workdir: Path, rng: random.Random,
            vectors: bool = True) -> dict[str, float]:
    root = workdir / f"corpus-{size}"
    official = root / "official"
    official.mkdir(parents=True)
    (root / "glossary.tsv").write_bytes((ROOT / "corpora" / "glossary.tsv").read_bytes())  # as in a real corpus folder
    for doc in synthesise(shipped, size, rng):
        atomic_write_text(official / f"{doc.id}.{doc.lang}.txt", doc.to_file_text())

    def rebuild() -> tuple[OfficialCorpus, SearchIndex]:
        corpus = OfficialCorpus.load(root)
        return corpus, SearchIndex.build(corpus)

    start = time.perf_counter()
    corpus, index = rebuild()
    rebuild_s = time.perf_counter() - start

    extra = iter(synthesise(shipped, EXTRA, rng, prefix=f"added-{size}"))
    add_s = median_seconds(lambda: add_document(corpus, next(extra), force=True, indexes=[index]), 7)
    probe = next(extra)
    dup_s = median_seconds(lambda: find_near_duplicate(probe, corpus), 5)
    queries = iter(QUERIES * 3)
    search_s = median_seconds(lambda: search_corpus(index, next(queries)), len(QUERIES) * 3)

    cli_s = _cli_add_seconds(root, workdir, next(extra))
    check_s = median_seconds(lambda: check_corpus(root), 1)
    out = {"docs": len(corpus), "rebuild": rebuild_s, "add": add_s, "cli add": cli_s, "dup": dup_s,
           "search": search_s, "check": check_s, **_retrieval_seconds(corpus, shipped, extra)}
    if vectors:
        out.update(_vector_seconds(corpus, extra, workdir))
    return out


def _vector_seconds(corpus: OfficialCorpus, extra, workdir: Path) -> dict[str, float]:
    """The retrieval index with sentence vectors: first build, build at a restart, one add."""
    from workbench.align.news import NewsIndex
    from workbench.dictionary import load_dictionary
    from workbench.embeddings import load_embedder

    dictionary = load_dictionary()
    embedder = load_embedder("use-m")
    embedder._memory.clear()  # as in a new process: nothing in memory, only what the cache file holds
    embedder.keep_on_disk(workdir / f"vectors-{len(corpus)}")
    start = time.perf_counter()
    NewsIndex.build(corpus, dictionary, embedder)
    build_s = time.perf_counter() - start
    embedder._memory.clear()
    before = embedder.encoded
    start = time.perf_counter()
    index = NewsIndex.build(corpus, dictionary, embedder)
    start_s = time.perf_counter() - start
    encoded_at_start = embedder.encoded - before
    zh_extra = (doc for doc in extra if doc.lang == "zh")
    add_s = median_seconds(lambda: index.add_document(next(zh_extra)), 5)
    sentences = sum(len(index.sentences(d)) for d in index.doc_ids())
    return {"vec build": build_s, "vec start": start_s, "vec encoded": encoded_at_start, "vec add": add_s,
            "sentences": sentences}


def _retrieval_seconds(corpus: OfficialCorpus, shipped: OfficialCorpus, extra) -> dict[str, float]:
    """The aligner's retrieval index: full build (baseline), one incremental add, one news alignment."""
    from workbench.align import align_news
    from workbench.align.news import NewsIndex
    from workbench.dictionary import load_dictionary

    dictionary = load_dictionary()
    for doc in shipped.documents("zh"):  # the real statements, so the quote has its counterpart
        corpus.add(doc)
    start = time.perf_counter()
    index = NewsIndex.build(corpus, dictionary)
    build_s = time.perf_counter() - start
    zh_extra = (doc for doc in extra if doc.lang == "zh")
    add_s = median_seconds(lambda: index.add_document(next(zh_extra)), 5)
    align_news([QUOTE], corpus)  # builds the library's own per-corpus index once
    align_s = median_seconds(lambda: align_news([QUOTE], corpus), 3)
    return {"ret build": build_s, "ret add": add_s, "align": align_s}


def _cli_add_seconds(root: Path, workdir: Path, doc: OfficialDocument) -> float:
    """One ``workbench corpus add`` on this corpus, its on-disk search index already in sync."""
    from workbench.cli import dispatch
    from workbench.corpus_search import open_index

    os.environ["WORKBENCH_CORPUS"] = str(root)
    os.environ["WORKBENCH_DB"] = str(root.parent / f"{root.name}.db")
    from workbench.settings import Settings

    # the state a user's index is in between adds
    open_index(OfficialCorpus.load(root), Settings.resolve({}).search_index).close()
    path = workdir / f"{doc.id}.txt"
    path.write_text(doc.to_file_text(), encoding="utf-8")
    devnull = open(os.devnull, "w")  # noqa: SIM115 - closed below; keeps the table readable
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = devnull
    try:
        start = time.perf_counter()
        status = dispatch(["corpus", "add", str(path), "--force"])
        elapsed = time.perf_counter() - start
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        devnull.close()
    if status != 0:
        raise SystemExit(f"workbench corpus add failed with status {status}")
    return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[40, 200, 1000, 5000], help="corpus sizes")
    parser.add_argument("--seed", type=int, default=13, help="random seed of the synthetic corpus")
    parser.add_argument("--no-vectors", action="store_true", help="skip the sentence-vector columns")
    args = parser.parse_args(argv)
    shipped = OfficialCorpus.load(ROOT / "corpora")
    rng = random.Random(args.seed)
    print(f"{'docs':>6} {'rebuild s':>10} {'add ms':>8} {'add/rebuild':>12} {'cli add ms':>11} {'dup ms':>8} "
          f"{'search ms':>10} {'check s':>8} {'ret build s':>12} {'ret add ms':>11} {'align ms':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            r = measure(size, shipped, Path(tmp), rng, vectors=not args.no_vectors)
            print(f"{r['docs']:>6} {r['rebuild']:>10.2f} {r['add'] * 1e3:>8.1f} {r['add'] / r['rebuild']:>12.4f} "
                  f"{r['cli add'] * 1e3:>11.1f} {r['dup'] * 1e3:>8.1f} {r['search'] * 1e3:>10.2f} {r['check']:>8.2f} "
                  f"{r['ret build']:>12.2f} {r['ret add'] * 1e3:>11.1f} {r['align'] * 1e3:>9.1f}", flush=True)
            if "vec build" in r:
                print(f"{'':>6} vectors: {r['sentences']} sentences; vec build {r['vec build']:.2f} s, vec start "
                      f"{r['vec start']:.2f} s ({r['vec encoded']} encoded), vec add {r['vec add'] * 1e3:.1f} ms, "
                      f"add/build {r['vec add'] / r['vec build']:.4f}", flush=True)
    print("add/rebuild: one incremental add against rebuilding the search index; target: add at 1,000 "
          "documents well under a second")


if __name__ == "__main__":
    main()
