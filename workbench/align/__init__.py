"""Alignment against official wording: parallel documents and news articles.

- :func:`align_parallel` — a document and its translation, in order (beads up to 5 a side);
  stages in :mod:`~workbench.align.parallel`, signals in :mod:`~workbench.align.signals`;
- :func:`align_news` — a news article against the official corpus, quotes as their own units;
- :func:`lookup` — the best official sentences anywhere in the corpus for one phrase.

Every result carries :class:`Evidence` (matched terms, numbers, n-grams, sub-scores), so the
UI can show why two spans were linked. Everything works without MT; with MT it is better.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING

from workbench.align.base import Aligner, ParallelAligner, join_sentences
from workbench.align.beads import (
    AlignmentSignature,
    Bead,
    Evidence,
    LookupHit,
    NewsLink,
    format_bead,
    parse_beads,
)
from workbench.align.news import NewsAligner
from workbench.corpus import OfficialCorpus
from workbench.dictionary import BilingualDictionary, load_dictionary
from workbench.embeddings import DEFAULT_EMBEDDER

if TYPE_CHECKING:
    from workbench.align.news import NewsIndex, NewsWeights
    from workbench.embeddings import Embedder

__all__ = ["Aligner", "ParallelAligner", "NewsAligner", "align_article", "align_parallel", "align_news", "join_sentences", "lookup", "news_index", "Bead", "Evidence", "NewsLink", "LookupHit",
           "AlignmentSignature", "format_bead", "parse_beads", "parallel_signature"]

def align_parallel(src: Sequence[str], tgt: Sequence[str], *, src_lang: str = "en", tgt_lang: str = "zh",
                   mt: Sequence[str] | None = None, use_dictionary: bool = True, gaps: bool = False,
                   evidence: bool = True, embedder: str | None = DEFAULT_EMBEDDER) -> list[Bead]:
    """Align two documents sentence by sentence, order preserved (:class:`ParallelAligner`).

    ``mt`` holds line-parallel translations of ``src`` into ``tgt_lang`` (optional). With
    ``gaps``, many sentences are expected to have no counterpart (an article against a
    statement it quotes in part), and a second pass re-measures the length ratio on what the
    first linked. ``embedder`` names the cross-lingual encoder of the meaning signal (a
    registry name or ``st:MODEL``; the default goes on without it when it cannot load, a
    named one that cannot is an error; None: lexical signals only). Returns
    beads covering every sentence of both sides once, in order, each with its evidence (ids
    and scores only with ``evidence=False``).
    """
    aligner = _parallel_aligner("none" if mt is None else "file", use_dictionary, gaps, embedder)
    return aligner.align(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, mt=mt, evidence=evidence)


def parallel_signature(*, mt_source: str, use_dictionary: bool = True, gaps: bool = False,
                       embedder: str | None = DEFAULT_EMBEDDER) -> AlignmentSignature:
    """The signature of an :func:`align_parallel` run (``mt_source``: ``file``, ``engine:…`` or ``none``)."""
    return _parallel_aligner(mt_source, use_dictionary, gaps, embedder).signature()


def _parallel_aligner(mt_source: str, use_dictionary: bool, gaps: bool, embedder: str | None) -> ParallelAligner:
    """The parallel aligner with the shared cross-lingual encoder ``embedder`` (None: without one)."""
    return ParallelAligner(mt_source=mt_source, use_dictionary=use_dictionary, gaps=gaps,
                           embedder=None if embedder is None else shared_embedder(embedder))


def shared_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder | None:
    """The shared cross-lingual encoder ``name`` (the default, ``use-m``, is the one news linking
    and look-up use), its vectors kept on disk in the cache folder the entry point chose
    (:func:`~workbench.settings.use_cache_dir`; in memory only when none was chosen).

    The default is None when it cannot be loaded (alignment then goes on from the lexical
    evidence alone); any other encoder that cannot be loaded raises
    :class:`~workbench.embeddings.EmbedderUnavailable`, since it was asked for by name.
    """
    from workbench.embeddings import load_embedder, try_embedder
    from workbench.settings import cache_dir_in_use

    embedder = try_embedder(name) if name == DEFAULT_EMBEDDER else load_embedder(name)
    folder = cache_dir_in_use()
    if embedder is not None and folder is not None:
        embedder.keep_on_disk(folder)
    return embedder


def news_index(corpus: OfficialCorpus, dictionary: BilingualDictionary | None = None) -> NewsIndex:
    """The retrieval index of ``corpus``, kept per corpus object and brought up to date on each call.

    Only documents that are new or whose text changed are (re-)indexed.
    """
    from workbench.align.news import DEFAULT_NEWS_WEIGHTS, NewsIndex

    dictionary = dictionary or load_dictionary(corpus.glossary)
    index = _INDEXES.get(corpus)
    if index is None or index.dictionary is not dictionary:
        embedder = shared_embedder() if DEFAULT_NEWS_WEIGHTS.meaning else None
        index = _INDEXES[corpus] = NewsIndex(dictionary, embedder)
    for doc in corpus.documents("zh"):
        if index.indexed_text(doc.id) != doc.text:
            index.add_document(doc)
    return index


# corpus → its index, keyed weakly: a corpus no longer used elsewhere is freed with its index
_INDEXES: weakref.WeakKeyDictionary[OfficialCorpus, NewsIndex] = weakref.WeakKeyDictionary()


def align_news(sentences: Sequence[str], corpus: OfficialCorpus, *, mt: Sequence[str] | None = None,
               reference: str = "auto", weights: NewsWeights | None = None) -> list[NewsLink]:
    """Link each English sentence, and each quote and reported clause inside it, to official
    Chinese sentences or to none (:class:`~workbench.align.news.NewsAligner`).

    ``reference`` is ``"auto"`` (retrieve the best documents from the corpus) or a document id.
    One link per sentence, in order, each followed by one per quote and clause in that sentence.
    """
    from workbench.align.news import DEFAULT_NEWS_WEIGHTS

    aligner = NewsAligner(corpus, weights=weights or DEFAULT_NEWS_WEIGHTS, reference=reference,
                          mt_source="none" if mt is None else "file")
    return aligner.align(sentences, mt=mt)


def lookup(text: str, corpus: OfficialCorpus, *, top_k: int = 5, mt: str | None = None,
           weights: NewsWeights | None = None) -> list[LookupHit]:
    """The ``top_k`` official Chinese sentences that best render ``text``, across the whole corpus.

    Scored as news units are (:class:`~workbench.align.news.NewsWeights`): dictionary terms,
    numbers, MT when given, and the meaning margin; each hit's evidence names them.
    """
    from workbench.align.news import DEFAULT_NEWS_WEIGHTS

    return NewsAligner(corpus, weights=weights or DEFAULT_NEWS_WEIGHTS).lookup(text, top_k=top_k, mt=mt)


def align_article(sentences: Sequence[str], corpus: OfficialCorpus, *, mt: Sequence[str] | None = None,
                  reference: str = "auto", mode: str = "auto") -> tuple[list[NewsLink], str | None]:
    """Link an English article to the official corpus; returns ``(links, parallel_doc_id)``.

    * ``news``: each sentence and quote linked on its own (:func:`align_news`).
    * ``parallel``: the article is aligned in order against document ``reference`` (a
      document id), as a translation of it.
    * ``auto``: news links first; when most sentences link in order into one document the
      article reads as its translation, and it is re-aligned in parallel against it.

    ``parallel_doc_id`` names the document aligned against in parallel (None in news mode).
    Parallel results come as one :class:`NewsLink` per bead that holds English, so both
    modes give the same shape.
    """
    aligner = NewsAligner(corpus, reference=reference, mt_source="none" if mt is None else "file")
    return aligner.align_article(sentences, mt=mt, mode=mode)
