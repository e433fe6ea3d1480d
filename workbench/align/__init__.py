"""Alignment against official wording: parallel documents and news articles.

- :func:`align_parallel` — a document and its translation, in order (beads up to 5 a side);
  stages in :mod:`~workbench.align.parallel`, signals in :mod:`~workbench.align.signals`;
- :func:`align_news` — a news article against the official corpus, quotes as their own units;
- :func:`lookup` — the best official sentences anywhere in the corpus for one phrase.

Every result carries :class:`Evidence` (matched terms, numbers, n-grams, sub-scores), so the
UI can show why two spans were linked. Everything works without MT; with MT it is better.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING

from workbench.align.base import Aligner, ParallelAligner, join_sentences
from workbench.align.base import check_sentences as _check_side
from workbench.align.beads import (
    AlignmentSignature,
    Bead,
    Evidence,
    LookupHit,
    NewsLink,
    format_bead,
    parse_beads,
)
from workbench.align.mt import check_mt_lines
from workbench.corpus import OfficialCorpus
from workbench.dictionary import BilingualDictionary, load_dictionary
from workbench.errors import InputError

if TYPE_CHECKING:
    from workbench.align.news import NewsIndex, NewsWeights
    from workbench.embeddings import Embedder

__all__ = ["Aligner", "ParallelAligner", "align_article", "align_parallel", "align_news", "join_sentences", "lookup", "news_index", "Bead", "Evidence", "NewsLink", "LookupHit",
           "AlignmentSignature", "format_bead", "parse_beads", "parallel_signature"]

def align_parallel(src: Sequence[str], tgt: Sequence[str], *, src_lang: str = "en", tgt_lang: str = "zh",
                   mt: Sequence[str] | None = None, use_dictionary: bool = True, gaps: bool = False,
                   evidence: bool = True) -> list[Bead]:
    """Align two documents sentence by sentence, order preserved (:class:`ParallelAligner`).

    ``mt`` holds line-parallel translations of ``src`` into ``tgt_lang`` (optional). With
    ``gaps``, many sentences are expected to have no counterpart (an article against a
    statement it quotes in part), and a second pass re-measures the length ratio on what the
    first linked. Returns beads covering every sentence of both sides once, in order, each
    with its evidence (ids and scores only with ``evidence=False``).
    """
    aligner = ParallelAligner(mt_source="none" if mt is None else "file", use_dictionary=use_dictionary, gaps=gaps)
    return aligner.align(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, mt=mt, evidence=evidence)


def parallel_signature(*, mt_source: str, use_dictionary: bool = True, gaps: bool = False) -> AlignmentSignature:
    """The signature of an :func:`align_parallel` run (``mt_source``: ``file``, ``engine:…`` or ``none``)."""
    return ParallelAligner(mt_source=mt_source, use_dictionary=use_dictionary, gaps=gaps).signature()


def news_embedder() -> Embedder | None:
    """The cross-lingual encoder news linking and look-up use (``use-m``), vectors kept on disk; None
    when it cannot be loaded (linking then goes on from the lexical evidence alone)."""
    from workbench.embeddings import DEFAULT_EMBEDDER, try_embedder
    from workbench.settings import Settings

    embedder = try_embedder(DEFAULT_EMBEDDER)
    if embedder is not None and getattr(embedder, "_disk", None) is None:
        embedder.keep_on_disk(Settings().cache_dir)
    return embedder


def news_index(corpus: OfficialCorpus, dictionary: BilingualDictionary | None = None) -> NewsIndex:
    """The retrieval index of ``corpus``, kept per corpus object and brought up to date on each call.

    Only documents that are new or whose text changed are (re-)indexed.
    """
    from workbench.align.news import DEFAULT_NEWS_WEIGHTS, NewsIndex

    dictionary = dictionary or load_dictionary(corpus.glossary)
    index = _INDEXES.get(corpus)
    if index is None or index.dictionary is not dictionary:
        embedder = news_embedder() if DEFAULT_NEWS_WEIGHTS.meaning else None
        index = _INDEXES[corpus] = NewsIndex(dictionary, embedder)
    for doc in corpus.documents("zh"):
        if index.indexed_text(doc.id) != doc.text:
            index.add_document(doc)
    return index


# corpus → its index, keyed weakly: a corpus no longer used elsewhere is freed with its index
_INDEXES: weakref.WeakKeyDictionary[OfficialCorpus, NewsIndex] = weakref.WeakKeyDictionary()


def align_news(sentences: Sequence[str], corpus: OfficialCorpus, *, mt: Sequence[str] | None = None,
               reference: str = "auto", weights: NewsWeights | None = None) -> list[NewsLink]:
    """Link each English sentence, and each quote inside it, to official Chinese sentences (or to none).

    ``reference`` is ``"auto"`` (retrieve the best documents from the corpus) or a document id.
    One link per sentence, in order, followed by one per quote in that sentence.
    """
    from workbench.align.news import DEFAULT_NEWS_WEIGHTS, TOP_DOCUMENTS, link_units, make_units

    weights = weights or DEFAULT_NEWS_WEIGHTS
    _check_side(sentences, "English", "en")
    if mt is not None:
        check_mt_lines(mt, len(sentences))
    index = news_index(corpus)
    units = make_units(sentences, index.dictionary, mt, embedder=index.embedder, weights=weights)
    if reference == "auto":
        ranked = index.rank_documents(units)
        if not ranked:
            doc_ids: list[str] = []
        else:
            best = ranked[0][1]
            doc_ids = [d for d, score in ranked[:TOP_DOCUMENTS] if score >= 0.5 * best]
    else:
        corpus.get(reference, "zh")  # raises CorpusError naming close ids
        doc_ids = [reference]
    return link_units(units, index, doc_ids, weights)


def lookup(text: str, corpus: OfficialCorpus, *, top_k: int = 5, mt: str | None = None,
           weights: NewsWeights | None = None) -> list[LookupHit]:
    """The ``top_k`` official Chinese sentences that best render ``text``, across the whole corpus.

    Scored as news units are (:class:`~workbench.align.news.NewsWeights`): dictionary terms,
    numbers, MT when given, and the meaning margin; each hit's evidence names them.
    """
    from workbench.align.news import DEFAULT_NEWS_WEIGHTS, Unit, lookup_unit, make_unit

    if not text.strip():
        raise InputError("the text to look up is empty; give an English word, phrase or sentence")
    if top_k < 1:
        raise InputError(f"the number of results (--top) must be at least 1, not {top_k}; ask for 1 or more")
    index = news_index(corpus)
    unit: Unit = make_unit((0,), text, None, index.dictionary, mt)
    if not unit.keys and not unit.numbers:
        return []
    if index.embedder is not None:
        unit = dataclasses.replace(unit, vector=index.embedder.embed([text])[0])
    return lookup_unit(unit, index, top_k, weights or DEFAULT_NEWS_WEIGHTS)


ARTICLE_MODES = ("auto", "news", "parallel")


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
    from workbench.align.news import parallel_reference

    if mode not in ARTICLE_MODES:
        raise InputError(f"unknown alignment mode {mode!r}; use one of {', '.join(ARTICLE_MODES)}")
    if mode == "parallel":
        if reference == "auto":
            raise InputError("parallel mode aligns against one document; name it with --reference DOC_ID")
        doc_id = reference
    else:
        links = align_news(sentences, corpus, mt=mt, reference=reference)
        doc_id = parallel_reference(links, len(sentences)) if mode == "auto" else None
        if doc_id is None:
            return links, None
    official = [s.text for s in corpus.get(doc_id, "zh").sentences]
    beads = align_parallel(sentences, official, mt=mt)
    # An official sentence the article leaves out has no English segment to report.
    return [NewsLink(bead.src, join_sentences(sentences, bead.src, "en"), None, doc_id if bead.tgt else None,
                     bead.tgt, join_sentences(official, bead.tgt, "zh"), bead.score, bead.evidence)
            for bead in beads if bead.src], doc_id
