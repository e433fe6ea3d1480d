"""Cross-lingual similarity of an English span and a Chinese span, from explainable signals.

Five signals, each a number in 0..1 (``meaning`` may dip below 0 for unrelated sentences):

- ``mt``: character n-gram overlap (chrF-style, idf-weighted cosine) between the machine
  translation of the source span and the target span — Bleualign's idea. Only with MT.
- ``meaning``: cosine of static sentence vectors (:mod:`workbench.embeddings`) of the
  machine translation and the target span, which also credits a paraphrase. Only with MT.
- ``dictionary``: English words and phrases whose Chinese equivalent (glossary, names,
  CC-CEDICT) occurs in the Chinese span, against the dictionary words of each side.
- ``numbers``: numbers, percentages and dates written on both sides (:mod:`workbench.numbers`).
- ``length``: a Gale–Church prior on the character-length ratio.

A signal with nothing to say about a pair (no numbers on either side) stays out of the
average instead of pulling it down. Apart from the signals, the dynamic programme charges
for a bead boundary that falls inside a quotation on one side only (:func:`quote_states`).

Sentences become sparse feature counts; for the dynamic programme they are hashed into
dense rows (:class:`SideMatrix`) so that a span is a sum of rows and a score is a dot
product, which keeps long documents fast.
"""

from __future__ import annotations

import math
import re
import weakref
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from itertools import chain

import numpy as np

from workbench.dictionary import BilingualDictionary
from workbench.embeddings import SentenceEmbedder
from workbench.numbers import extract_numbers_en, extract_numbers_zh, loose_values
from workbench.text.en import english_tokens
from workbench.text.zh import normalise_zh

MAX_SPAN = 5  # most sentences on one side of a bead
_CROSS_BLOCK = 512  # rows made dense at once for the products of neighbouring rows
_BLOCK = 16  # source sentences multiplied against their targets at once
HASH_DIM = 4096  # hashed feature columns per signal; collisions are rare at sentence scale
_ZH_NOISE = re.compile(r"[\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’·—…,.;:!?()\"'\-]")
_ZH_DICT_MAX = 8  # longest Chinese word looked up when scanning a Chinese sentence


def _zh_content(text: str) -> str:
    """Chinese text as compared with MT: Simplified, without spaces and punctuation (MT output
    often comes word-segmented)."""
    return _ZH_NOISE.sub("", normalise_zh(text))


@dataclass(frozen=True)
class Weights:
    """How much each signal counts, and what beads cost; tuned on the MAC-Dev set only.

    The content signals (mt, meaning, mt-meaning, dictionary, numbers) are averaged with these
    weights; the length prior then scales the average by ``1 - length + length * prior``. The
    defaults are tuned with the cross-lingual meaning signal on; :meth:`lexical` gives those
    for a run without it.
    """

    mt: float = 1.0
    meaning: float = 1.0  # cross-lingual sentence vectors of source and target (use-m)
    mt_meaning: float = 0.2  # same-language sentence vectors of the MT and the target (WordLlama)
    dictionary: float = 0.5
    numbers: float = 0.25
    length: float = 0.7
    length_spread: float = 27.0  # variance per character of the Gale–Church δ; larger is more tolerant
    skip: float = -0.3  # score of a sentence left without counterpart (a 1-0 or 0-1 bead)
    bead_bonus: float = 0.03  # added per non-null bead: a slight preference for 1-1 over merging
    # A linked bead's score counts ((a + b) / 2) ** size_power times in the sum the DP maximises:
    # above 0, a bead that covers more sentences is not outvoted by the splits that cover them.
    size_power: float = 0.3
    quote: float = 0.05  # cost of a bead boundary inside a quotation on one side only
    # Bead costs for a run without the meaning signal: the lexical signals alone decide, and
    # merged beads need no help.
    lexical_skip: float = -0.2
    lexical_size_power: float = 0.0

    def lexical(self) -> Weights:
        """These weights for a run without the meaning signal (same signal weights, lexical bead costs)."""
        return replace(self, skip=self.lexical_skip, size_power=self.lexical_size_power)


DEFAULT_WEIGHTS = Weights()
LEXICAL_WEIGHTS = DEFAULT_WEIGHTS.lexical()
# For documents where many sentences have no counterpart, two passes. The first: a null bead
# scores more than a weak link, so stray sentences stay alone instead of joining a neighbouring
# bead; and the document's length ratio, skewed by the gaps, counts for less.
GAPPY_WEIGHTS = Weights(skip=0.05, length=0.5, length_spread=55.0, size_power=0.3,
                        lexical_skip=0.03, lexical_size_power=0.0)
