"""The base class every translation backend fills in, its decoding options, and the registry.

A backend turns batches of source tokens into n-best lists of target tokens with scores.
Everything else that both backends share lives here once: the MarianMT tokenizer, the
target-language token, output-length caps, and the choice among hypotheses when official
terms are required (most terms covered first, then the model's own score). Subclasses
implement two hooks, :meth:`TranslatorBackend._load` and :meth:`TranslatorBackend.generate`.
Backends are registered by name and imported only when chosen.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import ClassVar

from workbench.errors import InputError
from workbench.settings import SHIPPED_CORPUS
from workbench.translate.constraints import TermRequest
from workbench.translate.postprocess import normalize_zh_punctuation
from workbench.translate.resolve import ModelSource
from workbench.translate.tokenizer import MarianTokenizerAdapter

__all__ = ["ALIASES", "BACKENDS", "DecodingOptions", "Hypothesis", "TranslatorBackend", "backend_class", "default_backend"]

# Non-space Chinese characters per English character of one sentence: the largest over the shipped
# corpus's one-to-one sentence pairs, derived by benchmarks/length_ratio.py (34 pairs: median 0.256,
# p95 0.512, max 0.737). The length cap allows this, turned into tokens per model, plus the slack.
ZH_CHARS_PER_EN_CHAR_MAX = 0.74
# The ratio in tokens when the corpus is not there to convert it (the cap of earlier versions).
FALLBACK_LENGTH_RATIO = 2.0

# name → (module, class); the CLI's --backend choices come from here.
BACKENDS: dict[str, tuple[str, str]] = {
    "ctranslate2": ("workbench.translate.ct2", "CTranslate2Backend"),
    "transformers": ("workbench.translate.hf", "TransformersBackend"),
}
ALIASES = {"ct2": "ctranslate2", "hf": "transformers"}


@dataclass(frozen=True)
class DecodingOptions:
    """How to decode; every field is part of the translator's identity."""

    beam: int = 4
    # A batch holds at most batch_size pieces and batch_tokens padded source tokens (0: no token limit).
    batch_size: int = 16
    batch_tokens: int = 0
    # Longer segments are split at clause boundaries (the model's hard limit is 512).
    max_source_tokens: int = 200
    # Repetition guard: no 4-token sequence twice, output capped at ratio × source + slack. The ratio
    # (None: from the corpus, see TranslatorBackend.corpus_length_ratio) is in output tokens per source token.
    no_repeat_ngram_size: int = 4
    repetition_penalty: float = 1.0
    max_length_ratio: float | None = None
    length_slack: int = 10
    # Hypotheses compared when official terms are required; then, where a backend can, each term
    # still missing is put in (CTranslate2: target_prefix). term_prefix=False stops at choosing.
    term_hypotheses: int = 4
    term_prefix: bool = True
    # Beam of the re-decode that continues after a placed term: the prefix fixes the hard part,
    # and a greedy continuation costs a fraction of a full beam (benchmarks/batch_speed.py).
    term_beam: int = 1
    # Forced output length, for benchmarks (None: from the source length).
    min_new_tokens: int | None = None
    max_new_tokens: int | None = None
    target_token: str = ">>cmn_Hans<<"
    # Vocabulary shortlist (CTranslate2 use_vmap, see workbench.translate.shortlist): off by default.
    # True asks for it; the backend puts the hash of the map it loaded here, for the identity.
    shortlist: bool | str = False

    @classmethod
    def from_options(cls, **options) -> DecodingOptions:
        """Build from keyword options, refusing unknown names (a typo must not pass silently)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise InputError(f"unknown decoding option(s) {', '.join(unknown)}; use some of: {', '.join(sorted(known))}")
        try:
            result = cls(**{k: v for k, v in options.items() if v is not None})
        except TypeError as err:
            raise InputError(f"bad decoding option ({err}); check the values") from None
        if result.beam < 1 or result.term_beam < 1 or result.batch_size < 1 or result.max_source_tokens < 8:
            raise InputError("beam and batch size must be at least 1 and max_source_tokens at least 8; "
                             "fix the option values")
        return result

    def signature(self) -> str:
        """``beam:4|nrng:4|rp:1.0|…`` in a fixed order, for the translator's identity."""
        short = {"beam": "beam", "batch_size": None, "batch_tokens": None, "max_source_tokens": "split", "no_repeat_ngram_size": "nrng",
                 "repetition_penalty": "rp", "max_length_ratio": "lenratio", "length_slack": "lenslack",
                 "term_hypotheses": "termhyp", "term_prefix": "termprefix", "term_beam": "termbeam", "min_new_tokens": "minnew", "max_new_tokens": "maxnew",
                 "target_token": "tgt", "shortlist": "shortlist"}
        # Batch size changes speed, not output, so it stays out of the identity.
        return "|".join(f"{short[k]}:{v}" for k, v in self.to_dict().items() if short[k] and v is not None)

    def to_dict(self) -> dict:
        """The fields as a dict; without ``shortlist`` when it is off, so records and identities stay as before it."""
        values = asdict(self)
        if not self.shortlist:
            del values["shortlist"]
        return values


