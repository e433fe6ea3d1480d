"""News mode: find the official wording behind the sentences and quotes of a news article.

Stages:

1. **index** — every Chinese sentence of the corpus is reduced to the (stemmed) English
   dictionary keys its words gloss, its numbers and dates, and its sentence vector
   (:class:`NewsIndex`; documents are added one at a time, so adding one to a large corpus
   costs only that document, and vectors are kept by text hash, so nothing is encoded twice);
2. **retrieve** — documents are ranked by the idf-weighted keys and numbers they share with
   the article (or the reviewer names one);
3. **link** — each English sentence, and each quote and reported clause inside it as its own
   unit, is linked to the 0..k Chinese sentences of the retrieved documents that best
   account for it, in any order; below the unit's threshold (:meth:`Unit.threshold`) the
   answer is "no counterpart".

Units are a sentence, each quoted span inside it, and each reported or coordinated clause
(``…,” and noted that the United States would …``; ``…, following meetings in London …``),
the speaker and the reporting verb left out: one sentence may report several official
statements, and each clause link records the characters of the sentence it covers
(``Evidence.span``). :class:`NewsAligner` runs the stages; look-up scores one phrase against
every sentence of the corpus in the same way.

The unit score fuses evidence and meaning (:class:`NewsWeights`): an F-measure of the share
of the unit's English (weighted by idf) whose Chinese equivalent is present against the
share of the sentence's dictionary words accounted for (words compared by stem, so
``communication`` meets 沟通 glossed "communicate"); shared numbers; when available, MT
character overlap; and the cross-lingual sentence vectors (:mod:`workbench.embeddings`,
``use-m``) read as a *margin*, not a raw cosine. Every sentence on the same topic scores
0.45–0.6 against every other, so what tells the rendering from its neighbours is how far
its cosine stands above the neighbourhoods of both sides (the ratio-margin idea of LASER
and Vecalign): ``cos(x, y) − (knn(x) + knn(y)) / 2``, where ``knn(x)`` is the mean cosine
of ``x`` with its ``k`` nearest candidates and ``knn(y)`` that of ``y`` with its ``k``
nearest English units. A long sentence that is near everything (a reporter's question
that sums up the news) is a hub: its own neighbourhood is high, and its margin low.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import astuple, dataclass, field
from pathlib import Path

import numpy as np

from workbench.align.base import Aligner, check_sentences
from workbench.align.beads import AlignmentSignature, Evidence, LookupHit, NewsLink
from workbench.align.mt import check_mt_lines
from workbench.align.signals import mt_ngrams, number_features
from workbench.corpus import OfficialCorpus, OfficialDocument
from workbench.dictionary import BilingualDictionary, stem_key
from workbench.embeddings import Embedder
from workbench.errors import InputError
from workbench.text.en import english_tokens
from workbench.text.zh import cjk_count


@dataclass(frozen=True)
class NewsWeights:
    """News linking's thresholds and signal weights (tuned on the demo article and the look-up
    dev set of ``benchmarks/lookup_dev.py`` only); in the signature."""

    link_threshold: float = 0.33  # below this a unit has no counterpart
    # A sentence with no sign of reported speech (no quote, no "said", "announced", "according
    # to", no ministry or spokesperson named) is less likely to carry official wording: a
    # headline or an analyst's summary on the same topic. It needs this much more to link.
    unreported_extra: float = 0.05
    extra_target_gain: float = 0.05  # a further Chinese sentence joins a link only if it raises the score this much
    dictionary: float = 1.0
    numbers: float = 1.0
    mt: float = 1.0
    meaning: float = 0.5
    meaning_neighbours: int = 4  # k of the margin's neighbourhoods
    meaning_margin: float = 0.15  # a margin this far above both neighbourhoods maps to 1 (0 and below to 0)
    numbers_full_idf: float = 4.0  # numbers whose idf sums to this count fully; a lone "1" counts little
    clause_tokens: int = 5  # fewest words a clause needs to be a unit of its own

    def signature(self) -> str:
        """The weights as one short hash."""
        from workbench.signature import short_hash

        return short_hash(repr(v) for v in astuple(self))


DEFAULT_NEWS_WEIGHTS = NewsWeights()
LINK_THRESHOLD = DEFAULT_NEWS_WEIGHTS.link_threshold
EXTRA_TARGET_GAIN = DEFAULT_NEWS_WEIGHTS.extra_target_gain
MAX_TARGETS = 3
TOP_DOCUMENTS = 3
PARALLEL_SHARE = 0.5  # auto mode: share of sentences linked into one document for a translation ...
PARALLEL_ORDER = 0.8  # ... and share of consecutive links that keep that document's order
_QUOTE = re.compile(r"“([^”]{12,})”|\"([^\"]{12,})\"")
# Where a reported or coordinated clause starts: "…,” and noted that", ", following", "; and".
# A reporting verb and its "that" are left out of the clause they introduce, so that the unit
# is the statement itself ("the United States would …", "ongoing close communication …").
_REPORTING = (r"(?:noted|said|added|stated|announced|stressed|confirmed|reported|emphasi[sz]ed|pledged|agreed|"
              r"indicated|revealed|disclosed)")
_CLAUSE_START = re.compile(
    r"(?:[,;]\s*[”\"]?\s*|\s+)(?:and\s+|while\s+|but\s+)?(?:also\s+)?" + _REPORTING + r"\s+that\s+"
    r"|\b(?:has|have|had)\s+(?:also\s+)?" + _REPORTING + r"\s+(?!that\b|on\b|in\b|to\b|by\b)"
    r"|(?:[,;]\s*[”\"]?\s*|\s+)(?=following\b|according\s+to\b)"
    r"|[,;]\s*[”\"]?\s*(?=and\s+(?:the\s+)?(?-i:[A-Z]))|;\s*", re.IGNORECASE)
# A piece that ends in a reporting verb names a speaker; the statement is in the next piece.
_ATTRIBUTION = re.compile(r"\b" + _REPORTING + r"$", re.IGNORECASE)
_REPORTED = re.compile(r"\b(?:says?|said|announc(?:e|es|ed|ement)|not(?:e|es|ed)|stat(?:es|ed|ement)|confirm(?:s|ed)|"
                       r"report(?:s|ed)|according\s+to|told|add(?:s|ed)|stress(?:es|ed)|pledg(?:es|ed)|"
                       r"indicat(?:es|ed)|ministry|spokes(?:person|man|woman)|commerce\s+secretary)\b", re.IGNORECASE)
_ZH_MAX_WORD = 8
_SENTENCE_END = ("。", "！", "？", "；", "!", "?", ";", ".", "”", "」", "』", ")", "）")


@dataclass(frozen=True)
class IndexedSentence:
    """A Chinese corpus sentence reduced to what retrieval and linking compare."""

    doc_id: str
    index: int
    text: str
    normalised: str
    words: tuple[tuple[str, frozenset[str]], ...]  # dictionary words found, each with the stemmed keys it glosses
    numbers: frozenset[str]
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)  # cross-lingual sentence vector

    @property
    def heading(self) -> bool:
        """A title or heading (no sentence-final punctuation): a label, not a statement a news
        article reports, so news mode links nothing to it (look-up still finds it)."""
        return not self.normalised.rstrip().endswith(_SENTENCE_END)

    @property
    def keys(self) -> frozenset[str]:
        """All English keys glossed by the sentence's words."""
        return frozenset().union(*(k for _, k in self.words)) if self.words else frozenset()


