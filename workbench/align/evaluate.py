"""Scoring a sentence alignment against gold beads, the way Vecalign and Bertalign report it.

Strict and lax precision/recall/F1 on beads (counts pooled over documents before dividing),
plus two per-sentence measures that news alignment needs: whether each source sentence's
set of target sentences equals the gold set exactly, and precision/recall/F1 of the
"no counterpart" decision (an empty set).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from workbench.align.beads import Bead
from workbench.errors import FileNotFoundWorkbenchError, InputError

IdBead = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass
class Counts:
    """Pooled counts over documents; :meth:`scores` turns them into figures."""

    p_strict_hit: int = 0
    p_strict_miss: int = 0
    p_lax_hit: int = 0
    p_lax_miss: int = 0
    r_strict_hit: int = 0
    r_strict_miss: int = 0
    r_lax_hit: int = 0
    r_lax_miss: int = 0
    sentences: int = 0
    exact_sets: int = 0
    none_true_positive: int = 0
    none_predicted: int = 0
    none_gold: int = 0

    def add(self, other: Counts) -> None:
        """Pool another document's counts into these."""
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def scores(self) -> dict[str, float]:
        """Strict/lax P, R, F1, sentence exact match, and no-counterpart P, R, F1 (0/0 counts as 0)."""
        out: dict[str, float] = {}
        for level in ("strict", "lax"):
            p = _ratio(getattr(self, f"p_{level}_hit"), getattr(self, f"p_{level}_hit") + getattr(self, f"p_{level}_miss"))
            r = _ratio(getattr(self, f"r_{level}_hit"), getattr(self, f"r_{level}_hit") + getattr(self, f"r_{level}_miss"))
            out[f"{level}_precision"], out[f"{level}_recall"], out[f"{level}_f1"] = p, r, _f1(p, r)
        out["sentence_exact"] = _ratio(self.exact_sets, self.sentences)
        p = _ratio(self.none_true_positive, self.none_predicted)
        r = _ratio(self.none_true_positive, self.none_gold)
        out["none_precision"], out["none_recall"], out["none_f1"] = p, r, _f1(p, r)
        return out


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _as_ids(beads: Sequence[Bead | IdBead]) -> set[IdBead]:
    out = set()
    for bead in beads:
        src, tgt = (bead.src, bead.tgt) if isinstance(bead, Bead) else bead
        if src or tgt:
            out.add((tuple(src), tuple(tgt)))
    return out


def _judge(test: set[IdBead], gold: set[IdBead]) -> tuple[int, int, int, int]:
    """Strict hits, strict misses, lax hits, lax misses of ``test`` beads judged against ``gold``."""
    ref: dict[int, set[int]] = defaultdict(set)
    for src, tgt in gold:
        for s in src:
            ref[s].update(tgt)
    strict_hit = strict_miss = lax_hit = lax_miss = 0
    for src, tgt in test:
        if (src, tgt) in gold:
            strict_hit += 1
            lax_hit += 1
            continue
        strict_miss += 1
        reachable = set().union(*(ref[s] for s in src)) if src else set()
        if reachable.intersection(tgt):
            lax_hit += 1
        else:
            lax_miss += 1
    return strict_hit, strict_miss, lax_hit, lax_miss