@dataclass(frozen=True)
class Hypothesis:
    """One decoded candidate: target pieces, its text, average token log-probability, and its terms.

    ``terms`` records how each required term present got there (``(term, how)``, see
    :data:`~workbench.translate.constraints.TERM_HOW`); ``terms_missing`` those absent.
    """

    tokens: tuple[str, ...]
    text: str
    score: float
    terms_missing: tuple[str, ...] = ()
    terms: tuple[tuple[str, str], ...] = ()
    #: per output token, attention over the source tokens (CTranslate2, when terms were asked for)
    attention: tuple | None = field(default=None, compare=False, repr=False)


class TranslatorBackend(ABC):
    """Turns batches of source tokens into scored target candidates with one model."""

    name: ClassVar[str]
    #: what the identity records beyond the name, e.g. the quantisation
    variant: ClassVar[str] = ""
    #: how present terms are credited when ``generate`` was given them (a backend that steers says so)
    steers_terms: ClassVar[bool] = False
    #: whether the backend can decode with a vocabulary shortlist (``DecodingOptions.shortlist``)
    supports_shortlist: ClassVar[bool] = False

    def __init__(self, source: ModelSource, options: DecodingOptions, *, device: str = "cpu",
                 models_dir: Path | None = None, threads: int | None = None) -> None:
        """Load ``source`` on ``device``; ``models_dir`` holds derived models (the CTranslate2 conversion).

        ``threads``: the cores this translator may use (default: all this process may).
        """
        self.source = source
        self.threads = threads
        self.options = options
        self.device = device
        self.models_dir = Path(models_dir) if models_dir is not None else None
        if options.shortlist and not self.supports_shortlist:
            raise InputError(f"the vocabulary shortlist needs the CTranslate2 backend, not {self.name}; "
                             "drop --shortlist or use --backend ctranslate2")
        self.codec = self._codec(source.path)
        languages = self.codec.languages
        if languages and options.target_token not in languages:
            raise InputError(f"the model has no target token {options.target_token}; use one of "
                             f"{', '.join(sorted(languages)[:10])}")
        # Multi-target models must be told the variety, or may answer in Traditional Chinese.
        self.language = options.target_token if languages else ""
        self.prefix = f"{self.language} " if self.language else ""
        #: output tokens per source token allowed before the slack (the length cap's ratio)
        self.length_ratio = options.max_length_ratio or self.corpus_length_ratio()
        # The identity records the ratio in effect, so another tokenizer's cap is another identity.
        self.options = replace(options, max_length_ratio=self.length_ratio)
        self._load()

    def _codec(self, folder: Path):
        """The tokenizer (:mod:`workbench.translate.tokenizer` interface); Transformers' by default."""
        return MarianTokenizerAdapter(folder)

    @abstractmethod
    def _load(self) -> None:
        """Load the model (called once, at construction)."""

    @abstractmethod
    def generate(self, sources: list[list[str]], *, max_new_tokens: int, min_new_tokens: int,
                 num_hypotheses: int, required: list[list[list[str]]] | None,
                 suppress: list[list[str]] | None = None) -> list[list[tuple]]:
        """For each source (token list), ``num_hypotheses`` tuples (target tokens, avg log-prob[, attention]), best first.

        ``required[i]`` holds the target-token sequences of the terms source ``i`` must render;
        backends that can steer decoding towards them do, the others ignore it. ``suppress``
        are token sequences the output must not contain (known wrong renderings).
        """

    def enforce(self, sources: list[list[str]], chosen: list[Hypothesis], requests: list[list[TermRequest]], *,
                max_new_tokens: int, min_new_tokens: int) -> list[Hypothesis]:
        """Put the terms still missing from ``chosen`` into them; by default nothing more is done."""
        return chosen

    def source_tokens(self, text: str) -> list[str]:
        """The model's input tokens for ``text``: target-language token, pieces, ``</s>``."""
        return self.codec.source_tokens(text, self.language)

    def count_tokens(self, text: str) -> int:
        """How many input tokens ``text`` becomes (what :func:`split_for_model` needs)."""
        return len(self.codec.source_tokens(text, self.language))

    def term_tokens(self, term: str) -> list[str]:
        """Target pieces of a Chinese term, without the word-start marker standing alone."""
        pieces = self.codec.target_pieces(term)
        return pieces[1:] if len(pieces) > 1 and pieces[0] == "\u2581" else pieces

    def decode(self, tokens: Sequence[str]) -> str:
        """Target text of ``tokens`` (special tokens dropped)."""
        return self.codec.decode(tokens)

    def corpus_length_ratio(self) -> float:
        """Output tokens per source token a sentence may need: :data:`ZH_CHARS_PER_EN_CHAR_MAX` in this tokenizer.

        Characters become tokens at the rates this model's tokenizer has on the shipped
        corpus's bilingual documents (English characters per source token, Chinese
        characters per target token); rounded up to a tenth.
        """
        english, chinese = _bilingual_corpus()
        en_tokens = sum(len(self.codec.source_tokens(line)) - 1 for line in english)  # without </s>
        zh_tokens = sum(len(self.codec.target_pieces(line)) for line in chinese)
        en_chars, zh_chars = (sum(len("".join(line.split())) for line in side) for side in (english, chinese))
        if not (en_tokens and zh_tokens and en_chars and zh_chars):
            return FALLBACK_LENGTH_RATIO
        ratio = ZH_CHARS_PER_EN_CHAR_MAX * (en_chars / en_tokens) / (zh_chars / zh_tokens)
        return math.ceil(ratio * 10) / 10

    def max_new_tokens(self, source_length: int) -> int:
        """Output cap for a source of ``source_length`` tokens (the repetition guard's length part)."""
        if self.options.max_new_tokens is not None:
            return self.options.max_new_tokens
        return min(512, math.ceil(self.length_ratio * source_length) + self.options.length_slack)

    def translate_batch(self, sources: list[list[str]],
                        terms: Sequence[Sequence[str | TermRequest]] | None = None) -> list[Hypothesis]:
        """Best hypothesis per source; with ``terms``, one that holds them.

        ``terms[i]`` are the Chinese strings (or :class:`TermRequest`) source ``i`` must render.
        Among the n-best the one covering most terms wins (then the model's score); a backend
        that can (:meth:`enforce`) then puts in the terms still missing.
        """
        requests = [[r if isinstance(r, TermRequest) else TermRequest(r) for r in ts] for ts in terms] if terms else None
        requests = [[TermRequest(normalize_zh_punctuation(r.zh), r.span, r.avoid) for r in rs if r.zh.strip()]
                    for rs in requests] if requests else None
        has_terms = bool(requests and any(requests))
        n = max(1, min(self.options.term_hypotheses, 16)) if has_terms else 1
        required = [[self.term_tokens(r.zh) for r in rs] for rs in requests] if has_terms else None
        max_new = self.max_new_tokens(max(map(len, sources)))
        min_new = self.options.min_new_tokens or 1
        suppress = self.suppressed_sequences(requests) if has_terms else []
        extra = {"suppress": suppress} if suppress else {}
        nbest = self.generate(sources, max_new_tokens=max_new, min_new_tokens=min_new, num_hypotheses=n,
                              required=required, **extra)
        chosen = []
        for i, candidates in enumerate(nbest):
            wanted = [r.zh for r in requests[i]] if has_terms else []
            hyps = [self._hypothesis(c[0], c[1], wanted, "n-best" if rank else "decoded",
                                     attention=c[2] if len(c) > 2 else None)
                    for rank, c in enumerate(candidates)]
            hyps.sort(key=lambda h: (len(h.terms_missing), -h.score))
            chosen.append(hyps[0])
        if has_terms and self.options.term_prefix and any(h.terms_missing for h in chosen):
            chosen = self.enforce(sources, chosen, requests, max_new_tokens=max_new, min_new_tokens=min_new)
        return chosen

    def suppressed_sequences(self, requests: Sequence[Sequence[TermRequest]]) -> list[list[str]]:
        """Target-token sequences of the known wrong renderings (``avoid``) of the terms in ``requests``."""
        wrong = dict.fromkeys(a for rs in requests for r in rs for a in r.avoid)
        return [tokens for tokens in map(self.term_tokens, wrong) if tokens]

    def _hypothesis(self, tokens: Sequence[str], score: float, terms: Sequence[str], how: str,
                    earlier: Sequence[tuple[str, str]] = (), *, attention=None) -> Hypothesis:
        """A hypothesis for ``tokens``; present terms credited to ``how`` unless ``earlier`` says otherwise."""
        text = normalize_zh_punctuation(self.decode(tokens))
        credit = dict(earlier)
        how = "constrained" if self.steers_terms and how in ("decoded", "n-best") else how
        present = tuple((t, credit.get(t, how)) for t in terms if t in text)
        return Hypothesis(tuple(tokens), text, float(score), tuple(t for t in terms if t not in text), present,
                          tuple(attention) if attention is not None else None)