@dataclass(frozen=True)
class Unit:
    """An English segment to link: a sentence, or a quote inside it."""

    src: tuple[int, ...]
    text: str
    quote: str | None
    keys: tuple[str, ...]  # stemmed dictionary keys (:func:`~workbench.dictionary.stem_key`)
    numbers: frozenset[str]
    mt: str | None = None
    span: tuple[int, int] | None = None  # characters of the sentence a clause or quote unit covers
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    reported: bool = True  # the sentence shows reported speech (:func:`reports_speech`)

    def threshold(self, weights: NewsWeights) -> float:
        """The score this unit needs to link."""
        return weights.link_threshold + (0.0 if self.reported else weights.unreported_extra)


class NewsIndex:
    """Chinese sentences of the corpus by document, with postings from keys and numbers to documents.

    With a cross-lingual ``embedder``, each sentence's vector is computed when its document
    is added (the embedder's cache keeps it by text hash, so an unchanged document is never
    encoded again).
    """

    def __init__(self, dictionary: BilingualDictionary, embedder: Embedder | None = None):
        self.dictionary = dictionary
        self.embedder = embedder if embedder is not None and embedder.cross_lingual else None
        self._zh_index = dictionary.chinese_index()
        self._stemmed: dict[str, frozenset[str]] = {}  # Chinese word → the stems of its keys
        self._sentences: dict[str, tuple[IndexedSentence, ...]] = {}
        self._postings: dict[str, set[str]] = {}  # key or number → doc ids
        self._texts: dict[str, str] = {}

    @classmethod
    def build(cls, corpus: OfficialCorpus, dictionary: BilingualDictionary,
              embedder: Embedder | None = None) -> NewsIndex:
        """An index of every Chinese document of ``corpus``."""
        index = cls(dictionary, embedder)
        for doc in corpus.documents("zh"):
            index.add_document(doc)
        return index

    def __len__(self) -> int:
        return len(self._sentences)

    def add_document(self, doc: OfficialDocument) -> None:
        """Index one Chinese document (replacing an earlier version with the same id)."""
        if doc.lang != "zh":
            return
        self.remove_document(doc.id)
        indexed = tuple(self._index_sentence(doc.id, s.index, s.text, s.normalised) for s in doc.sentences)
        if self.embedder is not None and indexed:
            # Simplified forms: the encoder reads Traditional characters less well (same text, lower cosine)
            vectors = self.embedder.embed([s.normalised for s in indexed])
            indexed = tuple(dataclasses.replace(s, vector=v) for s, v in zip(indexed, vectors))
        self._sentences[doc.id] = indexed
        self._texts[doc.id] = doc.text
        for sent in indexed:
            for feature in sent.keys | sent.numbers:
                self._postings.setdefault(feature, set()).add(doc.id)

    def indexed_text(self, doc_id: str) -> str | None:
        """The text a document was indexed with (``None`` when it is not indexed)."""
        return self._texts.get(doc_id)

    def remove_document(self, doc_id: str) -> None:
        """Forget a document (no error when it is not indexed)."""
        self._texts.pop(doc_id, None)
        for sent in self._sentences.pop(doc_id, ()):
            for feature in sent.keys | sent.numbers:
                docs = self._postings.get(feature)
                if docs is not None:
                    docs.discard(doc_id)

    def doc_ids(self) -> list[str]:
        """The indexed documents, in id order."""
        return sorted(self._sentences)

    def sentences(self, doc_id: str) -> tuple[IndexedSentence, ...]:
        """The indexed sentences of one document."""
        return self._sentences.get(doc_id, ())

    def idf(self, feature: str) -> float:
        """Inverse document frequency of a key or number over the indexed documents."""
        df = len(self._postings.get(feature, ()))
        return math.log((len(self._sentences) + 1) / (df + 0.5))

    def _index_sentence(self, doc_id: str, index: int, text: str, normalised: str) -> IndexedSentence:
        words = []
        i = 0
        while i < len(normalised):
            for n in range(min(_ZH_MAX_WORD, len(normalised) - i), 0, -1):
                word = normalised[i:i + n]
                keys = self._zh_index.get(word)
                if keys:
                    stems = self._stemmed.get(word)
                    if stems is None:
                        stems = self._stemmed[word] = frozenset(stem_key(k) for k in keys)
                    words.append((word, stems))
                    i += n
                    break
            else:
                i += 1
        return IndexedSentence(doc_id, index, text, normalised, tuple(words),
                               frozenset(number_features(normalised, "zh")))

    def rank_documents(self, units: Sequence[Unit]) -> list[tuple[str, float]]:
        """Documents sharing keys or numbers with ``units``, best first, with their scores."""
        scores: Counter[str] = Counter()
        for unit in units:
            for feature in set(unit.keys) | unit.numbers:
                weight = self.idf(feature) * (2.0 if feature in unit.numbers else 1.0)
                for doc_id in self._postings.get(feature, ()):
                    scores[doc_id] += weight
        return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


