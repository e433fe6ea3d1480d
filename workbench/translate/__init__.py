"""English → Simplified Chinese machine translation with MarianMT (opus-mt-en-zh by default).

    from workbench.translate import load_translator
    translator = load_translator()              # --model / WORKBENCH_MODEL / config / default
    [t.text for t in translator.translate(["The Ministry of Commerce said ..."])]

Backends: ``ctranslate2`` (int8, the default when installed) and ``transformers`` (fp32,
the reference). See :mod:`workbench.translate.translator` for what each translation records.
"""

from workbench.translate.backend import BACKENDS, DecodingOptions, TranslatorBackend
from workbench.translate.cache import TranslationCache
from workbench.translate.translator import Translation, Translator, load_translator

__all__ = ["BACKENDS", "DecodingOptions", "Translation", "TranslationCache", "Translator", "TranslatorBackend",
           "load_translator"]
