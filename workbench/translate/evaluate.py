"""Corpus scores for Chinese output: sacrebleu BLEU with its Chinese tokenizer, and chrF.

BLEU on Chinese must use ``tokenize="zh"`` (each Chinese character a token); the default
13a tokenizer would treat a whole unspaced sentence as one word. chrF counts character
n-grams only (``word_order=0``), which needs no segmentation at all. Each score carries
sacrebleu's signature so figures stay comparable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import FileNotFoundWorkbenchError, InputError
from workbench.jsonl import read_records
from workbench.text.encoding import utf8_lines

__all__ = ["Score", "score_corpus", "read_lines"]


@dataclass(frozen=True)
class Score:
    """One metric's corpus score with sacrebleu's signature (``nrefs:1|…|tok:zh|…``)."""

    name: str
    score: float
    signature: str
    details: str


def score_corpus(hypotheses: Sequence[str], references: Sequence[str]) -> list[Score]:
    """BLEU (tokenize=zh) and chrF (character n-grams) of ``hypotheses`` against one reference each."""
    from sacrebleu.metrics import BLEU, CHRF

    if len(hypotheses) != len(references):
        raise InputError(f"{len(hypotheses)} hypotheses but {len(references)} references; "
                         "give files with one line (or record) per segment, in the same order")
    if not hypotheses:
        raise InputError("no segments to score; give non-empty hypothesis and reference files")
    scores = []
    for metric in (BLEU(tokenize="zh"), CHRF(word_order=0)):
        result = metric.corpus_score(list(hypotheses), [list(references)])
        scores.append(Score(result.name, round(result.score, 2), str(metric.get_signature()), str(result)))
    return scores


def read_lines(path: str | Path, fields: Sequence[str]) -> list[str]:
    """Segments of a text file (one per line) or a JSONL file (the first of ``fields`` present)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundWorkbenchError(f"{path}: no such file; check the path and try again")
    if path.suffix.lower() != ".jsonl":
        return [line.rstrip("\r\n") for line in utf8_lines(path)]  # split at line ends only, not at U+2028
    segments = []
    for number, record in read_records(path):
        field = next((f for f in fields if f in record), None)
        if field is None:
            raise InputError(f"{path.name}, line {number}: no {' or '.join(map(repr, fields))} field; "
                             "give records with one of them")
        segments.append(str(record[field]))
    return segments
