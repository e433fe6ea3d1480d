"""The aligner base: one small interface every alignment mode implements (sacrebleu's metric base as model).

An :class:`Aligner` is configured once (weights, encoder, options) and then aligns any number
of inputs; :meth:`Aligner.signature` names everything in that configuration that decides the
result, so a stored or exported alignment can be traced back to what made it, and two runs
with the same signature give the same beads.

A subclass implements:

- :meth:`Aligner.align` — the inputs of its mode (two documents for parallel mode; an
  article and the corpus for news mode) to results of the one alignment shape
  (:class:`~workbench.align.beads.Bead`, or :class:`~workbench.align.beads.NewsLink` where
  the target side is a corpus document);
- :meth:`Aligner.signature` — an :class:`~workbench.align.beads.AlignmentSignature` whose
  mode, signals and version change whenever the scoring does;
- :attr:`Aligner.mode` — the mode's name as the CLI and the signature spell it.

:meth:`Aligner.weights_hash` turns any weights dataclass into the short hash the run
signature records (``align-weights``).
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from workbench.align.beads import AlignmentSignature, Bead, Evidence, NewsLink
from workbench.align.mt import check_mt_lines
from workbench.align.parallel import (
    MAX_BEAD,
    align_features,
    align_with_gaps,
    align_with_margins,
    realign_windows,
    step_scores,
    steps_to_beads,
    uncertain_windows,
)
from workbench.align.signals import (
    DEFAULT_WEIGHTS,
    GAPPY_REFINED_WEIGHTS,
    GAPPY_WEIGHTS,
    PairFeatures,
    Weights,
    build_features,
    meaning_signal,
    shared_ngrams,
)
from workbench.dictionary import BilingualDictionary, load_dictionary
from workbench.errors import InputError
from workbench.numbers import NumberMention, extract_numbers_en, extract_numbers_zh, matching_values
from workbench.text.zh import normalise_zh

if TYPE_CHECKING:
    from workbench.embeddings import Embedder

__all__ = ["Aligner", "ParallelAligner", "ParallelSignature", "check_sentences", "join_sentences"]

LANGUAGES = ("en", "zh")


def check_sentences(sentences: Sequence[str], side: str, lang: str) -> None:
    """Raise :class:`InputError` unless ``lang`` is supported and ``sentences`` hold some text."""
    if lang not in LANGUAGES:
        raise InputError(f"unsupported {side} language {lang!r}; use one of: {', '.join(LANGUAGES)}")
    if not sentences or not any(s.strip() for s in sentences):
        raise InputError(f"the {side} side is empty; give at least one sentence")


def join_sentences(sentences: Sequence[str], ids: Sequence[int], lang: str) -> str:
    """The sentences ``ids`` as one text: Chinese run together, English with spaces."""
    return ("" if lang == "zh" else " ").join(sentences[i] for i in ids)


class Aligner(ABC):
    """Base class of the alignment modes: configure once, :meth:`align` many inputs, :meth:`signature` names the run."""

    mode: ClassVar[str] = ""

    @abstractmethod
    def align(self, src: Sequence[str], *args: Any, **kwargs: Any) -> Sequence[Bead | NewsLink]:
        """Align ``src`` (sentences) against the mode's target; every source sentence is covered."""

    @abstractmethod
    def signature(self) -> AlignmentSignature:
        """What decides this aligner's results (mode, signals, bead size, MT source, version)."""

    def weights_hash(self) -> str:
        """A short hash of the aligner's weights (its ``weights`` dataclass), for the run signature."""
        from workbench.signature import short_hash

        weights = getattr(self, "weights", None)
        values = dataclasses.astuple(weights) if dataclasses.is_dataclass(weights) else (weights,)
        return short_hash(repr(v) for v in values)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.signature()})"


@dataclass(frozen=True)
class ParallelSignature(AlignmentSignature):
    """:class:`AlignmentSignature` plus what decides parallel beads: the weights' hash and the
    cross-lingual sentence encoder (``none`` when the meaning signal is off)."""

    weights: str = ""
    embedder: str = "none"

    def __str__(self) -> str:
        return f"{super().__str__()}|weights:{self.weights}|embedder:{self.embedder}"