# The second, with the length ratio measured on what the first pass linked: the usual length
# prior; with the meaning signal, a null bead scores nothing and a link earns no bonus, so a
# sentence joins a bead only on its evidence (without it, a null bead scores a little more).
GAPPY_REFINED_WEIGHTS = Weights(skip=0.0, bead_bonus=0.0, size_power=0.0, lexical_skip=0.004, lexical_size_power=0.0)


# --- sentence features ------------------------------------------------------------------------

def mt_ngrams(text: str, lang: str) -> Counter[str]:
    """Character n-grams compared between MT output and target text.

    Chinese: characters and character pairs of the normalised text, spaces and punctuation
    removed (MT output often comes word-segmented). English: character 3-grams inside
    lower-cased words, padded so that word starts and ends count (3-grams did best on the dev set).
    """
    grams: Counter[str] = Counter()
    if lang == "zh":
        chars = _zh_content(text)
        grams.update(chars)
        grams.update(chars[i:i + 2] for i in range(len(chars) - 1))
        return grams
    for word, _ in english_tokens(text):
        padded = f" {word.lower()} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


def dictionary_features_en(text: str, dictionary: BilingualDictionary) -> Counter[str]:
    """Dictionary keys (lemma phrases) found in English ``text``."""
    return Counter(key for key, _surface, _start in dictionary.english_keys(text))


def dictionary_features_zh(text: str, zh_index: dict[str, tuple[str, ...]]) -> tuple[Counter[str], int]:
    """English keys glossed by the dictionary words of Chinese ``text``, and how many words those are.

    Words are found by forward maximum matching on the normalised text.
    """
    norm = normalise_zh(text)
    keys: Counter[str] = Counter()
    words = 0
    i = 0
    while i < len(norm):
        for n in range(min(_ZH_DICT_MAX, len(norm) - i), 0, -1):
            glossed = zh_index.get(norm[i:i + n])
            if glossed:
                keys.update(set(glossed))
                words += 1
                i += n
                break
        else:
            i += 1
    return keys, words


def number_features(text: str, lang: str) -> Counter[str]:
    """Canonical number, percentage and date values of ``text`` (loose forms included)."""
    mentions = extract_numbers_zh(text) if lang == "zh" else extract_numbers_en(text)
    return Counter(v for m in mentions for v in loose_values(m))


_QUOTE_CHARS = "'\"‘’“”「」『』"
_MIN_QUOTED_SHARE = 0.05  # below this share of sentences with quotation marks, a side's state says nothing


def quote_states(texts: Sequence[str], lang: str) -> np.ndarray | None:
    """Whether a quotation is open at each sentence boundary (``len(texts) + 1`` flags).

    Chinese quotation marks are unambiguous; in English a straight ``'`` is also the
    apostrophe, so it opens only after a space or bracket and closes only an open quotation.
    Returns None when too few sentences carry quotation marks (the Bible, most statements).
    """
    marked = sum(1 for t in texts if any(ch in _QUOTE_CHARS for ch in t))
    if not texts or marked < _MIN_QUOTED_SHARE * len(texts):
        return None
    states = [False]
    inside = False
    for text in texts:
        for k, ch in enumerate(text):
            if ch not in _QUOTE_CHARS:
                continue
            if ch in "“「『" or (lang != "zh" and ch == "‘"):
                inside = True
                continue
            if ch in "”」』":
                inside = False
                continue
            if lang == "zh":
                continue
            before = text[k - 1] if k else " "
            after = text[k + 1] if k + 1 < len(text) else " "
            if before.isalnum() and after.isalnum():
                continue  # don't, o'clock
            if (before.isspace() or before in "([") and not after.isspace():
                inside = True
            elif inside and not before.isspace():
                inside = False
        states.append(inside)
    return np.array(states, dtype=bool)


def text_length(text: str, lang: str) -> int:
    """Characters that carry content: CJK characters for Chinese, non-space characters otherwise."""
    if lang == "zh":
        return len(_ZH_NOISE.sub("", text))
    return sum(1 for ch in text if not ch.isspace())


@lru_cache(maxsize=1 << 16)
def _column(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) % HASH_DIM


# --- hashed matrices for the dynamic programme ------------------------------------------------