# --- scoring a unit against Chinese sentences --------------------------------------------------

class Margins:
    """The meaning signal of units against candidates: cosines and both sides' neighbourhoods.

    ``knn_units[u]`` is the mean cosine of unit ``u`` with its ``k`` nearest candidates,
    ``knn_candidates[c]`` that of candidate ``c`` with its ``k`` nearest units, so
    :meth:`margin` is the ratio-margin's difference form. With one unit (a look-up) there is
    no neighbourhood of units to measure a candidate by; ``knn_candidates`` is then the
    unit's own, and the margin is how far the cosine stands above the query's neighbourhood.
    """

    def __init__(self, unit_vectors: np.ndarray, candidate_vectors: np.ndarray, k: int):
        self.unit_vectors = unit_vectors
        self.candidate_vectors = candidate_vectors
        self.cosines = unit_vectors @ candidate_vectors.T if len(candidate_vectors) else np.zeros((len(unit_vectors), 0))
        self.knn_units = _top_mean(self.cosines, k, axis=1)
        if len(unit_vectors) > 1:
            self.knn_candidates = _top_mean(self.cosines, k, axis=0)
        else:
            self.knn_candidates = np.full(len(candidate_vectors), self.knn_units[0] if len(unit_vectors) else 0.0)

    def margin(self, unit: int, candidates: Sequence[int]) -> tuple[float, float]:
        """``(cosine, margin)`` of unit ``unit`` against the candidates ``candidates`` read together."""
        if len(candidates) == 1:
            cosine = float(self.cosines[unit, candidates[0]])
        else:
            joined = self.candidate_vectors[list(candidates)].sum(axis=0)
            norm = float(np.linalg.norm(joined))
            cosine = float(self.unit_vectors[unit] @ joined) / norm if norm else 0.0
        neighbourhood = (float(self.knn_units[unit]) + float(np.mean(self.knn_candidates[list(candidates)]))) / 2
        return cosine, cosine - neighbourhood


