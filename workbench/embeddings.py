"""Sentence vectors from static word embeddings, for comparing two texts of one language by meaning.

The aligner compares the machine translation of a sentence with candidate target sentences.
Character n-grams see only shared wording; these vectors also credit a paraphrase ("sneered"
against "snorted sarcastically"). They come from WordLlama (``wordllama`` on PyPI), whose
256-dimension model ships inside the package, so nothing is downloaded and nothing is
loaded twice. Its vocabulary is mostly English; Chinese text falls back to characters and
bytes, which still carries some meaning.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
DIMENSION = 256


class SentenceEmbedder:
    """L2-normalised sentence vectors (mean of the word vectors) from a loaded WordLlama model."""

    def __init__(self, model) -> None:
        self._model = model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text (an empty text gets a zero row)."""
        vectors = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        filled = [k for k, t in enumerate(texts) if t.strip()]
        if filled:
            vectors[filled] = self._model.embed([texts[k] for k in filled], norm=True)
        return vectors


@lru_cache(maxsize=1)
def load_sentence_embedder() -> SentenceEmbedder | None:
    """The bundled WordLlama model, or None when it cannot be loaded (the aligner then does without).

    The package looks for its bundled tokenizer under the wrong folder name, so the package
    folder is given as the cache folder, where the tokenizer is found; downloads are disabled.
    """
    try:
        import wordllama
        from wordllama import WordLlama

        model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    except Exception as exc:  # a broken install must not stop alignment
        log.warning("sentence embeddings unavailable (%s); aligning without the meaning signal", exc)
        return None
    return SentenceEmbedder(model)