PARALLEL_VERSION = "5"  # goes up whenever parallel scoring changes
FULL_ENCODE = 2_000  # pairs with at most this many sentences (both sides) are encoded whole
# In longer pairs, the share of sentences encoded around the closest lexical choices, chosen on
# the Bible's curve of strict F1 against seconds (benchmarks/align_quality.py, cold, quiet machine):
# 0.1 → 0.9803 in 5.1 s, 0.2 → 0.9841 in 6.3 s, 0.3 → 0.9851 in 7.6 s. 0.2 keeps a margin over
# 0.98 that 0.1 does not (0.0003), well inside the 10 s the Bible pair may take.
ENCODE_BUDGET = 0.2


class ParallelAligner(Aligner):
    """Parallel mode: a document and its translation aligned in order, beads of up to 5 sentences a side.

    ``weights`` are the signal weights and bead costs with the meaning signal
    (:class:`~workbench.align.signals.Weights`; their ``lexical()`` form serves a run
    without it); ``embedder`` is the cross-lingual sentence encoder of the
    ``meaning`` signal (source against target, no MT needed), None for lexical signals only;
    ``use_dictionary`` turns the dictionary signal on; ``gaps`` expects many sentences without
    counterpart (two passes, :func:`~workbench.align.parallel.align_with_gaps`); ``mt_source``
    names where the MT given to :meth:`align` comes from (``file``, ``engine:…`` or ``none``),
    for the signature.

    Encoding is the cost: a pair of up to ``full_encode`` sentences is encoded whole; in a
    longer one the lexical signals align first, each bead's margin says how close the best
    alternative came (:func:`~workbench.align.parallel.align_with_margins`), and only small
    windows around the closest choices, up to ``encode_budget`` of the sentences (both sides),
    are encoded and aligned again with the meaning signal between the beads that stand
    (``encode_budget`` 0 keeps the lexical alignment; 1 encodes all).
    """

    mode = "parallel"

    def __init__(self, *, mt_source: str = "none", use_dictionary: bool = True, gaps: bool = False,
                 weights: Weights = DEFAULT_WEIGHTS, embedder: Embedder | None = None,
                 full_encode: int = FULL_ENCODE, encode_budget: float = ENCODE_BUDGET) -> None:
        self.mt_source = mt_source
        self.use_dictionary = use_dictionary
        self.gaps = gaps
        self.weights = weights
        self.embedder = embedder
        self.full_encode = full_encode
        self.encode_budget = encode_budget

    def align(self, src: Sequence[str], tgt: Sequence[str], *, src_lang: str = "en",  # type: ignore[override]
              tgt_lang: str = "zh", mt: Sequence[str] | None = None, evidence: bool = True) -> list[Bead]:
        """Beads covering every sentence of ``src`` and ``tgt`` once, in order.

        ``mt`` holds line-parallel translations of ``src`` into ``tgt_lang`` (optional). With
        ``evidence`` off, beads carry ids and scores only (what ``--format beads`` prints).
        """
        from workbench.embeddings import load_sentence_embedder

        check_sentences(src, "source", src_lang)
        check_sentences(tgt, "target", tgt_lang)
        if mt is not None:
            check_mt_lines(mt, len(src))
        dictionary = load_dictionary() if self.use_dictionary else None
        mt_embedder = load_sentence_embedder() if mt is not None else None
        lexical = build_features(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, mt=mt, dictionary=dictionary,
                                 embedder=mt_embedder, weights=self.weights.lexical())
        run = align_with_gaps if self.gaps else align_features
        if self.embedder is None or not self.weights.meaning:
            features = lexical
            beads = steps_to_beads(run(features), features)
        elif len(src) + len(tgt) <= self.full_encode or self.gaps:
            features = self._with_meaning(lexical, src, tgt, range(len(src)), range(len(tgt)))
            beads = steps_to_beads(run(features), features)
        else:
            steps, margins = align_with_margins(lexical)
            first = steps_to_beads(steps, lexical)
            windows = uncertain_windows(first, margins, round(self.encode_budget * (len(src) + len(tgt))))
            src_ids = sorted({i for w0, w1 in windows for b in first[w0:w1] for i in b.src})
            tgt_ids = sorted({j for w0, w1 in windows for b in first[w0:w1] for j in b.tgt})
            features = self._with_meaning(lexical, src, tgt, src_ids, tgt_ids)
            beads = realign_windows(first, windows, features)
        if not evidence:
            return beads
        _scores, parts = step_scores([(b.src[0] if b.src else 0, len(b.src), b.tgt[0] if b.tgt else 0, len(b.tgt))
                                      for b in beads], features)
        return [bead_evidence(b, p, features, src, tgt, src_lang, tgt_lang, mt, dictionary) for b, p in zip(beads, parts)]

    def _with_meaning(self, lexical: PairFeatures, src: Sequence[str], tgt: Sequence[str],
                      src_ids: Sequence[int], tgt_ids: Sequence[int]) -> PairFeatures:
        """``lexical`` with the meaning signal on sentences ``src_ids`` and ``tgt_ids`` (vectors cached by text)."""
        assert self.embedder is not None
        vectors = []
        for texts, ids in ((src, src_ids), (tgt, tgt_ids)):
            rows = np.zeros((len(texts), self.embedder.dimension), dtype=np.float32)
            if len(ids):
                rows[list(ids)] = self.embedder.embed([texts[i] for i in ids])
            vectors.append(rows)
        return dataclasses.replace(lexical, signals=[meaning_signal(vectors[0], vectors[1], self.weights.meaning),
                                                     *lexical.signals], weights=self.weights)

    def signature(self) -> ParallelSignature:
        """Mode (``parallel`` or ``parallel-gaps``), the signals that run, bead size, MT source,
        version, the weights' hash and the encoder."""
        from workbench.embeddings import load_sentence_embedder

        with_mt = self.mt_source != "none"
        meaning = self.embedder is not None and bool(self.weights.meaning)
        signals = [s for s, on in (("meaning", meaning), ("mt", with_mt),
                                   ("mt-meaning", with_mt and load_sentence_embedder() is not None),
                                   ("dictionary", self.use_dictionary), ("numbers", True), ("length", True),
                                   ("quotes", True)) if on]
        return ParallelSignature("parallel-gaps" if self.gaps else "parallel", tuple(signals), MAX_BEAD,
                                 self.mt_source, PARALLEL_VERSION, self.weights_hash(),
                                 self.embedder.name if meaning and self.embedder is not None else "none")

    def weights_hash(self) -> str:
        """A short hash of the weights (with the two gaps passes' in gaps mode) and the encoding policy."""
        from workbench.signature import short_hash

        passes = (GAPPY_WEIGHTS, GAPPY_REFINED_WEIGHTS) if self.gaps else ()
        return short_hash(repr(v) for v in (*dataclasses.astuple(self.weights), *(dataclasses.astuple(w) for w in passes),
                                            self.full_encode, self.encode_budget))