def _top_mean(matrix: np.ndarray, k: int, axis: int) -> np.ndarray:
    """Mean of the ``k`` largest values along ``axis`` (all of them when there are fewer)."""
    size = matrix.shape[axis]
    if size == 0:
        return np.zeros(matrix.shape[1 - axis], dtype=np.float32)
    k = min(k, size)
    top = -np.partition(-matrix, k - 1, axis=axis)
    return (top[:, :k] if axis == 1 else top[:k, :]).mean(axis=axis)


def _unit_score(unit: Unit, targets: Sequence[IndexedSentence], index: NewsIndex,
                weights: NewsWeights = DEFAULT_NEWS_WEIGHTS,
                meaning: tuple[float, float] | None = None) -> tuple[float, dict[str, float]]:
    """Score of ``unit`` against the Chinese sentences ``targets`` read together.

    ``meaning`` is the unit's ``(cosine, margin)`` against them (:meth:`Margins.margin`).
    """
    target_keys = frozenset().union(*(t.keys for t in targets))
    idf = [index.idf(k) for k in unit.keys]
    total = sum(idf)
    covered = sum(w for k, w in zip(unit.keys, idf) if k in target_keys)
    recall = covered / total if total else 0.0
    words = [w for t in targets for w in t.words]
    unit_keys = set(unit.keys)
    precision = sum(1 for _, keys in words if keys & unit_keys) / len(words) if words else 0.0
    parts = {"dictionary": 2 * precision * recall / (precision + recall) if precision + recall else 0.0}
    target_numbers = frozenset().union(*(t.numbers for t in targets))
    numbers_weight = weights.numbers
    if unit.numbers or target_numbers:
        union = sum(index.idf(n) for n in unit.numbers | target_numbers)
        parts["numbers"] = sum(index.idf(n) for n in unit.numbers & target_numbers) / union if union else 0.0
        numbers_weight *= min(1.0, union / weights.numbers_full_idf)
    if unit.mt is not None:
        parts["mt"] = _cosine(mt_ngrams(unit.mt, "zh"), mt_ngrams("".join(t.normalised for t in targets), "zh"))
    if meaning is not None:
        cosine, margin = float(meaning[0]), float(meaning[1])
        parts["meaning"] = min(max(margin / weights.meaning_margin, 0.0), 1.0)
        parts["meaning_cosine"] = cosine
        parts["meaning_margin"] = margin
    by_signal = {"dictionary": weights.dictionary, "numbers": numbers_weight, "mt": weights.mt,
                 "meaning": weights.meaning}
    weight = sum(by_signal.get(k, 0.0) for k in parts) or 1.0
    return sum(by_signal.get(k, 0.0) * v for k, v in parts.items()) / weight, parts


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _best_targets(unit: Unit, candidates: Sequence[IndexedSentence], index: NewsIndex,
                  weights: NewsWeights = DEFAULT_NEWS_WEIGHTS, margins: Margins | None = None,
                  row: int = 0, reserved: frozenset[tuple[str, int]] = frozenset(),
                  ) -> tuple[list[IndexedSentence], float, dict[str, float]]:
    """The best Chinese sentence for ``unit``, plus others while each raises the score enough.

    A candidate is scored when it shares a key or number with the unit, or when its meaning
    margin is positive (``margins``, where ``row`` is the unit's row). Sentences in
    ``reserved`` (``(doc_id, index)``: the best sentences of the other clauses of the same
    English sentence) may be this unit's best, but are not added to it as further sentences.
    """
    position = {id(c): j for j, c in enumerate(candidates)}

    def meaning(chosen: Sequence[IndexedSentence]) -> tuple[float, float] | None:
        return margins.margin(row, [position[id(c)] for c in chosen]) if margins is not None else None

    unit_keys = set(unit.keys)
    scored = []
    for j, cand in enumerate(candidates):
        near = margins is not None and margins.margin(row, [j])[1] > 0
        if near or cand.keys & unit_keys or cand.numbers & unit.numbers:
            scored.append((_unit_score(unit, [cand], index, weights, meaning([cand])), cand))
    scored.sort(key=lambda x: -x[0][0])
    if not scored:
        return [], 0.0, {}
    (score, parts), first = scored[0]
    chosen = [first]
    for _, cand in scored[1:MAX_TARGETS * 3]:
        if len(chosen) == MAX_TARGETS or cand.doc_id != first.doc_id or (cand.doc_id, cand.index) in reserved:
            continue
        trial = sorted([*chosen, cand], key=lambda s: s.index)
        trial_score, trial_parts = _unit_score(unit, trial, index, weights, meaning(trial))
        if trial_score >= score + weights.extra_target_gain:
            chosen, score, parts = trial, trial_score, trial_parts
    return sorted(chosen, key=lambda s: s.index), score, parts


