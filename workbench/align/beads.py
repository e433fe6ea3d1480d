"""The one alignment shape: a bead, its evidence, and how beads are written and read.

A bead pairs a tuple of source sentence ids with a tuple of target sentence ids (0-based;
either may be empty for a sentence with no counterpart). Aligner, store, export, UI and
scorer all pass the same :class:`Bead`; the text form is one bead per line,
``[src ids]:[tgt ids]``, as Vecalign and Bertalign write it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from workbench.dictionary import TermMatch
from workbench.errors import InputError

__all__ = ["Evidence", "Bead", "NewsLink", "LookupHit", "AlignmentSignature", "format_bead", "parse_beads", "swap_sides"]


@dataclass(frozen=True)
class Evidence:
    """Why two spans were linked: what matched, and each signal's sub-score (0..1)."""

    terms: tuple[TermMatch, ...] = ()
    numbers: tuple[str, ...] = ()  # canonical values written on both sides (see workbench.numbers)
    ngrams: tuple[str, ...] = ()  # strongest character n-grams shared by the MT and the target
    length_ratio: float = 0.0  # target characters / (source characters × the document's usual ratio)
    signals: dict[str, float] = field(default_factory=dict)
    # The characters [start, end) of the English sentence this link covers, when it covers one
    # clause or quote of it rather than the whole sentence.
    span: tuple[int, int] | None = None

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output (``span`` only when the link covers part of its sentence)."""
        out = {"terms": [t.to_dict() for t in self.terms], "numbers": list(self.numbers),
               "ngrams": list(self.ngrams), "length_ratio": round(self.length_ratio, 3),
               "signals": {k: round(v, 4) for k, v in self.signals.items()}}
        if self.span is not None:
            out["span"] = list(self.span)
        return out

    @classmethod
    def from_dict(cls, data: dict | None) -> Evidence:
        """The evidence :meth:`to_dict` wrote (as stored or exported); missing fields take defaults."""
        data = data or {}
        terms = tuple(TermMatch(str(t.get("en", "")), str(t.get("zh", "")), str(t.get("source", "")),
                                int(t.get("en_start", 0)), int(t.get("zh_start", 0)))
                      for t in data.get("terms", ()) if isinstance(t, dict))
        span = data.get("span")
        return cls(terms, tuple(str(n) for n in data.get("numbers", ())), tuple(str(g) for g in data.get("ngrams", ())),
                   float(data.get("length_ratio", 0.0)),
                   {str(k): float(v) for k, v in (data.get("signals") or {}).items()},
                   (int(span[0]), int(span[1])) if span else None)


@dataclass(frozen=True)
class Bead:
    """Source sentences ``src`` aligned with target sentences ``tgt`` (either may be empty)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0
    evidence: Evidence = field(default_factory=Evidence)

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output."""
        return {"src": list(self.src), "tgt": list(self.tgt), "score": round(self.score, 4),
                "evidence": self.evidence.to_dict()}


@dataclass(frozen=True)
class NewsLink:
    """An English segment (a sentence, or a quoted span inside it) and its official wording, if any.

    ``doc_id is None`` and an empty ``tgt`` mean "no counterpart".
    """

    src: tuple[int, ...]
    src_text: str
    quote: str | None
    doc_id: str | None
    tgt: tuple[int, ...]
    tgt_text: str
    score: float
    evidence: Evidence

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output (the ``workbench align ARTICLE`` line format)."""
        return {"src": list(self.src), "src_text": self.src_text, "quote": self.quote, "doc_id": self.doc_id,
                "tgt": list(self.tgt), "tgt_text": self.tgt_text, "score": round(self.score, 4),
                "evidence": self.evidence.to_dict()}


@dataclass(frozen=True)
class LookupHit:
    """One official sentence found for a phrase: where it is, what it says, how well it matches."""

    doc_id: str
    index: int
    sentence: str
    score: float
    evidence: Evidence

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output."""
        return {"doc_id": self.doc_id, "index": self.index, "sentence": self.sentence,
                "score": round(self.score, 4), "evidence": self.evidence.to_dict()}


@dataclass(frozen=True)
class AlignmentSignature:
    """What produced an alignment, as one ``key:value|…`` string (in the manner of sacrebleu)."""

    mode: str
    signals: tuple[str, ...]
    max_bead: int
    mt: str  # "file", "engine:<model>" or "none"
    version: str = "3"

    def __str__(self) -> str:
        return (f"mode:{self.mode}|signals:{'+'.join(self.signals)}|max-bead:{self.max_bead}"
                f"|mt:{self.mt}|version:{self.version}")


def format_bead(bead: Bead) -> str:
    """``[0,1]:[2]`` — the bead's ids without spaces."""
    return f"[{','.join(map(str, bead.src))}]:[{','.join(map(str, bead.tgt))}]"


_BEAD_LINE = re.compile(r"^\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]$")


def parse_beads(lines: Iterable[str], *, name: str = "alignment") -> list[Bead]:
    """Read ``[src ids]:[tgt ids]`` lines (blank lines skipped); raises :class:`InputError` on a bad line."""
    beads = []
    for lineno, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue
        m = _BEAD_LINE.match(line)
        if not m:
            raise InputError(f"{name}:{lineno}: {line[:40]!r} is not a bead like [0,1]:[2]; fix the line")
        beads.append(Bead(_ids(m.group(1)), _ids(m.group(2))))
    return beads


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.replace(" ", "").split(",") if x)


def swap_sides(beads: Sequence[Bead]) -> list[Bead]:
    """The same beads read from the other side (target becomes source)."""
    return [Bead(b.tgt, b.src, b.score, b.evidence) for b in beads]
