"""An opt-in vocabulary shortlist for CTranslate2 (``use_vmap``): fewer output tokens to score per step.

CTranslate2 reads ``vmap.txt`` from a converted model's folder, each line
``source_token<TAB>target_token target_token …`` (an empty source names tokens that are always
allowed), and with ``translate_batch(..., use_vmap=True)`` scores only the target tokens the
batch's source tokens map to, plus those always allowed, the special tokens and any
``target_prefix``. The output layer shrinks from the whole vocabulary (65,001 tokens for
opus-mt-en-zh) to a few thousand, which is most of a decoding step's cost.

:func:`build_vmap` derives the map from what the workbench knows: for each source
SentencePiece token, the target tokens that co-occur with it in the shipped corpus's aligned
sentence pairs (ranked by Dice coefficient, :data:`COOCCURRENCE_CAP` of them), the tokens of
the dictionary's Chinese for the word the token spells (:data:`DICTIONARY_CAP`), and the
token itself where the target side has it (names, numbers). Always allowed: the
:data:`FREQUENT_TOKENS` most frequent target tokens of the corpus's Chinese, every target
token made only of digits and punctuation, and every token of the glossary's official terms.

A model the map cannot describe translates worse, and with random weights that cannot be
measured, so the shortlist is off by default (``DecodingOptions.shortlist``); the README gives
the ``workbench eval`` comparison to run with the real model first. :func:`shortlist_model`
builds the map once per model and inputs into a folder beside the conversion (the model's
files linked, ``vmap.txt`` added), so the conversion without it stays as it was.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import ModelUnavailableError
from workbench.settings import SHIPPED_CORPUS, SHIPPED_GLOSSARY
from workbench.signature import short_hash
from workbench.text.files import atomic_path
from workbench.translate.tokenizer import EOS, PAD, UNK, SentencePieceTokenizer

__all__ = ["VMAP_FILE", "VocabularyMap", "build_vmap", "corpus_pairs", "shortlist_model"]

VMAP_FILE = "vmap.txt"  # the name CTranslate2 loads from a model folder (what --vocab_mapping copies in)
# Bumped when the way the map is built changes, so a kept map is built again.
SHORTLIST_VERSION = 1
# Chosen, not tuned (tuning needs the real weights): room for a word's few senses and their pieces.
FREQUENT_TOKENS = 256
COOCCURRENCE_CAP = 16
DICTIONARY_CAP = 32
_WORD_START = "\u2581"
#: tokens CTranslate2 always allows, whatever the map says
SPECIAL_TOKENS = frozenset({EOS, UNK, PAD, "<s>"})


@dataclass(frozen=True)
class VocabularyMap:
    """Target tokens always allowed (``fixed``) and those each source token allows (``rules``)."""

    fixed: tuple[str, ...]
    rules: dict[str, tuple[str, ...]]

    def to_text(self) -> str:
        """The ``vmap.txt`` CTranslate2 reads: the always-allowed line first, then one line per source token."""
        lines = ["\t" + " ".join(self.fixed)]
        lines += [f"{source}\t{' '.join(targets)}" for source, targets in sorted(self.rules.items())]
        return "\n".join(lines) + "\n"

    @classmethod
    def from_text(cls, text: str) -> VocabularyMap:
        """Read back what :meth:`to_text` wrote."""
        fixed: tuple[str, ...] = ()
        rules: dict[str, tuple[str, ...]] = {}
        for line in text.splitlines():
            source, _, targets = line.partition("\t")
            if source:
                rules[source] = tuple(targets.split())
            else:
                fixed = tuple(targets.split())
        return cls(fixed, rules)

    def candidates(self, sources: Iterable[Sequence[str]]) -> set[str]:
        """The target tokens a batch of ``sources`` (token lists) may produce, as CTranslate2 computes them."""
        allowed = set(self.fixed) | SPECIAL_TOKENS
        for tokens in sources:
            for token in tokens:
                allowed.update(self.rules.get(token, ()))
        return allowed

    @property
    def size(self) -> tuple[int, int]:
        """``(source tokens with a line, distinct target tokens in the map)``."""
        return len(self.rules), len(set(self.fixed).union(*self.rules.values()))


def build_vmap(codec: SentencePieceTokenizer, pairs: Sequence[tuple[str, str]], *, chinese: Sequence[str] = (),
               dictionary=None, terms: Sequence[str] = (), frequent_tokens: int = FREQUENT_TOKENS,
               cooccurrence_cap: int = COOCCURRENCE_CAP, dictionary_cap: int = DICTIONARY_CAP) -> VocabularyMap:
    """The vocabulary map for ``codec``'s model from aligned ``(english, chinese)`` pairs.

    ``chinese``: more Chinese text, counted with the pairs' for the most frequent tokens;
    ``dictionary``: a :class:`~workbench.dictionary.BilingualDictionary` (its ``translations``
    of the word each source token spells); ``terms``: Chinese strings whose tokens are always
    allowed (the official terms). The caps count tokens beyond those always allowed.
    Deterministic: ties are broken by the tokens' text.
    """
    targets = set(codec.pieces("target")) & set(codec.vocab)

    def target(text: str) -> list[str]:
        return [t for t in codec.target_pieces(text) if t != UNK]

    def source(text: str) -> list[str]:
        return [t for t in codec.source_tokens(text) if t not in (UNK, EOS)]

    counts = Counter(t for text in (*chinese, *(zh for _, zh in pairs)) for t in target(text))
    frequent = sorted(counts, key=lambda t: (-counts[t], t))[:frequent_tokens]
    always = {t for t in targets if _digits_or_marks(t)} | {_WORD_START} & targets
    fixed = set(frequent) | always | {t for term in terms for t in target(term)}

    def fresh(tokens: Iterable[str]) -> list[str]:
        """``tokens`` in order, once each, without those always allowed (they need no line)."""
        return [t for t in dict.fromkeys(tokens) if t not in fixed and t in targets]

    rules: dict[str, list[str]] = defaultdict(list)
    seen_source, seen_target, joint = Counter(), Counter(), Counter()
    for en, zh in pairs:
        src, tgt = set(source(en)), set(target(zh))
        seen_source.update(src)
        seen_target.update(tgt)
        joint.update((s, t) for s in src for t in tgt)
    ranked: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
    for (s, t), both in joint.items():
        ranked[s].append((-2 * both / (seen_source[s] + seen_target[t]), -both, t))
    for s, options in ranked.items():
        rules[s] += fresh(t for _, _, t in sorted(options))[:cooccurrence_cap]

    for piece in sorted(p for p in codec.pieces("source") if p in codec.vocab):
        word = piece.removeprefix(_WORD_START)
        if dictionary is not None and word.isalpha() and len(word) > 1:
            rules[piece] += fresh(t for zh, _ in dictionary.translations(word) for t in target(zh))[:dictionary_cap]
        rules[piece] += fresh((piece, word, _WORD_START + word))  # copied through: names, numbers, acronyms
    kept = {s: tuple(fresh(ts)) for s, ts in sorted(rules.items())}
    return VocabularyMap(tuple(sorted(fixed)), {s: ts for s, ts in kept.items() if ts})


def _digits_or_marks(token: str) -> bool:
    text = token.removeprefix(_WORD_START)
    return bool(text) and all(ch.isdigit() or unicodedata.category(ch)[0] in "PS" for ch in text)


def corpus_pairs(corpus) -> list[tuple[str, str]]:
    """Aligned ``(english, chinese)`` sentence pairs of the bilingual documents of ``corpus``
    (a :class:`~workbench.corpus.OfficialCorpus`).

    Each document pair is aligned in parallel mode on the lexical signals (no MT, no encoder:
    quick and deterministic); beads with both sides are kept, as one text a side.
    """
    from workbench.align import align_parallel, join_sentences

    pairs = []
    for doc in corpus.documents("en"):
        if not corpus.has_pair(doc.id):
            continue
        english = [s.text for s in doc.sentences]
        chinese = [s.text for s in corpus.get(doc.id, "zh").sentences]
        for bead in align_parallel(english, chinese, embedder=None, evidence=False):
            if bead.src and bead.tgt:
                pairs.append((join_sentences(english, bead.src, "en"), join_sentences(chinese, bead.tgt, "zh")))
    return pairs


def _inputs_key(corpus_dir: Path, glossary: Path) -> str:
    """A hash of what the map is built from: the builder, the corpus and glossary files, the aligner."""
    from workbench.align import parallel_signature

    parts = [f"v{SHORTLIST_VERSION}", f"{FREQUENT_TOKENS}/{COOCCURRENCE_CAP}/{DICTIONARY_CAP}",
             str(parallel_signature(mt_source="none", embedder=None))]
    for path in sorted((corpus_dir / "official").glob("*.txt")) + [glossary]:
        parts += [path.name, hashlib.sha256(path.read_bytes()).hexdigest()]
    return short_hash(parts)


def shortlist_model(converted: Path, codec: SentencePieceTokenizer, *, cache_dir: Path | None = None,
                    corpus_dir: Path = SHIPPED_CORPUS, glossary: Path = SHIPPED_GLOSSARY) -> tuple[Path, str]:
    """The folder of ``converted`` with a ``vmap.txt`` for it, built on first use; and the map's hash.

    The folder sits beside ``converted`` and is named after a hash of the inputs (so a new
    corpus, glossary or builder makes a new map); it holds links to the model's files and
    the map. ``cache_dir`` keeps the dictionary between runs. The hash (of the map's text)
    goes into the translator's identity.
    """
    from workbench.dictionary import load_dictionary
    from workbench.terms.glossary import load_glossary

    folder = converted.with_name(f"{converted.name}-vmap-{_inputs_key(corpus_dir, glossary)}")
    vmap = folder / VMAP_FILE
    if not vmap.is_file():
        from workbench.corpus import OfficialCorpus

        corpus = OfficialCorpus.load(corpus_dir)
        chinese = [s.text for doc in corpus.documents("zh") for s in doc.sentences]
        official = [term.zh_required for term in load_glossary(glossary) if term.is_official]
        built = build_vmap(codec, corpus_pairs(corpus), chinese=chinese, terms=official,
                           dictionary=load_dictionary(glossary, cache_dir=cache_dir))
        try:
            with atomic_path(folder) as partial:
                partial.mkdir()
                for file in sorted(converted.iterdir()):
                    if file.is_file():
                        (partial / file.name).symlink_to(file.resolve())
                (partial / VMAP_FILE).write_text(built.to_text(), encoding="utf-8")
        except OSError as err:
            if not vmap.is_file():  # not a concurrent build that won the race
                raise ModelUnavailableError(f"cannot write the vocabulary shortlist into {folder} ({err}); free disk "
                                            "space or set WORKBENCH_MODELS_DIR (--models-dir) to a writable folder") from None
    return folder, short_hash([vmap.read_text(encoding="utf-8")])
