"""News mode: find the official wording behind the sentences and quotes of a news article.

Stages:

1. **index** — every Chinese sentence of the corpus is reduced to the English dictionary
   keys its words gloss, its numbers and dates (:class:`NewsIndex`; documents are added one
   at a time, so adding one to a large corpus costs only that document);
2. **retrieve** — documents are ranked by the idf-weighted keys and numbers they share with
   the article (or the reviewer names one);
3. **link** — each English sentence, and each quoted span “…” inside it as its own unit, is
   linked to the 0..k Chinese sentences of the retrieved documents that best account for it,
   in any order; below :data:`LINK_THRESHOLD` the answer is "no counterpart".

Units are a sentence, each quoted span inside it, and each reported or coordinated clause
(``…,” and noted that the United States would …``; ``…, following meetings in London …``):
one sentence may report several official statements, and each clause link records the
characters of the sentence it covers (``Evidence.span``).

The unit score fuses evidence and meaning (:class:`NewsWeights`): an F-measure of the share
of the unit's English (weighted by idf) whose Chinese equivalent is present against the
share of the sentence's dictionary words accounted for; shared numbers; the cross-lingual
sentence vectors' cosine (:mod:`workbench.embeddings`, ``use-m`` by default), rescaled so
unrelated sentences score 0; and, when available, MT character overlap.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import astuple, dataclass, field

import numpy as np

from workbench.align.beads import Evidence, LookupHit, NewsLink
from workbench.align.signals import mt_ngrams, number_features
from workbench.corpus import OfficialCorpus, OfficialDocument
from workbench.dictionary import BilingualDictionary
from workbench.embeddings import Embedder
from workbench.text.en import english_tokens
from workbench.text.zh import cjk_count


@dataclass(frozen=True)
class NewsWeights:
    """News linking's thresholds and signal weights (tuned on the demo article only); in the signature."""

    link_threshold: float = 0.33  # below this a unit has no counterpart
    extra_target_gain: float = 0.05  # a further Chinese sentence joins a link only if it raises the score this much
    dictionary: float = 1.0
    numbers: float = 1.0
    mt: float = 1.0
    # The cross-lingual cosine is off by default: on the demo article every sentence about the
    # talks scores 0.47-0.62 against the statement, the right ones 0.56-0.62, so it adds wrong
    # sentences to links (measured at weight 0.5, floor 0.45, ceiling 0.65) and none it misses.
    meaning: float = 0.0
    meaning_floor: float = 0.45  # cosine of a sentence on the same topic; maps to 0
    meaning_ceiling: float = 0.65  # cosine of a faithful rendering; maps to 1
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
_CLAUSE_START = re.compile(
    r"(?:[,;]\s*[”\"]?\s*|\s+)(?:and\s+|while\s+|but\s+)?(?=(?:(?:also\s+)?(?:noted|said|added|stated|announced|"
    r"stressed|confirmed|reported|emphasi[sz]ed|pledged|agreed)\s+that\b|following\b|according\s+to\b))"
    r"|[,;]\s*[”\"]?\s*(?=and\s+(?:the\s+)?[A-Z])|;\s*", re.IGNORECASE)
_ZH_MAX_WORD = 8


@dataclass(frozen=True)
class IndexedSentence:
    """A Chinese corpus sentence reduced to what retrieval and linking compare."""

    doc_id: str
    index: int
    text: str
    normalised: str
    words: tuple[tuple[str, frozenset[str]], ...]  # dictionary words found, each with the keys it glosses
    numbers: frozenset[str]
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)  # cross-lingual sentence vector

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
    keys: tuple[str, ...]
    numbers: frozenset[str]
    mt: str | None = None
    span: tuple[int, int] | None = None  # characters of the sentence a clause or quote unit covers
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)


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
        self._sentences: dict[str, tuple[IndexedSentence, ...]] = {}
        self._postings: dict[str, set[str]] = {}  # key or number → doc ids
        self._texts: dict[str, str] = {}

    @classmethod
    def build(cls, corpus: OfficialCorpus, dictionary: BilingualDictionary) -> NewsIndex:
        """An index of every Chinese document of ``corpus``."""
        index = cls(dictionary)
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
            vectors = self.embedder.embed([s.text for s in indexed])
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
                keys = self._zh_index.get(normalised[i:i + n])
                if keys:
                    words.append((normalised[i:i + n], frozenset(keys)))
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