def _targets_by_source(beads: set[IdBead]) -> dict[int, frozenset[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for src, tgt in beads:
        for s in src:
            out[s].update(tgt)
    return {s: frozenset(t) for s, t in out.items()}


def score_document(test: Sequence[Bead | IdBead], gold: Sequence[Bead | IdBead]) -> Counts:
    """Counts for one document (pool them with :meth:`Counts.add`)."""
    test_ids, gold_ids = _as_ids(test), _as_ids(gold)
    counts = Counts()
    (counts.p_strict_hit, counts.p_strict_miss,
     counts.p_lax_hit, counts.p_lax_miss) = _judge(test_ids, gold_ids)
    test_full = {b for b in test_ids if b[0] and b[1]}
    gold_full = {b for b in gold_ids if b[0] and b[1]}
    (counts.r_strict_hit, counts.r_strict_miss,
     counts.r_lax_hit, counts.r_lax_miss) = _judge(gold_full, test_full)
    predicted, expected = _targets_by_source(test_ids), _targets_by_source(gold_ids)
    for s in set(predicted) | set(expected):
        pred, gold_set = predicted.get(s, frozenset()), expected.get(s, frozenset())
        counts.sentences += 1
        counts.exact_sets += pred == gold_set
        counts.none_predicted += not pred
        counts.none_gold += not gold_set
        counts.none_true_positive += not pred and not gold_set
    return counts


def score_documents(pairs: Sequence[tuple[Sequence[Bead | IdBead], Sequence[Bead | IdBead]]]) -> dict[str, float]:
    """Pooled scores over ``(test, gold)`` pairs of documents."""
    total = Counts()
    for test, gold in pairs:
        total.add(score_document(test, gold))
    return total.scores()


def merge_within_units(beads: Sequence[Bead], src_units: Sequence[str], tgt_units: Sequence[str]) -> list[Bead]:
    """Merge consecutive beads whose sentences all fall inside one unit (a Bible verse).

    ``src_units[i]`` names the unit of source sentence ``i``, likewise for the target.
    """
    merged: list[Bead] = []
    merged_unit: str | None = None
    for bead in beads:
        units = {src_units[i] for i in bead.src} | {tgt_units[j] for j in bead.tgt}
        unit = next(iter(units)) if len(units) == 1 else None
        if merged and unit is not None and unit == merged_unit:
            last = merged[-1]
            merged[-1] = Bead(tuple(sorted(last.src + bead.src)), tuple(sorted(last.tgt + bead.tgt)), last.score)
        else:
            merged.append(bead)
            merged_unit = unit
    return merged


def drop_counterparts(src: Sequence[str], gold: Sequence[Bead], *, share: float, seed: int,
                      mt: Sequence[str] | None = None) -> tuple[list[str], list[Bead], list[str] | None]:
    """A news-like test from a parallel one: the source side of about ``share`` of the linked
    gold beads is removed, so their target sentences are left without counterpart.

    Returns the remaining source sentences, the gold renumbered to them, and their MT lines.
    The same ``seed`` removes the same beads.
    """
    rng = random.Random(seed)
    dropped = {i for bead in gold if bead.src and bead.tgt and rng.random() < share for i in bead.src}
    kept = [i for i in range(len(src)) if i not in dropped]
    renumber = {old: new for new, old in enumerate(kept)}
    gold_left = [Bead(tuple(renumber[i] for i in b.src if i in renumber), b.tgt) for b in gold]
    return [src[i] for i in kept], gold_left, [mt[i] for i in kept] if mt is not None else None


def evaluate_folders(gold_dir: str | Path, pred_dir: str | Path, *, src_units: str | Path | None = None,
                     tgt_units: str | Path | None = None) -> dict[str, float]:
    """Pooled scores of every ``pred_dir/NAME.align`` against ``gold_dir/NAME.align``.

    With unit files (one unit id per line of each side), predicted beads inside one unit are
    merged first, as Bible verse gold requires.
    """
    from workbench.align.beads import parse_beads
    from workbench.align.mt import read_lines

    gold_dir, pred_dir = Path(gold_dir), Path(pred_dir)
    for folder, what in ((gold_dir, "--gold"), (pred_dir, "--pred")):
        if not folder.is_dir():
            raise FileNotFoundWorkbenchError(f"{what} folder {folder} not found; give a folder of .align files")
    gold_files = sorted(gold_dir.glob("*.align"))
    if not gold_files:
        raise InputError(f"{gold_dir} holds no .align files; give the folder of gold alignments")
    missing = [f.name for f in gold_files if not (pred_dir / f.name).is_file()]
    if missing:
        raise InputError(f"{pred_dir} lacks {', '.join(missing[:3])}; align those documents first")
    if (src_units is None) != (tgt_units is None):
        raise InputError("give both --src-units and --tgt-units, or neither")
    units = (read_lines(src_units), read_lines(tgt_units)) if src_units is not None else None
    pairs = []
    for gold_file in gold_files:
        gold = parse_beads(gold_file.read_text(encoding="utf-8").splitlines(), name=str(gold_file))
        pred_file = pred_dir / gold_file.name
        pred = parse_beads(pred_file.read_text(encoding="utf-8").splitlines(), name=str(pred_file))
        if units is not None:
            pred = merge_within_units(pred, *units)
        pairs.append((pred, gold))
    return score_documents(pairs)