def _evidence(unit: Unit, targets: Sequence[IndexedSentence], parts: dict[str, float],
              dictionary: BilingualDictionary) -> Evidence:
    zh = "".join(t.normalised for t in targets)
    shared_numbers = sorted(unit.numbers & frozenset().union(*(t.numbers for t in targets)))
    en_len = sum(1 for ch in unit.text if not ch.isspace())
    zh_len = cjk_count(zh)
    return Evidence(terms=tuple(dictionary.match(unit.quote or unit.text, zh, stems=True)), numbers=tuple(shared_numbers),
                    length_ratio=zh_len / en_len if en_len else 0.0, signals=dict(parts), span=unit.span)


# --- public entry points -----------------------------------------------------------------------

def make_units(sentences: Sequence[str], dictionary: BilingualDictionary,
               mt: Sequence[str] | None = None, *, embedder: Embedder | None = None,
               weights: NewsWeights = DEFAULT_NEWS_WEIGHTS) -> list[Unit]:
    """Each sentence as a unit, then each quote and each reported clause inside it (after its sentence).

    A clause is a stretch between clause starts (:func:`clause_spans`) that is not inside a
    quote; a sentence that is one clause and no quote gets no further units.
    """
    units = []
    for i, text in enumerate(sentences):
        reported = reports_speech(text)
        units.append(make_unit((i,), text, None, dictionary, mt[i] if mt is not None else None, reported=reported))
        for start, end in unit_spans(text, min_tokens=weights.clause_tokens):
            units.append(make_unit((i,), text, text[start:end], dictionary, None, span=(start, end),
                                   reported=reported))
    if embedder is not None and embedder.cross_lingual and units:
        vectors = embedder.embed([u.quote or u.text for u in units])
        units = [dataclasses.replace(u, vector=v) for u, v in zip(units, vectors)]
    return units