def _unit_score(unit: Unit, targets: Sequence[IndexedSentence], index: NewsIndex,
                weights: NewsWeights = DEFAULT_NEWS_WEIGHTS) -> tuple[float, dict[str, float]]:
    """Score of ``unit`` against the Chinese sentences ``targets`` read together."""
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
    if unit.numbers or target_numbers:
        shared = unit.numbers & target_numbers
        parts["numbers"] = len(shared) / max(len(unit.numbers), len(target_numbers))
    if unit.mt is not None:
        parts["mt"] = _cosine(mt_ngrams(unit.mt, "zh"), mt_ngrams("".join(t.normalised for t in targets), "zh"))
    if unit.vector is not None and all(t.vector is not None for t in targets):
        target = np.sum([t.vector for t in targets], axis=0)
        norm = float(np.linalg.norm(target))
        cosine = float(unit.vector @ target) / norm if norm else 0.0
        parts["meaning_cosine"] = cosine
        parts["meaning"] = min(max((cosine - weights.meaning_floor)
                                   / (weights.meaning_ceiling - weights.meaning_floor), 0.0), 1.0)
    by_signal = {"dictionary": weights.dictionary, "numbers": weights.numbers, "mt": weights.mt,
                 "meaning": weights.meaning}
    weight = sum(by_signal.get(k, 0.0) for k in parts) or 1.0
    return sum(by_signal.get(k, 0.0) * v for k, v in parts.items()) / weight, parts


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _best_targets(unit: Unit, candidates: Sequence[IndexedSentence], index: NewsIndex,
                  weights: NewsWeights = DEFAULT_NEWS_WEIGHTS) -> tuple[list[IndexedSentence], float, dict[str, float]]:
    """The best Chinese sentence for ``unit``, plus others while each raises the score enough."""
    scored = sorted(((_unit_score(unit, [c], index, weights), c) for c in candidates if c.keys & set(unit.keys)
                     or c.numbers & unit.numbers), key=lambda x: -x[0][0])
    if not scored:
        return [], 0.0, {}
    (score, parts), first = scored[0]
    chosen = [first]
    for _, cand in scored[1:MAX_TARGETS * 3]:
        if len(chosen) == MAX_TARGETS or cand.doc_id != first.doc_id:
            continue
        trial = sorted([*chosen, cand], key=lambda s: s.index)
        trial_score, trial_parts = _unit_score(unit, trial, index, weights)
        if trial_score >= score + weights.extra_target_gain:
            chosen, score, parts = trial, trial_score, trial_parts
    return sorted(chosen, key=lambda s: s.index), score, parts


def _evidence(unit: Unit, targets: Sequence[IndexedSentence], parts: dict[str, float],
              dictionary: BilingualDictionary) -> Evidence:
    zh = "".join(t.normalised for t in targets)
    shared_numbers = sorted(unit.numbers & frozenset().union(*(t.numbers for t in targets)))
    en_len = sum(1 for ch in unit.text if not ch.isspace())
    zh_len = cjk_count(zh)
    return Evidence(terms=tuple(dictionary.match(unit.quote or unit.text, zh)), numbers=tuple(shared_numbers),
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
        units.append(make_unit((i,), text, None, dictionary, mt[i] if mt is not None else None))
        for start, end in unit_spans(text, min_tokens=weights.clause_tokens):
            units.append(make_unit((i,), text, text[start:end], dictionary, None, span=(start, end)))
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
        if len(english_tokens(stripped)) >= min_tokens:
            clauses.append((start + lead, start + lead + len(stripped)))
    if not quotes and len(clauses) <= 1:
        return []
    return sorted([(qs, qe) for qs, qe, _o, _e in quotes] + clauses)


def make_unit(src: tuple[int, ...], text: str, quote: str | None, dictionary: BilingualDictionary,
              mt: str | None, *, span: tuple[int, int] | None = None) -> Unit:
    """One unit: the dictionary keys and numbers of ``quote`` (or of ``text`` when there is none)."""
    part = quote or text
    keys = tuple(key for key, _surface, _start in dictionary.english_keys(part))
    return Unit(src, text, quote, keys, frozenset(number_features(part, "en")), mt, span)


def link_units(units: Sequence[Unit], index: NewsIndex, doc_ids: Sequence[str],
               weights: NewsWeights = DEFAULT_NEWS_WEIGHTS) -> list[NewsLink]:
    """Link every unit to its best Chinese sentences within ``doc_ids`` (or to nothing)."""
    candidates = [s for doc_id in doc_ids for s in index.sentences(doc_id)]
    links = []
    for unit in units:
        targets, score, parts = _best_targets(unit, candidates, index, weights)
        if score < weights.link_threshold or not targets:
            links.append(NewsLink(unit.src, unit.text, unit.quote, None, (), "", score,
                                  Evidence(signals=dict(parts), span=unit.span)))
            continue
        links.append(NewsLink(unit.src, unit.text, unit.quote, targets[0].doc_id, tuple(t.index for t in targets),
                              "".join(t.text for t in targets), score,
                              _evidence(unit, targets, parts, index.dictionary)))
    return links


def lookup_unit(unit: Unit, index: NewsIndex, top_k: int) -> list[LookupHit]:
    """The ``top_k`` official sentences of the whole corpus that best match one unit."""
    doc_ids = [doc_id for doc_id, _ in index.rank_documents([unit])]
    hits = []
    for doc_id in doc_ids:
        for sent in index.sentences(doc_id):
            if not (sent.keys & set(unit.keys) or sent.numbers & unit.numbers):
                continue
            score, parts = _unit_score(unit, [sent], index)
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
