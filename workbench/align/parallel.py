"""Parallel mode: monotone alignment of a document and its translation, as Vecalign/Bertalign do.

Stages:

1. **features** — per-sentence features of every signal (:mod:`workbench.align.signals`);
2. **coarse path** — while the document is long, sum neighbouring sentences pairwise and
   align the half-size document first (recursively, Vecalign's multi-resolution search);
3. **banded DP** — dynamic programming over beads of up to 6 sentences, at most 5 a side
   (1-1, 1-2, 2-1, 2-2, 1-3, 3-1, 1-4, 4-1, 2-3, 3-2, 1-5, 5-1 and null beads; Bertalign
   stops at 5 sentences, but literary translations have 1-5 beads), restricted to a band
   around the coarse path projected back, so time grows linearly;
4. **beads** — the best path, each bead with its score and evidence.

A long pair is aligned on the lexical signals first; the backward recursion beside the
forward one gives each bead its margin (how close the best alternative came,
:func:`align_with_margins`), and only small windows around the closest choices are encoded
and aligned again with the meaning signal (:func:`uncertain_windows`, :func:`realign_windows`).

The programme maximises the sum of bead scores (plus ``Weights.bead_bonus`` per linked bead);
a null bead scores ``Weights.skip``, and a bead boundary inside a quotation on one side only
costs ``Weights.quote``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from workbench.align.beads import Bead
from workbench.align.signals import GAPPY_REFINED_WEIGHTS, GAPPY_WEIGHTS, MAX_SPAN, PairFeatures

# (source sentences, target sentences) per bead; null beads are handled apart.
BEAD_TYPES = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 4), (4, 1), (2, 3), (3, 2), (1, 5), (5, 1), (1, 0))
MAX_BEAD = MAX_SPAN
BAND = 8  # sentences either side of the projected coarse path
FULL_DP_CELLS = 20_000  # below this many cells the whole matrix is searched at once

Step = tuple[int, int, int, int]  # i0, a, j0, b


def align_features(features: PairFeatures) -> list[Step]:
    """The best monotone path through the document pair, as ``(i0, a, j0, b)`` steps."""
    n, m = features.sizes
    if n == 0 or m == 0:
        return [(i, 1, 0, 0) for i in range(n)] + [(n, 0, j, 1) for j in range(m)]
    return _banded_dp(features, *_band(features))


def _band(features: PairFeatures) -> tuple[np.ndarray, np.ndarray]:
    """The band the fine search keeps to: the whole matrix when it is small, else around the coarse path."""
    n, m = features.sizes
    if (n + 1) * (m + 1) <= FULL_DP_CELLS:
        return np.zeros(n + 1, dtype=int), np.full(n + 1, m, dtype=int)
    return _band_around(align_features(features.downsample()), n, m)


def align_with_gaps(features: PairFeatures) -> list[Step]:
    """The best path where many sentences have no counterpart, in two passes.

    Sentences without counterpart skew the document's length ratio, so the first pass
    trusts length less and lets null beads win over weak links; the second measures the
    ratio on what the first linked and aligns again with the usual length prior.
    """
    with_meaning = any(s.name == "meaning" for s in features.signals)
    passes = [w if with_meaning else w.lexical() for w in (GAPPY_WEIGHTS, GAPPY_REFINED_WEIGHTS)]
    first = align_features(replace(features, weights=passes[0]))
    src_chars = sum(float(features.src_len[i0:i0 + a].sum()) for i0, a, _j0, b in first if a and b)
    tgt_chars = sum(float(features.tgt_len[j0:j0 + b].sum()) for _i0, a, j0, b in first if a and b)
    if not src_chars or not tgt_chars:
        return first
    return align_features(replace(features, ratio=tgt_chars / src_chars, weights=passes[1]))


def _band_around(coarse: list[Step], n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row ``i`` the target range ``[lo[i], hi[i]]`` around a half-resolution path, widened."""
    lo = np.full(n + 1, m, dtype=int)
    hi = np.zeros(n + 1, dtype=int)
    for i0, a, j0, b in coarse:
        r0, r1 = min(2 * i0, n), min(2 * (i0 + a), n)
        c0, c1 = min(2 * j0, m), min(2 * (j0 + b), m)
        lo[r0:r1 + 1] = np.minimum(lo[r0:r1 + 1], c0)
        hi[r0:r1 + 1] = np.maximum(hi[r0:r1 + 1], c1)
    lo = np.maximum(lo - BAND, 0)
    hi = np.minimum(hi + BAND, m)
    # Monotone bands that overlap row to row always leave a path from (0, 0) to (n, m).
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    return lo, hi