@dataclass
class SideMatrix:
    """One signal's features of one side: a hashed row per sentence and each row's mass.

    A span's vector is the sum of its rows. For hashed features its mass is the sum of the
    rows' masses (the squared norms; the cross terms between a span's own sentences are left
    out, which on the dev data favours merged beads just enough). With ``exact`` (sentence
    vectors), the mass is the span vector's own squared length, cross terms included, so a
    span's score is the cosine of its renormalised summed vector.
    """

    rows: np.ndarray | SparseRows  # (sentences, dimensions) float32: hashed features (sparse) or vectors
    mass: np.ndarray  # (sentences,) float64
    exact: bool = False

    def span_mass(self, start: np.ndarray | int, length: int) -> np.ndarray:
        """Mass of the spans ``[start, start + length)`` (``start`` scalar or array)."""
        start = np.asarray(start)
        mass = self._mass_running[start + length] - self._mass_running[start]
        if self.exact:
            for gap in range(1, length):
                running = self._cross_running[gap - 1]
                mass = mass + 2 * (running[start + length - gap] - running[start])
            mass = np.maximum(mass, 0.0)  # a squared length; rounding may take it just below 0
        return mass

    @cached_property
    def _mass_running(self) -> np.ndarray:
        return _running(self.mass)

    @cached_property
    def _cross_running(self) -> list[np.ndarray]:
        """Per gap ``d`` (1..MAX_SPAN-1), running sums of ``row[p] · row[p + d]`` over ``p``."""
        n = len(self.mass)
        cross = np.zeros((MAX_SPAN - 1, n))
        for b0 in range(0, n, _CROSS_BLOCK):
            b1 = min(b0 + _CROSS_BLOCK, n)
            rows = np.asarray(_dense_rows(self.rows, b0, min(b1 + MAX_SPAN - 1, n)), dtype=np.float64)
            for gap in range(1, MAX_SPAN):
                count = min(b1 - b0, len(rows) - gap)
                if count > 0:
                    cross[gap - 1, b0:b0 + count] = np.einsum("ij,ij->i", rows[:count], rows[gap:gap + count])
        return [_running(row) for row in cross]

    def window(self, start: int, stop: int) -> SideMatrix:
        """Rows ``start..stop`` alone."""
        rows = self.rows.window(start, stop) if isinstance(self.rows, SparseRows) else self.rows[start:stop]
        return SideMatrix(rows, self.mass[start:stop], self.exact)

    def downsample(self) -> SideMatrix:
        """Sum neighbouring sentences pairwise (the coarse level of the multi-resolution search)."""
        mass = _pair_sum(self.mass)
        if self.exact:  # |r + s|² = |r|² + |s|² + 2 r·s
            mass = mass + 2 * _pair_sum(np.diff(self._cross_running[0]) * (np.arange(len(self.mass)) % 2 == 0))
        rows = self.rows.pair_sum() if isinstance(self.rows, SparseRows) else _pair_sum(self.rows)
        return SideMatrix(rows, mass, self.exact)


def _every_other(boundaries: np.ndarray | None) -> np.ndarray | None:
    """Boundary states at half resolution (boundary ``k`` of the coarse side is ``2k`` here)."""
    if boundaries is None:
        return None
    coarse = boundaries[0::2]
    return coarse if len(boundaries) % 2 else np.append(coarse, boundaries[-1])


def _running(values: np.ndarray) -> np.ndarray:
    """Running sums with a leading zero: the sum of ``values[i:j]`` is ``out[j] - out[i]``."""
    return np.concatenate([[0.0], np.cumsum(values, dtype=float)])


def _pair_sum(array: np.ndarray) -> np.ndarray:
    if len(array) % 2:
        array = np.concatenate([array, np.zeros_like(array[:1])])
    return array[0::2] + array[1::2]


