"""The CTranslate2 backend: the Transformers model converted once to int8, the fast CPU path.

Conversions are cached under ``<models_dir>/ct2/<model>--<revision>-int8`` (the caller's
models folder, setting ``models_dir``), written to a temporary folder and
renamed into place, so an interrupted conversion never leaves a half model behind.
CTranslate2 has no constrained decoding for whole phrases. Official terms are enforced in two
steps: the n-best hypothesis that holds most terms is chosen (see :class:`TranslatorBackend`),
then each term still missing is put in with ``target_prefix`` where attention says it belongs
and the model finishes the sentence (:meth:`CTranslate2Backend.enforce`); the glossary's
unofficial renderings of the same English are suppressed (``suppress_sequences``).
With ``DecodingOptions.shortlist`` the model is loaded from its folder with a vocabulary map
(:mod:`workbench.translate.shortlist`) and decoded with ``use_vmap``, the term re-decodes excepted.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from workbench.errors import ModelUnavailableError
from workbench.text.files import atomic_path
from workbench.translate.backend import TranslatorBackend
from workbench.translate.resolve import ModelSource
from workbench.translate.tokenizer import SentencePieceTokenizer

__all__ = ["CTranslate2Backend", "converted_model", "cpu_count", "thread_split"]

QUANTIZATION = "int8"
# Marks that end a sentence: a term placed "at the end" goes before them.
_FINAL_MARKS = frozenset("。.!?！？;；…\"”’)）")


class CTranslate2Backend(TranslatorBackend):
    """MarianMT converted to CTranslate2 int8; one translator using the cores it is given for each batch."""

    name = "ctranslate2"
    variant = QUANTIZATION
    supports_shortlist = True

    def _codec(self, folder: Path) -> SentencePieceTokenizer:
        # Plain SentencePiece: CTranslate2 takes token strings, so Transformers is never imported.
        return SentencePieceTokenizer(folder)

    def _load(self) -> None:
        import ctranslate2

        if self.models_dir is None:
            raise TypeError("the CTranslate2 backend needs models_dir: the folder its conversions are kept in")
        self.inter_threads, self.intra_threads = thread_split(self.threads or cpu_count())
        folder = converted_model(self.source, self.models_dir)
        if self.options.shortlist:
            from workbench.translate.shortlist import shortlist_model

            folder, vmap_hash = shortlist_model(folder, self.codec, cache_dir=self.models_dir / "cache")
            self.options = replace(self.options, shortlist=vmap_hash)
        #: the CTranslate2 folder loaded (with the shortlist: the one holding its vmap.txt)
        self.model_folder = folder
        self.translator = ctranslate2.Translator(
            str(folder), device=self.device, compute_type=QUANTIZATION,
            inter_threads=self.inter_threads, intra_threads=self.intra_threads)

    def _decode_options(self, *, max_new_tokens: int, min_new_tokens: int) -> dict:
        return dict(max_decoding_length=max_new_tokens, min_decoding_length=min_new_tokens,
                    no_repeat_ngram_size=self.options.no_repeat_ngram_size,
                    repetition_penalty=self.options.repetition_penalty,
                    # Segments are split to fit before they get here; never cut one short.
                    max_input_length=0, return_scores=True, use_vmap=bool(self.options.shortlist))

    def generate(self, sources, *, max_new_tokens, min_new_tokens, num_hypotheses, required, suppress=None):
        results = self.translator.translate_batch(
            sources, beam_size=max(self.options.beam, num_hypotheses), num_hypotheses=num_hypotheses,
            suppress_sequences=suppress or None, return_attention=bool(required),
            **self._decode_options(max_new_tokens=max_new_tokens, min_new_tokens=min_new_tokens))
        # With the default length penalty of 1 the score is the average token log-probability.
        if not required:
            return [list(zip(r.hypotheses, r.scores)) for r in results]
        return [[(tokens, score, r.attention[k] if r.attention else None)
                 for k, (tokens, score) in enumerate(zip(r.hypotheses, r.scores))] for r in results]

    def enforce(self, sources, chosen, requests, *, max_new_tokens, min_new_tokens):
        """Re-decode each output still missing terms with ``target_prefix`` = its output with the terms
        put in where they belong, up to the last of them, and let the model finish.

        Where a term belongs: the output token attending most to the source tokens of the
        term's English; without them, after the last word. Every missing term of a sentence
        goes into one prefix (one re-decode per sentence, all sentences in one batched call);
        a term in the prefix cannot be lost. Where only the final mark follows the last term
        (no place was found), the terms are spliced in and nothing is decoded again.
        CTranslate2 feeds a prefix through the decoder step by step, so a re-decode costs
        about a greedy decode of its length: the continuation is greedy (``term_beam``) and
        capped at the length of what it replaces.
        """
        chosen = list(chosen)
        suppress = self.suppressed_sequences(requests)
        for _ in range(max(len(rs) for rs in requests)):  # a second round only if a prefix did not hold
            todo, prefixes, placed, added, caps = [], [], [], [], []
            for i, hyp in enumerate(chosen):
                if not hyp.terms_missing:
                    continue
                by_term = {r.zh: r for r in requests[i]}
                places = sorted((self._place(hyp, by_term[t], 0), t) for t in hyp.terms_missing)
                prefix, previous = [], 0
                for (position, _how), term in places:
                    prefix += [*hyp.tokens[previous:position], *self.term_tokens(term)]
                    previous = position
                credit = {**dict(hyp.terms), **{term: how for (_, how), term in places}}
                if all(how == "end" for (_, how), _ in places):
                    # Only the final mark follows: splice the terms in rather than decode the output again.
                    chosen[i] = self._hypothesis([*prefix, *hyp.tokens[previous:]], hyp.score,
                                                 [r.zh for r in requests[i]], "decoded", credit.items(),
                                                 attention=hyp.attention[:places[0][0][0]] if hyp.attention else None)
                    continue
                todo.append(i)
                prefixes.append(prefix)
                # A term put in at the end that the model then finishes after (another term needed a re-decode).
                placed.append({t: "prefix-end" if how == "end" else how for t, how in credit.items()})
                added.append(len(prefix) - previous)
                caps.append(len(hyp.tokens) + added[-1])
            if not todo:
                break
            # The cap counts the prefix: room for the output as long as before plus the terms, no more.
            cap = min(max(max_new_tokens, max(map(len, prefixes))) + max(added), max(caps) + self.options.length_slack)
            # Never with the shortlist: CTranslate2 4.8 maps a target_prefix through the previous call's
            # reduced vocabulary (the re-decode then starts with other tokens than the prefix), and the
            # continuation is greedy, a small part of the cost.
            results = self.translator.translate_batch(
                [sources[i] for i in todo], target_prefix=prefixes, beam_size=self.options.term_beam,
                suppress_sequences=suppress or None,
                **{**self._decode_options(max_new_tokens=cap, min_new_tokens=min_new_tokens), "use_vmap": False})
            for i, result, credit in zip(todo, results, placed):
                chosen[i] = self._hypothesis(result.hypotheses[0], result.scores[0], [r.zh for r in requests[i]],
                                             "decoded", credit.items())
        return chosen

    def _place(self, hyp, request, locked: int) -> tuple[int, str]:
        """Where ``request``'s term goes in ``hyp``'s tokens (never inside the locked prefix), and how it was found."""
        tokens = hyp.tokens
        if request.span and hyp.attention:
            start, end = request.span
            weights = [sum(row[start:end]) for row in hyp.attention[:len(tokens)]]
            candidates = [t for t in range(locked, len(weights))]
            if candidates and end > start:
                best = max(candidates, key=lambda t: weights[t])
                if weights[best] > 0:
                    return best, "prefix"
        end = len(tokens)
        while end > locked and tokens[end - 1].strip("\u2581") in _FINAL_MARKS:
            end -= 1
        return max(end, locked), "end"


def thread_split(cores: int) -> tuple[int, int]:
    """``(inter_threads, intra_threads)`` for ``cores``: one batch at a time over all of them.

    The batch path and the UI translate one batch at once, so more than one CTranslate2
    worker would sit idle; a Ray actor is given its share of the machine as ``cores``.
    """
    return 1, max(1, cores)


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
