"""Caches kept for alignment hold their owners weakly and never serve one object's data to another."""

from __future__ import annotations

import gc
import weakref

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