@dataclass(frozen=True)
class SparseRows:
    """Hashed feature rows kept sparse (compressed rows): sentence ``r`` holds columns
    ``cols[indptr[r]:indptr[r + 1]]`` with values ``vals[…]``. Dense blocks are made only for
    the few rows a step multiplies, so a long document never holds a dense matrix."""

    indptr: np.ndarray  # (rows + 1,) int64
    cols: np.ndarray  # int32, columns below HASH_DIM
    vals: np.ndarray  # float32

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def dense(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start..stop`` as a dense ``(stop - start, HASH_DIM)`` float32 block (repeated columns summed)."""
        lo, hi = int(self.indptr[start]), int(self.indptr[stop])
        local = np.repeat(np.arange(stop - start), np.diff(self.indptr[start:stop + 1])) * HASH_DIM + self.cols[lo:hi]
        flat = np.bincount(local, weights=self.vals[lo:hi], minlength=(stop - start) * HASH_DIM)
        return flat.reshape(stop - start, HASH_DIM).astype(np.float32)

    def columns_block(self, start: int, stop: int, position: np.ndarray, width: int) -> np.ndarray:
        """Rows ``start..stop`` as a dense block over ``width`` chosen columns only, column ``c``
        at ``position[c]`` (-1: left out), so no full-width block is ever made."""
        lo, hi = int(self.indptr[start]), int(self.indptr[stop])
        pos = position[self.cols[lo:hi]]
        keep = pos >= 0
        rows_of = np.repeat(np.arange(stop - start), np.diff(self.indptr[start:stop + 1]))
        flat = np.bincount(rows_of[keep] * width + pos[keep], weights=self.vals[lo:hi][keep],
                           minlength=(stop - start) * width)
        return flat.reshape(stop - start, width).astype(np.float32)

    def take(self, index: np.ndarray) -> np.ndarray:
        """The rows ``index`` (any order, repeats allowed) as a dense block."""
        index = np.asarray(index)
        counts = self.indptr[index + 1] - self.indptr[index]
        starts = np.repeat(self.indptr[index] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        positions = starts + np.arange(int(counts.sum()))
        local = np.repeat(np.arange(len(index)), counts) * HASH_DIM + self.cols[positions]
        flat = np.bincount(local, weights=self.vals[positions], minlength=len(index) * HASH_DIM)
        return flat.reshape(len(index), HASH_DIM).astype(np.float32)

    def squared_norms(self) -> np.ndarray:
        """Each row's squared length."""
        rows_of = np.repeat(np.arange(len(self)), np.diff(self.indptr))
        return np.bincount(rows_of, weights=self.vals.astype(float) ** 2, minlength=len(self))

    def pair_sum(self) -> SparseRows:
        """Neighbouring rows summed pairwise: rows are contiguous, so every other boundary is dropped."""
        indptr = self.indptr[0::2]
        if len(self) % 2:
            indptr = np.append(indptr, self.indptr[-1])
        return SparseRows(indptr, self.cols, self.vals)

    def window(self, start: int, stop: int) -> SparseRows:
        """Rows ``start..stop`` alone."""
        lo, hi = int(self.indptr[start]), int(self.indptr[stop])
        return SparseRows(self.indptr[start:stop + 1] - lo, self.cols[lo:hi], self.vals[lo:hi])

    def clipped(self, ceiling: float) -> SparseRows:
        """Every value capped at ``ceiling``."""
        return SparseRows(self.indptr, self.cols, np.minimum(self.vals, ceiling))


def _dense_rows(rows: np.ndarray | SparseRows, start: int, stop: int) -> np.ndarray:
    return rows.dense(start, stop) if isinstance(rows, SparseRows) else rows[start:stop]


def _block_product(src: np.ndarray | SparseRows, p0: int, p1: int, tgt: np.ndarray | SparseRows,
                   t0: int, t1: int) -> np.ndarray:
    """Dot products of source rows ``p0..p1`` with target rows ``t0..t1``; hashed rows are
    sparse, so only the columns the source rows use are made dense."""
    if not isinstance(src, SparseRows) or not isinstance(tgt, SparseRows):
        return np.asarray(_dense_rows(src, p0, p1)) @ np.asarray(_dense_rows(tgt, t0, t1)).T
    position = np.full(HASH_DIM, -1)
    used = src.cols[int(src.indptr[p0]):int(src.indptr[p1])]
    position[used] = 0
    used = np.flatnonzero(position == 0)
    position[used] = np.arange(len(used))
    return src.columns_block(p0, p1, position, len(used)) @ tgt.columns_block(t0, t1, position, len(used)).T


def _take_rows(rows: np.ndarray | SparseRows, index: np.ndarray) -> np.ndarray:
    return rows.take(index) if isinstance(rows, SparseRows) else rows[index]


def _hash_rows(counters: Sequence[Counter[str]], weights: dict[str, float] | None = None) -> SparseRows:
    """Hashed rows of feature counts (times ``weights``), colliding features summed.

    Each distinct feature is hashed (and weighted) once; the per-entry work is array work.
    """
    features = list(chain.from_iterable(counters))
    counts = np.fromiter(chain.from_iterable(c.values() for c in counters), dtype=np.float64, count=len(features))
    distinct = {f: k for k, f in enumerate(dict.fromkeys(features))}
    ids = np.fromiter(map(distinct.__getitem__, features), dtype=np.int64, count=len(features))
    columns = np.fromiter(map(_column, distinct), dtype=np.int64, count=len(distinct))
    if weights:
        counts = counts * np.fromiter((weights.get(f, 1.0) for f in distinct), dtype=np.float64, count=len(distinct))[ids]
    rows_of = np.repeat(np.arange(len(counters), dtype=np.int64), [len(c) for c in counters])
    unique, inverse = np.unique(rows_of * HASH_DIM + columns[ids], return_inverse=True)
    summed = np.bincount(inverse, weights=counts.astype(np.float32).astype(np.float64), minlength=len(unique))
    indptr = np.searchsorted(unique // HASH_DIM, np.arange(len(counters) + 1)).astype(np.int64)
    return SparseRows(indptr, (unique % HASH_DIM).astype(np.int32), summed.astype(np.float32))


def _idf(*sides: Sequence[Counter[str]]) -> dict[str, float]:
    """Inverse document frequency of each feature over the sentences of both sides."""
    df: Counter[str] = Counter()
    total = 0
    for side in sides:
        for counter in side:
            df.update(counter.keys())
        total += len(side)
    return {f: math.log((total + 1) / (n + 0.5)) for f, n in df.items()}


@dataclass
class SignalPair:
    """Source and target matrices of one signal."""

    name: str
    weight: float
    src: SideMatrix
    tgt: SideMatrix
    # Whether the signal speaks only where both spans have features (sentence vectors, which
    # may be computed for part of a document) rather than wherever either has (numbers on one
    # side only are a mismatch).
    both_sides: bool = False

    def downsample(self) -> SignalPair:
        return SignalPair(self.name, self.weight, self.src.downsample(), self.tgt.downsample(), self.both_sides)


@dataclass
class PairFeatures:
    """Everything the aligner needs to score any span pair of two documents."""

    signals: list[SignalPair]
    src_len: np.ndarray  # content characters per source sentence
    tgt_len: np.ndarray
    ratio: float  # target characters per source character over the whole document
    weights: Weights = field(default_factory=Weights)
    # Per sentence boundary (n + 1 of them), whether a quotation is open there; None where a
    # side has too few quotations for the state to mean anything.
    src_quoted: np.ndarray | None = None
    tgt_quoted: np.ndarray | None = None

    def boundary_cost(self, i: int, js: np.ndarray) -> np.ndarray | float:
        """Cost of ending beads at source boundary ``i`` and target boundaries ``js``.

        A translation keeps a quotation together: a boundary inside a quotation on one side
        but outside every quotation on the other is rarely a bead boundary.
        """
        if self.src_quoted is None or self.tgt_quoted is None or not self.weights.quote:
            return 0.0
        return self.weights.quote * (self.src_quoted[i] != self.tgt_quoted[js])

    @property
    def sizes(self) -> tuple[int, int]:
        return len(self.src_len), len(self.tgt_len)

    def downsample(self) -> PairFeatures:
        """The document pair with neighbouring sentences summed pairwise on both sides.

        A misplaced boundary between two blocks costs a sentence's length, not a share of the
        block's, so the length prior's spread doubles with the block size.
        """
        coarse = replace(self.weights, length_spread=self.weights.length_spread * 2)
        return PairFeatures([s.downsample() for s in self.signals], _pair_sum(self.src_len),
                            _pair_sum(self.tgt_len), self.ratio, coarse,
                            _every_other(self.src_quoted), _every_other(self.tgt_quoted))

    def window(self, i0: int, i1: int, j0: int, j1: int) -> PairFeatures:
        """The features of source sentences ``i0..i1`` and target sentences ``j0..j1`` alone
        (the document's length ratio and weights kept)."""
        def cut(boundaries: np.ndarray | None, start: int, stop: int) -> np.ndarray | None:
            return None if boundaries is None else boundaries[start:stop + 1]

        signals = [SignalPair(s.name, s.weight, s.src.window(i0, i1), s.tgt.window(j0, j1), s.both_sides)
                   for s in self.signals]
        return PairFeatures(signals, self.src_len[i0:i1], self.tgt_len[j0:j1], self.ratio, self.weights,
                            cut(self.src_quoted, i0, i1), cut(self.tgt_quoted, j0, j1))

    def prepare(self, lo: np.ndarray, hi: np.ndarray) -> None:
        """Compute the sentence-level dot products a DP restricted to rows' ``[lo, hi]`` will read.

        Source sentence ``p`` is needed by rows ``p+1..p+MAX_SPAN``; target spans reach back
        ``MAX_SPAN`` sentences from the row's band. For each signal, row ``p`` of a table holds
        the running sums of ``p``'s dot products along the targets from ``_dot_lo[p]``, so a
        target span's dot product is one subtraction; blocks of source sentences are multiplied
        at once.
        """
        n, m = self.sizes
        rows_lo = np.append(lo[1:], np.full(MAX_SPAN, m))
        rows_hi = np.append(hi[1:], np.zeros(MAX_SPAN, dtype=hi.dtype))
        first = np.lib.stride_tricks.sliding_window_view(rows_lo, MAX_SPAN).min(axis=1)[:n]
        last = np.lib.stride_tricks.sliding_window_view(rows_hi, MAX_SPAN).max(axis=1)[:n]
        c0 = np.maximum(first - MAX_SPAN, 0)
        c1 = np.minimum(last, m)
        width = int(max((c1 - c0).max(initial=0), 0))
        self._dot_lo = c0
        self._dot_width = width
        columns = c0[:, None] + np.arange(width)[None, :]
        inside = columns < np.minimum(c1, m)[:, None]
        self._dots = []
        for sig in self.signals:
            table = np.zeros((n, width + 1))
            for p0 in range(0, n, _BLOCK):
                p1 = min(p0 + _BLOCK, n)
                t0, t1 = int(c0[p0:p1].min()), int(np.minimum(c0[p0:p1] + width, m).max())
                block = _block_product(sig.src.rows, p0, p1, sig.tgt.rows, t0, t1)  # (block, targets)
                local = np.clip(columns[p0:p1] - t0, 0, max(t1 - t0 - 1, 0))
                dots = np.take_along_axis(block, local, axis=1) if t1 > t0 else np.zeros((p1 - p0, width))
                table[p0:p1, 1:] = np.cumsum(np.where(inside[p0:p1], dots, 0.0), axis=1)
            self._dots.append(table)

    def _span_dot(self, k: int, p: np.ndarray, j0: np.ndarray, b: int) -> np.ndarray:
        """Dot products of source sentences ``p`` with the target spans ``[j, j+b)``, signal ``k``."""
        prepared = getattr(self, "_dots", None)
        if prepared is not None:
            start = j0 - self._dot_lo[p]
            if start.min(initial=0) >= 0 and (start + b).max(initial=0) <= self._dot_width:
                table = prepared[k]
                return table[p, start + b] - table[p, start]
        sig = self.signals[k]
        out = np.zeros(len(j0))
        for offset in range(b):
            out += np.einsum("ij,ij->i", _take_rows(sig.src.rows, p), _take_rows(sig.tgt.rows, j0 + offset))
        return out

    def span_scores(self, i0: np.ndarray | int, a: int, j0: np.ndarray, b: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Scores of source spans ``[i, i+a)`` against target spans ``[j, j+b)``, pairwise over ``i0`` and ``j0``.

        ``i0`` is one start or an array shaped like ``j0``. Returns the combined score
        (weighted mean of the content signals that apply, scaled by the length prior) and each
        signal's own score, all arrays shaped like ``j0``.
        """
        j0 = np.asarray(j0)
        i0 = np.broadcast_to(np.asarray(i0), j0.shape)
        total = np.zeros(len(j0))
        weight = np.zeros(len(j0))
        parts: dict[str, np.ndarray] = {}
        for k, sig in enumerate(self.signals):
            span_dot = self._span_dot(k, i0, j0, b)
            for offset in range(1, a):
                span_dot = span_dot + self._span_dot(k, i0 + offset, j0, b)
            src_mass = sig.src.span_mass(i0, a)
            span_mass = sig.tgt.span_mass(j0, b)
            applies = (src_mass > 0) & (span_mass > 0) if sig.both_sides else (src_mass + span_mass) > 0
            score = np.minimum(span_dot / np.sqrt(src_mass * span_mass + 1e-9), 1.0)
            parts[sig.name] = score
            total += np.where(applies, sig.weight * score, 0.0)
            weight += np.where(applies, sig.weight, 0.0)
        src_len = self._src_len_running[i0 + a] - self._src_len_running[i0]
        tgt_len = self._tgt_len_running[j0 + b] - self._tgt_len_running[j0]
        parts["length"] = length_prior(src_len, tgt_len, self.ratio, self.weights.length_spread)
        content = total / np.maximum(weight, 1e-9)
        return content * (1 - self.weights.length + self.weights.length * parts["length"]), parts

    @cached_property
    def _src_len_running(self) -> np.ndarray:
        return _running(self.src_len)

    @cached_property
    def _tgt_len_running(self) -> np.ndarray:
        return _running(self.tgt_len)


def length_prior(src_len: float, tgt_len: np.ndarray | float, ratio: float, spread: float) -> np.ndarray:
    """Gale–Church prior: ``exp(-δ²/2)`` with δ the length mismatch in standard deviations.

    Lengths are compared in the units of the side with more characters per sentence (English
    letters against Chinese characters), so the prior is the same in both directions.
    """
    expected = src_len * ratio
    tgt = np.asarray(tgt_len, dtype=float)
    scale = 1.0 if ratio >= 1 else 1.0 / max(ratio, 1e-3)
    diff = (tgt - expected) * scale
    mean = (tgt + expected) / 2 * scale
    delta = diff / np.sqrt(spread * mean + 1.0)
    return np.exp(-0.5 * delta * delta)


def build_features(src: Sequence[str], tgt: Sequence[str], *, src_lang: str, tgt_lang: str,
                   mt: Sequence[str] | None, dictionary: BilingualDictionary | None,
                   embedder: SentenceEmbedder | None = None, weights: Weights = DEFAULT_WEIGHTS,
                   vectors: tuple[np.ndarray, np.ndarray] | None = None) -> PairFeatures:
    """Per-sentence features of both sides for every signal that can be computed.

    ``embedder`` encodes the MT and the target in one language (``mt-meaning``); ``vectors``
    are cross-lingual sentence vectors of source and target (``meaning``), a zero row for a
    sentence left unencoded (the signal then stays out of that sentence's scores).
    """
    signals: list[SignalPair] = []
    if vectors is not None and weights.meaning:
        signals.append(meaning_signal(*vectors, weights.meaning))
    if mt is not None:
        mt_side = [_sublinear(mt_ngrams(t, tgt_lang)) for t in mt]
        tgt_side = [_sublinear(mt_ngrams(t, tgt_lang)) for t in tgt]
        idf = _idf(mt_side, tgt_side)
        signals.append(SignalPair("mt", weights.mt, _weighted_side(mt_side, idf), _weighted_side(tgt_side, idf)))
        if embedder is not None and weights.mt_meaning:
            signals.append(SignalPair("mt-meaning", weights.mt_meaning, *_meaning_sides(embedder, mt, tgt, tgt_lang)))
    if dictionary is not None and {src_lang, tgt_lang} == {"en", "zh"}:
        en_texts, zh_texts = (src, tgt) if src_lang == "en" else (tgt, src)
        en_side = [dictionary_features_en(t, dictionary) for t in en_texts]
        zh_index = _chinese_index(dictionary)
        zh_pairs = [dictionary_features_zh(t, zh_index) for t in zh_texts]
        en_matrix = SideMatrix(_hash_rows(en_side), np.array([sum(c.values()) for c in en_side], dtype=float))
        zh_matrix = SideMatrix(_hash_rows([c for c, _ in zh_pairs]).clipped(1.0),
                               np.array([n for _, n in zh_pairs], dtype=float))
        src_m, tgt_m = (en_matrix, zh_matrix) if src_lang == "en" else (zh_matrix, en_matrix)
        signals.append(SignalPair("dictionary", weights.dictionary, src_m, tgt_m))
    src_numbers = [number_features(t, src_lang) for t in src]
    tgt_numbers = [number_features(t, tgt_lang) for t in tgt]
    signals.append(SignalPair("numbers", weights.numbers, _plain_side(src_numbers), _plain_side(tgt_numbers)))
    src_len = np.array([text_length(t, src_lang) for t in src], dtype=float)
    tgt_len = np.array([text_length(t, tgt_lang) for t in tgt], dtype=float)
    ratio = float(tgt_len.sum() / max(src_len.sum(), 1.0)) or 1.0
    return PairFeatures(signals, src_len, tgt_len, ratio, weights,
                        quote_states(src, src_lang), quote_states(tgt, tgt_lang))


_CENTRE_FROM = 8  # sentences a side needs before its mean vector is a fair estimate


def _meaning_sides(embedder: SentenceEmbedder, mt: Sequence[str], tgt: Sequence[str],
                   lang: str) -> tuple[SideMatrix, SideMatrix]:
    """Sentence vectors of the MT and of the target side, each centred and renormalised.

    Static sentence vectors share a large common direction, so raw cosines of unrelated
    sentences are high; taking a side's mean out leaves what tells its sentences apart. A
    side too short for a fair mean borrows the other's (both are in ``lang``).
    """
    if lang == "zh":
        mt, tgt = ([_zh_content(t) for t in side] for side in (mt, tgt))
    vectors = [embedder.embed(mt), embedder.embed(tgt)]
    means = [v.mean(axis=0) if len(v) >= _CENTRE_FROM else None for v in vectors]
    sides = []
    for k, v in enumerate(vectors):
        mean = means[k] if means[k] is not None else means[1 - k]
        if mean is not None:
            v = v - mean
            norms = np.linalg.norm(v, axis=1, keepdims=True)
            v = np.divide(v, norms, out=np.zeros_like(v), where=norms > 1e-6)
        sides.append(SideMatrix(v, np.einsum("ij,ij->i", v, v).astype(float)))
    return sides[0], sides[1]


def meaning_signal(src: np.ndarray, tgt: np.ndarray, weight: float) -> SignalPair:
    """The ``meaning`` signal from cross-lingual sentence vectors of both sides (zero rows: not encoded).

    A span's vector is the sum of its sentences' vectors, renormalised (cross terms included),
    and the signal speaks only where both spans hold encoded sentences.
    """
    return SignalPair("meaning", weight, *_vector_sides(src, tgt), both_sides=True)


def _vector_sides(src: np.ndarray, tgt: np.ndarray) -> tuple[SideMatrix, SideMatrix]:
    """Cross-lingual sentence vectors of both sides, each side centred on its encoded rows' mean.

    Each language's vectors share a direction of their own; taking it out leaves what tells
    sentences apart. Rows that were not encoded (zero) stay zero, so they have no mass.
    """
    sides = []
    for v in (src, tgt):
        v = np.asarray(v, dtype=np.float32)
        encoded = np.linalg.norm(v, axis=1) > 1e-6
        if encoded.sum() >= _CENTRE_FROM:
            v = np.where(encoded[:, None], v - v[encoded].mean(axis=0), 0.0).astype(np.float32)
            norms = np.linalg.norm(v, axis=1, keepdims=True)
            v = np.divide(v, norms, out=np.zeros_like(v), where=norms > 1e-6)
        sides.append(SideMatrix(v, np.einsum("ij,ij->i", v, v).astype(float), exact=True))
    return sides[0], sides[1]


def _sublinear(counts: Counter[str]) -> Counter[str]:
    """``1 + log(tf)``: an n-gram repeated within a sentence (a name, a refrain) counts for less."""
    return Counter({gram: 1.0 + math.log(n) for gram, n in counts.items()})


def _weighted_side(counters: Sequence[Counter[str]], idf: dict[str, float]) -> SideMatrix:
    rows = _hash_rows(counters, idf)
    return SideMatrix(rows, rows.squared_norms())


def _plain_side(counters: Sequence[Counter[str]]) -> SideMatrix:
    rows = _hash_rows(counters)
    return SideMatrix(rows, rows.squared_norms())


# dictionary → its reverse table; keyed by the object itself, weakly, so a dictionary dropped
# takes its table with it and a new one at a recycled address is never served the old table
_ZH_INDEXES: weakref.WeakKeyDictionary[BilingualDictionary, dict[str, tuple[str, ...]]] = weakref.WeakKeyDictionary()


def _chinese_index(dictionary: BilingualDictionary) -> dict[str, tuple[str, ...]]:
    """The dictionary's reverse table, built once per dictionary object."""
    table = _ZH_INDEXES.get(dictionary)
    if table is None:
        table = _ZH_INDEXES[dictionary] = dictionary.chinese_index()
    return table


def shared_ngrams(mt_text: str, tgt_text: str, lang: str, *, limit: int = 8) -> tuple[str, ...]:
    """The longest n-grams the MT and the target have in common, for showing as evidence."""
    common = mt_ngrams(mt_text, lang) & mt_ngrams(tgt_text, lang)
    ranked = sorted(common, key=lambda g: (-len(g.strip()), g))
    out: list[str] = []
    for gram in ranked:
        bare = gram.strip()
        if bare and not any(bare in kept for kept in out):
            out.append(bare)
        if len(out) == limit:
            break
    return tuple(out)


__all__ = ["Weights", "DEFAULT_WEIGHTS", "LEXICAL_WEIGHTS", "SparseRows", "meaning_signal", "GAPPY_WEIGHTS", "GAPPY_REFINED_WEIGHTS", "PairFeatures", "build_features",
           "quote_states", "mt_ngrams", "number_features", "dictionary_features_en", "dictionary_features_zh",
           "length_prior", "shared_ngrams", "text_length"]
