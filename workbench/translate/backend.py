"""The base class every translation backend fills in, its decoding options, and the registry.

A backend turns batches of source tokens into n-best lists of target tokens with scores.
Everything else that both backends share lives here once: the MarianMT tokenizer, the
target-language token, output-length caps, and the choice among hypotheses when official
terms are required (most terms covered first, then the model's own score). Subclasses
implement two hooks, :meth:`TranslatorBackend._load` and :meth:`TranslatorBackend.generate`.
Backends are registered by name and imported only when chosen.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import ClassVar

from workbench.errors import InputError
from workbench.translate.postprocess import normalize_zh_punctuation
from workbench.translate.resolve import ModelSource

__all__ = ["ALIASES", "BACKENDS", "DecodingOptions", "Hypothesis", "TranslatorBackend", "backend_class", "default_backend"]

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
    batch_size: int = 16
    # Longer segments are split at clause boundaries (the model's hard limit is 512).
    max_source_tokens: int = 200
    # Repetition guard: no 4-token sequence twice, output capped at ratio × source + slack.
    no_repeat_ngram_size: int = 4
    repetition_penalty: float = 1.0
    max_length_ratio: float = 2.0
    length_slack: int = 10
    # Hypotheses compared when official terms are required.
    term_hypotheses: int = 4
    # Forced output length, for benchmarks (None: from the source length).
    min_new_tokens: int | None = None
    max_new_tokens: int | None = None
    target_token: str = ">>cmn_Hans<<"

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
        if result.beam < 1 or result.batch_size < 1 or result.max_source_tokens < 8:
            raise InputError("beam and batch size must be at least 1 and max_source_tokens at least 8; "
                             "fix the option values")
        return result

    def signature(self) -> str:
        """``beam:4|nrng:4|rp:1.0|…`` in a fixed order, for the translator's identity."""
        short = {"beam": "beam", "batch_size": None, "max_source_tokens": "split", "no_repeat_ngram_size": "nrng",
                 "repetition_penalty": "rp", "max_length_ratio": "lenratio", "length_slack": "lenslack",
                 "term_hypotheses": "termhyp", "min_new_tokens": "minnew", "max_new_tokens": "maxnew",
                 "target_token": "tgt"}
        # Batch size changes speed, not output, so it stays out of the identity.
        return "|".join(f"{short[k]}:{v}" for k, v in asdict(self).items() if short[k] and v is not None)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Hypothesis:
    """One decoded candidate: target pieces, its text, average token log-probability."""

    tokens: tuple[str, ...]
    text: str
    score: float
    terms_missing: tuple[str, ...] = ()


class TranslatorBackend(ABC):
    """Turns batches of source tokens into scored target candidates with one model."""

    name: ClassVar[str]
    #: what the identity records beyond the name, e.g. the quantisation
    variant: ClassVar[str] = ""

    def __init__(self, source: ModelSource, options: DecodingOptions, *, device: str = "cpu",
                 models_dir: Path | None = None) -> None:
        """Load ``source`` on ``device``; ``models_dir`` holds derived models (the CTranslate2 conversion)."""
        from transformers import MarianTokenizer

        self.source = source
        self.options = options
        self.device = device
        self.models_dir = Path(models_dir) if models_dir is not None else None
        self.tokenizer = MarianTokenizer.from_pretrained(str(source.path))
        languages = [t for t in self.tokenizer.get_vocab() if t.startswith(">>") and t.endswith("<<")]
        if languages and options.target_token not in languages:
            raise InputError(f"the model has no target token {options.target_token}; use one of "
                             f"{', '.join(sorted(languages)[:10])}")
        # Multi-target models must be told the variety, or may answer in Traditional Chinese.
        self.prefix = f"{options.target_token} " if languages else ""
        self._load()

    @abstractmethod
    def _load(self) -> None:
        """Load the model (called once, at construction)."""

    @abstractmethod
    def generate(self, sources: list[list[str]], *, max_new_tokens: int, min_new_tokens: int,
                 num_hypotheses: int, required: list[list[list[str]]] | None) -> list[list[tuple[list[str], float]]]:
        """For each source (token list), ``num_hypotheses`` pairs of (target tokens, avg log-prob), best first.

        ``required[i]`` holds the target-token sequences of the terms source ``i`` must render;
        backends that can steer decoding towards them do, the others ignore it.
        """

    def source_tokens(self, text: str) -> list[str]:
        """The model's input tokens for ``text``: target-language token, pieces, ``</s>``."""
        ids = self.tokenizer(self.prefix + text, add_special_tokens=True, verbose=False).input_ids
        return self.tokenizer.convert_ids_to_tokens(ids)

    def count_tokens(self, text: str) -> int:
        """How many input tokens ``text`` becomes (what :func:`split_for_model` needs)."""
        return len(self.tokenizer(self.prefix + text, add_special_tokens=True, verbose=False).input_ids)

    def term_tokens(self, term: str) -> list[str]:
        """Target pieces of a Chinese term, without the word-start marker standing alone."""
        ids = self.tokenizer(text_target=term, add_special_tokens=False).input_ids
        pieces = self.tokenizer.convert_ids_to_tokens(ids)
        return pieces[1:] if len(pieces) > 1 and pieces[0] == "▁" else pieces

    def decode(self, tokens: Sequence[str]) -> str:
        """Target text of ``tokens`` (special tokens dropped)."""
        ids = self.tokenizer.convert_tokens_to_ids(list(tokens))
        return self.tokenizer.decode(ids, skip_special_tokens=True)

    def max_new_tokens(self, source_length: int) -> int:
        """Output cap for a source of ``source_length`` tokens (the repetition guard's length part)."""
        if self.options.max_new_tokens is not None:
            return self.options.max_new_tokens
        return min(512, math.ceil(self.options.max_length_ratio * source_length) + self.options.length_slack)

    def translate_batch(self, sources: list[list[str]], terms: Sequence[Sequence[str]] | None = None) -> list[Hypothesis]:
        """Best hypothesis per source; with ``terms``, the one covering most of them (then by score)."""
        wanted = [[normalize_zh_punctuation(t) for t in ts if t.strip()] for ts in terms] if terms else None
        has_terms = bool(wanted and any(wanted))
        n = max(1, min(self.options.term_hypotheses, 16)) if has_terms else 1
        required = [[self.term_tokens(t) for t in ts] for ts in wanted] if has_terms else None
        nbest = self.generate(
            sources, max_new_tokens=self.max_new_tokens(max(map(len, sources))),
            min_new_tokens=self.options.min_new_tokens or 1, num_hypotheses=n, required=required)
        chosen = []
        for i, candidates in enumerate(nbest):
            hyps = [self._hypothesis(tokens, score, wanted[i] if wanted else ()) for tokens, score in candidates]
            hyps.sort(key=lambda h: (len(h.terms_missing), -h.score))
            chosen.append(hyps[0])
        return chosen

    def _hypothesis(self, tokens: list[str], score: float, terms: Sequence[str]) -> Hypothesis:
        text = normalize_zh_punctuation(self.decode(tokens))
        return Hypothesis(tuple(tokens), text, float(score), tuple(t for t in terms if t not in text))


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