def bead_evidence(bead: Bead, signals: dict[str, float], features: PairFeatures, src: Sequence[str],
                  tgt: Sequence[str], src_lang: str, tgt_lang: str, mt: Sequence[str] | None,
                  dictionary: BilingualDictionary | None) -> Bead:
    """``bead`` with what matched: terms, numbers, shared MT n-grams, length ratio, and its
    ``signals``' own scores (from :func:`~workbench.align.parallel.step_scores`)."""
    if not bead.src or not bead.tgt:
        return bead
    src_text, tgt_text = join_sentences(src, bead.src, src_lang), join_sentences(tgt, bead.tgt, tgt_lang)
    en_text, zh_text = (src_text, tgt_text) if src_lang == "en" else (tgt_text, src_text)
    terms = tuple(dictionary.match(en_text, normalise_zh(zh_text))) if dictionary and src_lang != tgt_lang else ()
    numbers = tuple(sorted(matching_values(_numbers(src_text, src_lang), _numbers(tgt_text, tgt_lang))))
    ngrams = shared_ngrams(join_sentences(mt, bead.src, tgt_lang), tgt_text, tgt_lang) if mt is not None else ()
    src_len = float(features.src_len[list(bead.src)].sum())
    tgt_len = float(features.tgt_len[list(bead.tgt)].sum())
    ratio = tgt_len / (src_len * features.ratio) if src_len else 0.0
    evidence = Evidence(terms, numbers, ngrams, ratio, signals)
    return Bead(bead.src, bead.tgt, bead.score, evidence)


def _numbers(text: str, lang: str) -> list[NumberMention]:
    return extract_numbers_zh(text) if lang == "zh" else extract_numbers_en(text)
