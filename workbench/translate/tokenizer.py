"""MarianMT tokenisation with plain SentencePiece: what CTranslate2 needs, without importing Transformers.

A MarianMT folder holds ``source.spm``, ``target.spm`` and a shared ``vocab.json``. The
model's input is the target-language token (``>>cmn_Hans<<``), the source pieces and
``</s>``; pieces missing from the vocabulary are ``<unk>``. Output pieces are decoded with
the target model. :class:`SentencePieceTokenizer` gives the same tokens and text as
``transformers.MarianTokenizer`` (a test checks it on the shipped corpus) at a fraction of
the start-up time; :class:`MarianTokenizerAdapter` gives the Transformers tokenizer the same
interface for the Transformers backend, which needs token ids.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

__all__ = ["MarianTokenizerAdapter", "SentencePieceTokenizer"]

EOS, UNK, PAD = "</s>", "<unk>", "<pad>"
_WORD_START = "\u2581"


class SentencePieceTokenizer:
    """Source and target SentencePiece models of a MarianMT folder, with its vocabulary."""

    def __init__(self, folder: str | Path) -> None:
        import sentencepiece as spm

        folder = Path(folder)
        self.source_model = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
        self.target_model = spm.SentencePieceProcessor(model_file=str(folder / "target.spm"))
        with open(folder / "vocab.json", encoding="utf-8") as fh:
            self.vocab: dict[str, int] = json.load(fh)
        self.languages = sorted(t for t in self.vocab if t.startswith(">>") and t.endswith("<<"))

    def source_tokens(self, text: str, language: str = "") -> list[str]:
        """``[language] + pieces + [</s>]``, out-of-vocabulary pieces as ``<unk>``."""
        # MarianTokenizer strips the language code and encodes the rest, leading space included.
        pieces = self.source_model.encode(" " + text if language else text, out_type=str)
        return [*([language] if language else []), *(p if p in self.vocab else UNK for p in pieces), EOS]

    def target_pieces(self, text: str) -> list[str]:
        """Target pieces of ``text`` (no end token), out-of-vocabulary pieces as ``<unk>``."""
        return [p if p in self.vocab else UNK for p in self.target_model.encode(text, out_type=str)]

    def pieces(self, side: str) -> list[str]:
        """Every piece of the ``source`` or ``target`` SentencePiece model, in id order."""
        model = self.source_model if side == "source" else self.target_model
        return [model.id_to_piece(i) for i in range(model.get_piece_size())]

    def decode(self, tokens: Sequence[str]) -> str:
        """Target text of ``tokens``, end, padding and unknown tokens dropped (as MarianTokenizer does)."""
        text = self.target_model.decode_pieces([t for t in tokens if t not in (EOS, PAD, UNK)])
        return text.replace(_WORD_START, " ").strip()


class MarianTokenizerAdapter:
    """``transformers.MarianTokenizer`` behind the interface of :class:`SentencePieceTokenizer`."""

    def __init__(self, folder: str | Path) -> None:
        from transformers import MarianTokenizer

        self.marian = MarianTokenizer.from_pretrained(str(folder))
        self.vocab = self.marian.get_vocab()
        self.languages = sorted(t for t in self.vocab if t.startswith(">>") and t.endswith("<<"))

    def source_tokens(self, text: str, language: str = "") -> list[str]:
        """``[language] + pieces + [</s>]``, as the model's input tokens."""
        ids = self.marian((f"{language} " if language else "") + text, add_special_tokens=True, verbose=False).input_ids
        return self.marian.convert_ids_to_tokens(ids)

    def target_pieces(self, text: str) -> list[str]:
        """Target pieces of ``text`` (no end token)."""
        ids = self.marian(text_target=text, add_special_tokens=False).input_ids
        return self.marian.convert_ids_to_tokens(ids)

    def decode(self, tokens: Sequence[str]) -> str:
        """Target text of ``tokens`` (special tokens dropped)."""
        return self.marian.decode(self.marian.convert_tokens_to_ids(list(tokens)), skip_special_tokens=True)
