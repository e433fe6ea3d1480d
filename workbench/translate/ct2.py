"""The CTranslate2 backend: the Transformers model converted once to int8, the fast CPU path.

Conversions are cached under ``<models_dir>/ct2/<model>--<revision>-int8`` (the caller's
models folder, setting ``models_dir``), written to a temporary folder and
renamed into place, so an interrupted conversion never leaves a half model behind.
CTranslate2 has no constrained decoding for whole phrases; official terms are enforced by
asking for several hypotheses and choosing among them (see :class:`TranslatorBackend`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from workbench.errors import ModelUnavailableError
from workbench.text.files import atomic_path
from workbench.translate.backend import TranslatorBackend
from workbench.translate.resolve import ModelSource

__all__ = ["CTranslate2Backend", "converted_model", "cpu_count"]

QUANTIZATION = "int8"


class CTranslate2Backend(TranslatorBackend):
    """MarianMT converted to CTranslate2 int8; one translator using every core for each batch."""

    name = "ctranslate2"
    variant = QUANTIZATION

    def _load(self) -> None:
        import ctranslate2

        if self.models_dir is None:
            raise TypeError("the CTranslate2 backend needs models_dir: the folder its conversions are kept in")
        # One batch at a time over all cores: the batch script and the UI translate one batch at once.
        self.translator = ctranslate2.Translator(
            str(converted_model(self.source, self.models_dir)), device=self.device, compute_type=QUANTIZATION,
            inter_threads=1, intra_threads=cpu_count())

    def generate(self, sources, *, max_new_tokens, min_new_tokens, num_hypotheses, required):
        results = self.translator.translate_batch(
            sources, beam_size=max(self.options.beam, num_hypotheses), num_hypotheses=num_hypotheses,
            max_decoding_length=max_new_tokens, min_decoding_length=min_new_tokens,
            no_repeat_ngram_size=self.options.no_repeat_ngram_size,
            repetition_penalty=self.options.repetition_penalty,
            # Segments are split to fit before they get here; never cut one short.
            max_input_length=0, return_scores=True)
        # With the default length penalty of 1 the score is the average token log-probability.
        return [list(zip(r.hypotheses, r.scores)) for r in results]


def cpu_count() -> int:
    """Cores this process may use (respects CPU affinity and container limits where visible)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def converted_model(source: ModelSource, models_dir: Path) -> Path:
    """The CTranslate2 folder for ``source`` under ``models_dir``, converting it on first use."""
    name = re.sub(r"[^\w.-]+", "--", source.id)
    folder = Path(models_dir) / "ct2" / f"{name}--{source.revision}-{QUANTIZATION}"
    if (folder / "model.bin").is_file():
        return folder
    from ctranslate2.converters import TransformersConverter

    try:
        with atomic_path(folder) as partial:
            TransformersConverter(str(source.path)).convert(str(partial), quantization=QUANTIZATION, force=True)
    except OSError as err:
        if not (folder / "model.bin").is_file():  # not a concurrent conversion that won the race
            raise ModelUnavailableError(f"cannot convert the model for CTranslate2 into {folder} ({err}); "
                                        "free disk space or set WORKBENCH_MODELS_DIR (--models-dir) to a writable folder") from None
    return folder