@functools.cache
def _bilingual_corpus() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The text lines of the shipped corpus's documents that have both an English and a Chinese side."""
    english: list[str] = []
    chinese: list[str] = []
    for en_path in sorted((SHIPPED_CORPUS / "official").glob("*.en.txt")):
        zh_path = en_path.with_name(en_path.name.replace(".en.txt", ".zh.txt"))
        if zh_path.is_file():
            for path, lines in ((en_path, english), (zh_path, chinese)):
                body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]  # after the header
                lines.extend(line.strip() for line in body.splitlines() if line.strip())
    return tuple(english), tuple(chinese)


def backend_class(name: str) -> type[TranslatorBackend]:
    """The backend class registered as ``name`` (or an alias: ct2, hf), imported now."""
    canonical = ALIASES.get(name, name)
    if canonical not in BACKENDS:
        choices = ", ".join([*BACKENDS, *ALIASES])
        raise InputError(f"unknown translation backend {name!r}; use one of: {choices}")
    module_name, class_name = BACKENDS[canonical]
    return getattr(importlib.import_module(module_name), class_name)


def default_backend() -> str:
    """CTranslate2 when installed (several times faster on CPU), else Transformers."""
    return "ctranslate2" if importlib.util.find_spec("ctranslate2") else "transformers"