def unit_spans(text: str, *, min_tokens: int = 5) -> list[tuple[int, int]]:
    """Character spans of the quotes and reported clauses of one sentence, in order.

    Quotes (“…” of three words or more) come first as they are; the rest of the sentence is
    cut at clause starts (``noted that``, ``following``, ``according to``, ``; and``), and each
    piece of ``min_tokens`` words or more outside every quote is a clause. A sentence that is
    a single clause with no quote has no spans: its own unit covers it.
    """
    quotes = []
    for m in _QUOTE.finditer(text):
        group = 1 if m.group(1) is not None else 2
        start, end = m.span(group)
        quote = text[start:end]
        stripped = quote.strip().rstrip(",.;:")
        if len(english_tokens(stripped)) >= 3:
            start += len(quote) - len(quote.lstrip())
            quotes.append((start, start + len(stripped), m.start(), m.end()))
    cuts = [0, *(m.end() for m in _CLAUSE_START.finditer(text)), len(text)]
    for _qs, _qe, outer_start, outer_end in quotes:
        cuts += [outer_start, outer_end]
    cuts = sorted(set(cuts))
    clauses = []
    for start, end in zip(cuts, cuts[1:]):
        if any(outer_start <= start and end <= outer_end for _qs, _qe, outer_start, outer_end in quotes):
            continue
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip(" ,;:“”\"'–—"))
        stripped = piece.strip(" ,;:“”\"'–—.")
        if _ATTRIBUTION.search(stripped):
            continue  # "China's Ministry of Commerce announced": who spoke, not what was said
        if len(english_tokens(stripped)) >= min_tokens:
            clauses.append((start + lead, start + lead + len(stripped)))
    if not quotes and len(clauses) <= 1:
        return []
    return sorted([(qs, qe) for qs, qe, _o, _e in quotes] + clauses)


def make_unit(src: tuple[int, ...], text: str, quote: str | None, dictionary: BilingualDictionary,
              mt: str | None, *, span: tuple[int, int] | None = None, reported: bool = True) -> Unit:
    """One unit: the dictionary keys and numbers of ``quote`` (or of ``text`` when there is none)."""
    part = quote or text
    keys = tuple(key for key, _surface, _start in dictionary.english_keys(part, stems=True))
    return Unit(src, text, quote, keys, frozenset(number_features(part, "en")), mt, span, reported=reported)


def reports_speech(text: str) -> bool:
    """Whether an English sentence shows reported speech: a quote, a reporting verb, or a
    speaker that issues statements (ministry, spokesperson, statement, announcement)."""
    return bool(_QUOTE.search(text) or _REPORTED.search(text))


def _margins(units: Sequence[Unit], candidates: Sequence[IndexedSentence], weights: NewsWeights) -> Margins | None:
    """The meaning margins of ``units`` against ``candidates``, when both sides have vectors and it counts."""
    if (not weights.meaning or not units or not candidates or any(u.vector is None for u in units)
            or any(c.vector is None for c in candidates)):
        return None
    return Margins(np.stack([u.vector for u in units]), np.stack([c.vector for c in candidates]),
                   weights.meaning_neighbours)


def link_units(units: Sequence[Unit], index: NewsIndex, doc_ids: Sequence[str],
               weights: NewsWeights = DEFAULT_NEWS_WEIGHTS) -> list[NewsLink]:
    """Link every unit to its best Chinese sentences within ``doc_ids`` (or to nothing).

    Clauses and quotes are linked first, each official sentence to at most one clause of an
    English sentence as its best (competitive linking: a sentence that is another clause's
    best is not added to this one). A sentence with linked clauses links to what they link
    to, in the document of its best clause; a sentence without is linked as a whole.
    """
    candidates = [s for doc_id in doc_ids for s in index.sentences(doc_id) if not s.heading]
    margins = _margins(units, candidates, weights)
    found: dict[int, tuple[list[IndexedSentence], float, dict[str, float]]] = {}
    for row, unit in enumerate(units):
        if unit.span is not None:
            found[row] = _best_targets(unit, candidates, index, weights, margins, row)
    for row, unit in enumerate(units):
        if unit.span is None:
            continue
        siblings = {(t[0][0].doc_id, t[0][0].index) for r, t in found.items()
                    if r != row and units[r].src == unit.src and t[0] and t[1] >= units[r].threshold(weights)}
        if siblings:
            found[row] = _best_targets(unit, candidates, index, weights, margins, row, frozenset(siblings))
    for row, unit in enumerate(units):
        if unit.span is not None:
            continue
        clauses = sorted((t for r, t in found.items() if units[r].src == unit.src and t[0]
                          and t[1] >= unit.threshold(weights)), key=lambda t: -t[1])
        if clauses:
            doc_id = clauses[0][0][0].doc_id
            targets = sorted({t.index: t for c in clauses for t in c[0] if t.doc_id == doc_id}.values(),
                             key=lambda t: t.index)
            meaning = (margins.margin(row, [candidates.index(t) for t in targets]) if margins is not None
                       else None)
            score, parts = _unit_score(unit, targets, index, weights, meaning)
            found[row] = targets, max(score, clauses[0][1]), parts
        else:
            found[row] = _best_targets(unit, candidates, index, weights, margins, row)
    links = []
    for row, unit in enumerate(units):
        targets, score, parts = found[row]
        if score < unit.threshold(weights) or not targets:
            links.append(NewsLink(unit.src, unit.text, unit.quote, None, (), "", score,
                                  Evidence(signals=dict(parts), span=unit.span)))
            continue
        links.append(NewsLink(unit.src, unit.text, unit.quote, targets[0].doc_id, tuple(t.index for t in targets),
                              "".join(t.text for t in targets), score,
                              _evidence(unit, targets, parts, index.dictionary)))
    return links


