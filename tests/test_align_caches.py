"""Caches kept for alignment hold their owners weakly and never serve one object's data to another."""

from __future__ import annotations

import gc
import weakref
import zlib

from workbench.align import news_index
from workbench.align.signals import _ZH_INDEXES, _chinese_index
from workbench.corpus import OfficialCorpus, parse_document
from workbench.dictionary import BilingualDictionary


def _dictionary(n: int) -> BilingualDictionary:
    return BilingualDictionary({f"word{n}": ((f"词{n}", "glossary"),)})


def test_a_new_dictionary_at_a_recycled_address_gets_its_own_table():
    addresses: set[int] = set()
    recycled = 0
    for n in range(200):
        dictionary = _dictionary(n)  # build, use, drop: the next one often lands at the same address
        recycled += id(dictionary) in addresses
        addresses.add(id(dictionary))
        assert _chinese_index(dictionary) == {f"词{n}": (f"word{n}",)}
        assert _chinese_index(dictionary) is _chinese_index(dictionary)  # still built once per dictionary
        del dictionary
    assert recycled > 0, "no address was reused, so the stale-table case was not exercised"
    gc.collect()
    assert len(_ZH_INDEXES) <= 1  # dropped dictionaries took their tables with them


def _corpus() -> OfficialCorpus:
    header = ("id: test-2025-12-01-note\nlang: zh\ndate: 2025-12-01\nissuer: 商务部\ntitle: 测试\nsource: test\n"
              "confidence: high\n---\n")
    return OfficialCorpus([parse_document(header + "商务部公告2025年第98765号。")])


def test_the_index_cache_does_not_keep_a_dropped_corpus_alive():
    dictionary = _dictionary(1)
    corpus = _corpus()
    index = news_index(corpus, dictionary)
    assert news_index(corpus, dictionary) is index and len(index) == 1
    other = _corpus()
    assert news_index(other, dictionary) is not index
    dropped = weakref.ref(corpus)
    del corpus, index
    gc.collect()
    assert dropped() is None
    assert len(news_index(other, dictionary)) == 1


class _CountingEncoder:
    """A cross-lingual encoder stand-in: a fixed random vector per text, every encoded text counted."""

    @staticmethod
    def make():
        import numpy as np

        from workbench.embeddings import Embedder

        class Counting(Embedder):
            name = "counting"
            dimension = 16
            cross_lingual = True

            def __init__(self) -> None:
                super().__init__()
                self.batches: list[list[str]] = []

            def encode(self, texts):
                self.batches.append(list(texts))
                rows = [np.random.default_rng(zlib.crc32(t.encode())).standard_normal(16) for t in texts]
                out = np.array(rows, dtype=np.float32)
                return out / np.linalg.norm(out, axis=1, keepdims=True)

        return Counting()


def test_parallel_alignment_encodes_each_sentence_once_and_spans_from_sentence_vectors():
    from workbench.align import ParallelAligner

    encoder = _CountingEncoder.make()
    src = [f"Sentence number {k} of the source." for k in range(12)] + ["Sentence number 0 of the source."]
    tgt = [f"目标第{k}句。" for k in range(15)]
    aligner = ParallelAligner(embedder=encoder, use_dictionary=False)
    aligner.align(src, tgt, evidence=False)
    encoded = [t for batch in encoder.batches for t in batch]
    assert sorted(encoded) == sorted(set(src) | set(tgt))  # sentences only, never a joined span, each once
    aligner.align(src, tgt, evidence=False)
    assert encoder.encoded == len(set(src) | set(tgt))  # the second run reads every vector from the cache


def test_a_long_pair_encodes_only_its_budget_around_the_closest_choices():
    from workbench.align import ParallelAligner

    encoder = _CountingEncoder.make()
    src = [f"Clause {k} names the figure {k * 7 + 3} percent." for k in range(40)]
    tgt = [f"第{k}条的数字是百分之{k * 7 + 3}。" for k in range(40)]
    beads = ParallelAligner(embedder=encoder, use_dictionary=False, full_encode=10, encode_budget=0.25).align(
        src, tgt, evidence=False)
    assert [i for b in beads for i in b.src] == list(range(40))
    assert [j for b in beads for j in b.tgt] == list(range(40))
    assert 0 < encoder.encoded <= 20  # a quarter of the 80 sentences, around the least certain beads
    everything = _CountingEncoder.make()
    ParallelAligner(embedder=everything, use_dictionary=False, full_encode=10, encode_budget=1.0).align(
        src, tgt, evidence=False)
    assert everything.encoded == len(src) + len(tgt)
    nothing = _CountingEncoder.make()
    ParallelAligner(embedder=nothing, use_dictionary=False, full_encode=10, encode_budget=0.0).align(
        src, tgt, evidence=False)
    assert nothing.encoded == 0