def _banded_dp(features: PairFeatures, lo: np.ndarray, hi: np.ndarray) -> list[Step]:
    """Best path with row ``i`` limited to targets ``lo[i]..hi[i]`` (0/1 beads folded in per row)."""
    _gains, _best, came = _forward(features, lo, hi)
    return _backtrack(came, lo, features.sizes[0], int(hi[-1]))


def _forward(features: PairFeatures, lo: np.ndarray, hi: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """The forward recursion: each bead type's gains, the best prefix score of every band cell
    (rows padded by the band's width of -inf either side) and the bead type that reached it.

    Every bead type's scores over the whole band are computed first, in one vectorised call
    per type (:func:`_band_gains`); the row recursion then only adds and compares rows.
    """
    n, _m = features.sizes
    skip = features.weights.skip
    features.prepare(lo, hi)
    widths = hi - lo + 1
    width = int(widths.max())
    gains = _band_gains(features, lo, hi, width)
    # Rows are padded by ``width`` cells of -inf either side, so a shifted read is one slice.
    best = np.full((n + 1, 3 * width), -np.inf)
    came = np.full((n + 1, width), -1, dtype=np.int8)  # bead type index, or -1 for a 0-1 bead from the left
    steps_along = np.arange(width) * skip
    for i in range(n + 1):
        size = int(widths[i])
        incoming = np.full(size, -np.inf)
        kind = np.full(size, -1, dtype=np.int8)
        if i == 0:
            incoming[0] = 0.0
        for t, (a, b) in enumerate(BEAD_TYPES):
            if a > i:
                continue
            shift = int(lo[i] - b - lo[i - a])
            if shift >= width or shift <= -size:
                continue
            candidate = best[i - a, width + shift:width + shift + size] + gains[t][i, :size]
            better = candidate > incoming
            incoming[better] = candidate[better]
            kind[better] = t
        incoming -= features.boundary_cost(i, np.arange(lo[i], hi[i] + 1))
        # A 0-1 bead moves right along the row: best[j] = max_k incoming[k] + (j - k) * skip.
        lifted = incoming - steps_along[:size]
        running = np.maximum.accumulate(lifted)
        kind[lifted < running] = -1
        best[i, width:width + size] = running + steps_along[:size]
        came[i, :size] = kind
    return gains, best, came


def align_with_margins(features: PairFeatures) -> tuple[list[Step], np.ndarray]:
    """The best path (as :func:`align_features`) and each step's margin: how much less the best
    path scores that places either end of the step elsewhere (0 where two paths tie).

    A boundary's margin comes from the forward and backward recursions over the band: the
    best path through a cell scores ``forward + backward``; the path's own cells score the
    optimum, and the best cell off the path in the same source row (or target column) says how
    close the alternative is. A step's margin is the smaller of its two ends'.
    """
    n, m = features.sizes
    if n == 0 or m == 0:
        steps = align_features(features)
        return steps, np.zeros(len(steps))
    lo, hi = _band(features)
    gains, best, came = _forward(features, lo, hi)
    steps = _backtrack(came, lo, n, m)
    width = best.shape[1] // 3
    through = best[:, width:2 * width] + _backward(features, gains, lo, hi, width)
    total = best[n, width + m - lo[n]]
    widths = hi - lo + 1
    rows = np.repeat(np.arange(n + 1), widths)
    cols = np.concatenate([np.arange(lo[i], hi[i] + 1) for i in range(n + 1)])
    values = through[rows, cols - lo[rows]]
    on_path = np.zeros((n + 1, width), dtype=bool)
    ends = [(0, 0)] + [(i0 + a, j0 + b) for i0, a, j0, b in steps]
    for i, j in ends:
        on_path[i, j - lo[i]] = True
    values = np.where(on_path[rows, cols - lo[rows]], -np.inf, values)
    row_best = np.full(n + 1, -np.inf)
    col_best = np.full(m + 1, -np.inf)
    np.maximum.at(row_best, rows, values)
    np.maximum.at(col_best, cols, values)
    margin = [min(total - row_best[i], total - col_best[j]) for i, j in ends]
    return steps, np.maximum(np.minimum(margin[:-1], margin[1:]), 0.0)


def _backward(features: PairFeatures, gains: list[np.ndarray], lo: np.ndarray, hi: np.ndarray,
              width: int) -> np.ndarray:
    """Best suffix score from every band cell ``(i, lo[i] + k)`` to the end, the mirror of :func:`_forward`."""
    n, _m = features.sizes
    skip = features.weights.skip
    widths = hi - lo + 1
    after = np.full((n + 1, width), -np.inf)
    steps_along = np.arange(width) * skip
    # A row's suffix scores less the cost of a bead ending there, once per row; a scratch row
    # padded with -inf takes each bead type's gains so a shifted read is one slice.
    arrive = np.full((n + 1, width), -np.inf)
    scratch = np.full(3 * width, -np.inf)
    for i in range(n, -1, -1):
        size = int(widths[i])
        leaving = np.full(size, -np.inf)
        if i == n:
            leaving[size - 1] = 0.0
        for t, (a, b) in enumerate(BEAD_TYPES):
            nxt = i + a
            if nxt > n:
                continue
            shift = int(lo[i] + b - lo[nxt])  # cell k of row i reaches cell k + shift of row i + a
            reach = int(widths[nxt])
            if shift >= reach or shift <= -size:
                continue
            scratch[width:2 * width] = -np.inf
            np.add(arrive[nxt, :reach], gains[t][nxt, :reach], out=scratch[width:width + reach])
            np.maximum(leaving, scratch[width + shift:width + shift + size], out=leaving)
        # A 0-1 bead moves right along the row: after[k] = max_{k' >= k} leaving[k'] + (k' - k) * skip.
        lifted = leaving + steps_along[:size]
        running = np.maximum.accumulate(lifted[::-1])[::-1]
        after[i, :size] = running - steps_along[:size]
        arrive[i, :size] = after[i, :size] - features.boundary_cost(i, np.arange(lo[i], hi[i] + 1))
    return after


def _band_gains(features: PairFeatures, lo: np.ndarray, hi: np.ndarray, width: int) -> list[np.ndarray]:
    """Per bead type, the gain of ending that bead at each band cell ``(i, lo[i] + k)`` (-inf where none).

    A linked bead gains its score plus ``Weights.bead_bonus``; a 1-0 bead gains ``Weights.skip``.
    """
    n, _m = features.sizes
    rows = np.arange(n + 1)[:, None]
    cols = lo[:, None] + np.arange(width)[None, :]
    in_band = cols <= hi[:, None]
    gains = []
    for a, b in BEAD_TYPES:
        gain = np.full((n + 1, width), -np.inf)
        start_row = np.maximum(rows - a, 0)
        prev_j = cols - b
        ok = in_band & (rows >= a) & (prev_j >= lo[start_row]) & (prev_j <= hi[start_row])
        if ok.any():
            if b == 0:
                gain[ok] = features.weights.skip
            else:
                i0 = (rows - a + np.zeros_like(cols))[ok]
                scores, _ = features.span_scores(i0, a, prev_j[ok], b)
                size = ((a + b) / 2) ** features.weights.size_power
                gain[ok] = scores * size + features.weights.bead_bonus
        gains.append(gain)
    return gains


def _backtrack(came: np.ndarray, lo: np.ndarray, n: int, m: int) -> list[Step]:
    steps: list[Step] = []
    i, j = n, m
    while i > 0 or j > 0:
        t = came[i][j - lo[i]]
        if t < 0:
            steps.append((i, 0, j - 1, 1))
            j -= 1
            continue
        a, b = BEAD_TYPES[t]
        steps.append((i - a, a, j - b, b))
        i, j = i - a, j - b
    steps.reverse()
    return steps


def steps_to_beads(steps: Sequence[Step], features: PairFeatures) -> list[Bead]:
    """Beads of a path, each with its combined score (null beads score 0), scored per bead type at once."""
    scores, _parts = step_scores(steps, features)
    return [Bead(tuple(range(i0, i0 + a)), tuple(range(j0, j0 + b)), float(score))
            for (i0, a, j0, b), score in zip(steps, scores)]


def step_scores(steps: Sequence[Step], features: PairFeatures) -> tuple[np.ndarray, list[dict[str, float]]]:
    """Each step's combined score and its signals' own scores (empty for null beads), one
    vectorised call per bead type rather than one per bead."""
    scores = np.zeros(len(steps))
    parts: list[dict[str, float]] = [{} for _ in steps]
    by_type: dict[tuple[int, int], list[int]] = {}
    for k, (_i0, a, _j0, b) in enumerate(steps):
        if a and b:
            by_type.setdefault((a, b), []).append(k)
    for (a, b), ks in by_type.items():
        i0 = np.array([steps[k][0] for k in ks])
        j0 = np.array([steps[k][2] for k in ks])
        scores[ks], signals = features.span_scores(i0, a, j0, b)
        for name, values in signals.items():
            for k, value in zip(ks, values.tolist()):
                parts[k][name] = value
    return scores, parts


def uncertain_windows(beads: Sequence[Bead], margins: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Stretches of ``beads`` (as ``[start, stop)`` bead indices) to align again with more evidence.

    Beads are taken closest choice first (smallest ``margins``, from :func:`align_with_margins`),
    each with the bead either side, so that its boundaries can move; windows grow while their
    sentences (both sides) stay within ``budget``. Overlapping windows are joined.
    """
    chosen = np.zeros(len(beads), dtype=bool)
    sizes = np.array([len(b.src) + len(b.tgt) for b in beads])
    used = 0
    for k in np.argsort(margins, kind="stable"):
        w0, w1 = max(int(k) - 1, 0), min(int(k) + 2, len(beads))
        extra = int(sizes[w0:w1][~chosen[w0:w1]].sum())
        if used + extra > budget:
            break
        chosen[w0:w1] = True
        used += extra
    windows: list[tuple[int, int]] = []
    for k in np.flatnonzero(chosen):
        if windows and windows[-1][1] == k:
            windows[-1] = (windows[-1][0], int(k) + 1)
        else:
            windows.append((int(k), int(k) + 1))
    return windows


def realign_windows(beads: Sequence[Bead], windows: Sequence[tuple[int, int]], features: PairFeatures) -> list[Bead]:
    """``beads`` with each window's stretch aligned again on ``features`` (outside them, unchanged)."""
    out: list[Bead] = []
    last = 0
    for w0, w1 in windows:
        out.extend(beads[last:w0])
        src = [i for b in beads[w0:w1] for i in b.src]
        tgt = [j for b in beads[w0:w1] for j in b.tgt]
        last = w1
        if not src or not tgt:
            out.extend(beads[w0:w1])
            continue
        i0, j0 = src[0], tgt[0]
        part = features.window(i0, src[-1] + 1, j0, tgt[-1] + 1)
        for bead in steps_to_beads(align_features(part), part):
            out.append(Bead(tuple(i + i0 for i in bead.src), tuple(j + j0 for j in bead.tgt), bead.score))
    out.extend(beads[last:])
    return out