def lookup_unit(unit: Unit, index: NewsIndex, top_k: int,
                weights: NewsWeights = DEFAULT_NEWS_WEIGHTS) -> list[LookupHit]:
    """The ``top_k`` official sentences of the whole corpus that best match one unit.

    Every sentence sharing a key or a number is scored, and with vectors every sentence
    whose meaning margin is positive.
    """
    candidates = [s for doc_id in index.doc_ids() for s in index.sentences(doc_id)]
    margins = _margins([unit], candidates, weights)
    unit_keys = set(unit.keys)
    hits = []
    for j, sent in enumerate(candidates):
        meaning = margins.margin(0, [j]) if margins is not None else None
        if not (sent.keys & unit_keys or sent.numbers & unit.numbers or (meaning is not None and meaning[1] > 0)):
            continue
        score, parts = _unit_score(unit, [sent], index, weights, meaning)
        hits.append((score, sent, parts))
    hits.sort(key=lambda h: (-h[0], h[1].doc_id, h[1].index))
    return [LookupHit(s.doc_id, s.index, s.text, score, _evidence(unit, [s], parts, index.dictionary))
            for score, s, parts in hits[:top_k]]


def parallel_reference(links: Sequence[NewsLink], sentence_count: int) -> str | None:
    """The document an article seems to translate, judged from its news links, or ``None``.

    An article is a translation when most of its sentences link into one document and the
    links run in that document's order (the diagonal of a parallel text).
    """
    sentence_links = [link for link in links if link.quote is None and link.doc_id]
    if not sentence_links:
        return None
    doc_id = Counter(link.doc_id for link in sentence_links).most_common(1)[0][0]
    firsts = [link.tgt[0] for link in sentence_links if link.doc_id == doc_id]
    if len(firsts) < max(3, PARALLEL_SHARE * sentence_count):
        return None
    in_order = sum(b >= a for a, b in zip(firsts, firsts[1:]))
    return doc_id if in_order >= PARALLEL_ORDER * (len(firsts) - 1) else None


# --- the aligner -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class NewsSignature(AlignmentSignature):
    """:class:`AlignmentSignature` plus what decides news links: the weights' hash, the sentence
    encoder and the glossary the dictionary was built from (a hash of its text)."""

    weights: str = ""
    embedder: str = "none"
    glossary: str = ""

    def __str__(self) -> str:
        return f"{super().__str__()}|weights:{self.weights}|embedder:{self.embedder}|glossary:{self.glossary}"


ARTICLE_MODES = ("auto", "news", "parallel")


