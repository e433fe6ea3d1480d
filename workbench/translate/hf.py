"""The Transformers backend: ``MarianMTModel`` in fp32, the reference path (fine-tuning uses it too).

Official terms are enforced inside beam search by :class:`TermForcingLogitsProcessor`
(Transformers 5 moved its constrained beam search to a hub repository, which an offline
machine cannot fetch).
"""

from __future__ import annotations

from transformers import LogitsProcessor

from workbench.translate.backend import TranslatorBackend

__all__ = ["TransformersBackend", "TermForcingLogitsProcessor"]


class TransformersBackend(TranslatorBackend):
    """MarianMT through Transformers, ``torch.inference_mode``, padded batches."""

    name = "transformers"
    steers_terms = True

    def _load(self) -> None:
        import torch
        from transformers import MarianMTModel

        self.tokenizer = self.codec.marian  # token ids for the model; fine-tuning uses it too
        self.model = MarianMTModel.from_pretrained(str(self.source.path), dtype=torch.float32).eval().to(self.device)

    def generate(self, sources, *, max_new_tokens, min_new_tokens, num_hypotheses, required, suppress=None):
        import torch
        from transformers import LogitsProcessorList

        pad_id, eos_id = self.tokenizer.pad_token_id, self.tokenizer.eos_token_id
        ids = [self.tokenizer.convert_tokens_to_ids(tokens) for tokens in sources]
        width = max(map(len, ids))
        input_ids = torch.tensor([row + [pad_id] * (width - len(row)) for row in ids], device=self.device)
        attention_mask = (input_ids != pad_id).long()
        beams = max(self.options.beam, num_hypotheses)
        processors = LogitsProcessorList()
        if required:
            target_ids = [[self.tokenizer.convert_tokens_to_ids(term) for term in terms] for terms in required]
            processors.append(TermForcingLogitsProcessor(target_ids, beams, eos_id, max_new_tokens))
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=input_ids, attention_mask=attention_mask, num_beams=beams,
                num_return_sequences=num_hypotheses, max_new_tokens=max_new_tokens, min_new_tokens=min_new_tokens,
                max_length=None, no_repeat_ngram_size=self.options.no_repeat_ngram_size or None,
                repetition_penalty=self.options.repetition_penalty, logits_processor=processors,
                bad_words_ids=[self.tokenizer.convert_tokens_to_ids(t) for t in suppress] if suppress else None,
                output_scores=True, return_dict_in_generate=True)
        sequences = out.sequences[:, 1:]  # drop the decoder start token
        if beams > 1:
            scores = out.sequences_scores.tolist()  # length-normalised sum = average token log-prob
        else:
            steps = self.model.compute_transition_scores(out.sequences, out.scores, normalize_logits=True)
            real = sequences != pad_id
            scores = ((steps * real).sum(1) / real.sum(1).clamp(min=1)).tolist()
        results = []
        for i in range(len(sources)):
            nbest = []
            for k in range(num_hypotheses):
                row = sequences[i * num_hypotheses + k].tolist()
                tokens = self.tokenizer.convert_ids_to_tokens([t for t in row if t not in (pad_id, eos_id)])
                nbest.append((tokens, scores[i * num_hypotheses + k]))
            results.append(nbest)
        return results


class TermForcingLogitsProcessor(LogitsProcessor):
    """Steers beam search so each hypothesis contains the required token sequences.

    Per hypothesis and step, for each term not yet in the output: once the output ends with
    the start of a term, the term's next token is forced (a started term is finished); the
    end of sentence is forbidden; and where the model would have ended the sentence, or the
    length budget only just leaves room, the term is started. So a term appears where the
    model finds it likely (beam search keeps the good placements) and, failing that, at the
    end, as long as the length budget holds the terms. ``terms[b]`` are the token-id
    sequences for batch row ``b``.
    """

    def __init__(self, terms: list[list[list[int]]], num_beams: int, eos_token_id: int, max_new_tokens: int) -> None:
        self.terms = terms
        self.num_beams = num_beams
        self.eos_token_id = eos_token_id
        self.max_new_tokens = max_new_tokens

    def __call__(self, input_ids, scores):
        import torch

        generated = input_ids[:, 1:].tolist()  # without the decoder start token
        for row, tokens in enumerate(generated):
            unmet = [t for t in self.terms[row // self.num_beams] if t and not _contains(tokens, t)]
            if not unmet:
                continue
            forced = _continuation(tokens, unmet)
            room = self.max_new_tokens - len(tokens)
            if forced is None and (int(scores[row].argmax()) == self.eos_token_id
                                   or room <= sum(len(t) for t in unmet) + 1):
                forced = unmet[0][0]
            if forced is not None:
                scores[row] = torch.where(torch.arange(scores.shape[1]) == forced, scores[row], -float("inf"))
            else:
                scores[row, self.eos_token_id] = -float("inf")
        return scores


def _contains(tokens: list[int], term: list[int]) -> bool:
    n = len(term)
    return any(tokens[i:i + n] == term for i in range(len(tokens) - n + 1))


def _continuation(tokens: list[int], terms: list[list[int]]) -> int | None:
    """The next token of a term the output has started (longest started prefix wins)."""
    best: tuple[int, int] | None = None
    for term in terms:
        for k in range(min(len(term) - 1, len(tokens)), 0, -1):
            if tokens[-k:] == term[:k]:
                if best is None or k > best[0]:
                    best = (k, term[k])
                break
    return best[1] if best else None