class NewsAligner(Aligner):
    """News mode: an English article against the official corpus, each sentence, quote and
    reported clause linked to 0..k official sentences (or to none).

    ``weights`` are the thresholds and signal weights (:class:`NewsWeights`); the sentence
    encoder is the index's (``use-m`` when it loads, else none, and linking goes on from the
    lexical evidence); ``reference`` is ``"auto"`` (retrieve the best documents) or a
    document id; ``mt_source`` names where MT given to :meth:`align` comes from, for the
    signature.
    """

    mode = "news"

    def __init__(self, corpus: OfficialCorpus, *, weights: NewsWeights = DEFAULT_NEWS_WEIGHTS,
                 reference: str = "auto", mt_source: str = "none",
                 dictionary: BilingualDictionary | None = None) -> None:
        self.corpus = corpus
        self.weights = weights
        self.reference = reference
        self.mt_source = mt_source
        self._dictionary = dictionary

    def index(self) -> NewsIndex:
        """The corpus's retrieval index, brought up to date (:func:`workbench.align.news_index`)."""
        from workbench.align import news_index

        return news_index(self.corpus, self._dictionary)

    def documents_for(self, units: Sequence[Unit], index: NewsIndex) -> list[str]:
        """The documents to link into: the named reference, or the best retrieved ones."""
        if self.reference != "auto":
            self.corpus.get(self.reference, "zh")  # raises CorpusError naming close ids
            return [self.reference]
        ranked = index.rank_documents(units)
        if not ranked:
            return []
        best = ranked[0][1]
        return [d for d, score in ranked[:TOP_DOCUMENTS] if score >= 0.5 * best]

    def align(self, src: Sequence[str], *, mt: Sequence[str] | None = None) -> list[NewsLink]:  # type: ignore[override]
        """One link per sentence, in order, each followed by one per quote and clause in it."""
        check_sentences(src, "English", "en")
        if mt is not None:
            check_mt_lines(mt, len(src))
        index = self.index()
        units = make_units(src, index.dictionary, mt, embedder=index.embedder, weights=self.weights)
        return link_units(units, index, self.documents_for(units, index), self.weights)

    def lookup(self, text: str, *, top_k: int = 5, mt: str | None = None) -> list[LookupHit]:
        """The ``top_k`` official sentences of the whole corpus that best render ``text``."""
        if not text.strip():
            raise InputError("the text to look up is empty; give an English word, phrase or sentence")
        if top_k < 1:
            raise InputError(f"the number of results (--top) must be at least 1, not {top_k}; ask for 1 or more")
        index = self.index()
        unit = make_unit((0,), text, None, index.dictionary, mt)
        if not unit.keys and not unit.numbers:
            return []
        if index.embedder is not None:
            unit = dataclasses.replace(unit, vector=index.embedder.embed([text])[0])
        return lookup_unit(unit, index, top_k, self.weights)

    def align_article(self, src: Sequence[str], *, mt: Sequence[str] | None = None,
                      mode: str = "auto") -> tuple[list[NewsLink], str | None]:
        """``(links, parallel_doc_id)``: news links, or, when the article reads as the
        translation of one document (``auto``) or is said to be (``parallel``, with the
        document as ``reference``), its beads against that document in the same shape."""
        from workbench.align.base import ParallelAligner, join_sentences

        if mode not in ARTICLE_MODES:
            raise InputError(f"unknown alignment mode {mode!r}; use one of {', '.join(ARTICLE_MODES)}")
        if mode == "parallel":
            if self.reference == "auto":
                raise InputError("parallel mode aligns against one document; name it with --reference DOC_ID")
            doc_id = self.reference
        else:
            links = self.align(src, mt=mt)
            doc_id = parallel_reference(links, len(src)) if mode == "auto" else None
            if doc_id is None:
                return links, None
        official = [s.text for s in self.corpus.get(doc_id, "zh").sentences]
        beads = ParallelAligner(mt_source="none" if mt is None else "file").align(src, official, mt=mt)
        # An official sentence the article leaves out has no English segment to report.
        return [NewsLink(bead.src, join_sentences(src, bead.src, "en"), None, doc_id if bead.tgt else None,
                         bead.tgt, join_sentences(official, bead.tgt, "zh"), bead.score, bead.evidence)
                for bead in beads if bead.src], doc_id

    def signature(self) -> NewsSignature:
        """Mode, signals, most official sentences per link, MT source, weights, encoder and glossary."""
        from workbench.signature import short_hash

        index = self.index()
        meaning = index.embedder is not None and self.weights.meaning > 0
        signals = [s for s, on in (("mt", self.mt_source != "none"), ("meaning", meaning), ("dictionary", True),
                                   ("numbers", True), ("quotes", True), ("clauses", True)) if on]
        try:
            glossary = short_hash([Path(self.corpus.glossary).read_text(encoding="utf-8")])
        except OSError:
            glossary = "none"
        return NewsSignature("news", tuple(signals), MAX_TARGETS, self.mt_source, weights=self.weights_hash(),
                             embedder=index.embedder.name if meaning and index.embedder else "none",
                             glossary=glossary)
