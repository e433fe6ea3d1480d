"""Build a small, randomly initialised Marian model with the layout of opus-mt-en-zh.

    python models/make_tiny_model.py OUTDIR [--d-model 64 --layers 2 --vocab-size N]

The folder holds what ``Helsinki-NLP/opus-mt-en-zh`` holds: ``source.spm`` and
``target.spm`` (SentencePiece models, here trained on the texts in ``corpora/``), a shared
``vocab.json`` with ``</s>``, ``<unk>``, the ``>>…<<`` target-language tokens and ``<pad>``
last, ``config.json`` and ``generation_config.json`` with the Marian generation settings,
and the weights. ``MarianTokenizer`` and ``MarianMTModel`` load it, and CTranslate2 converts
it, so tests run the real code paths offline. Its output is gibberish (and, being random,
tends to repeat itself), so tests check structure and behaviour, never wording.

``build_model`` also makes the real-size random model for ``benchmarks/mt_speed.py``.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpora"
# opus-mt-en-zh's target-language tokens; the workbench asks for Simplified Chinese.
LANGUAGE_TOKENS = (">>cmn_Hans<<", ">>cmn_Hant<<", ">>yue_Hans<<", ">>yue_Hant<<", ">>zho_Hans<<")
_HEADER_END = re.compile(r"^---\s*$", re.MULTILINE)


def corpus_lines(lang: str, corpus_dir: Path = CORPUS_DIR) -> Iterator[str]:
    """Non-empty text lines of every corpus file in ``lang`` (headers skipped)."""
    pattern = "*.en.txt" if lang == "en" else "*.zh.txt"
    for path in sorted(corpus_dir.rglob(pattern)):
        text = path.read_text(encoding="utf-8")
        header_end = _HEADER_END.search(text)
        body = text[header_end.end():] if header_end else text
        yield from (line.strip() for line in body.splitlines() if line.strip())


def train_spm(lines: list[str], path: Path, vocab_size: int, character_coverage: float) -> list[str]:
    """Train a unigram SentencePiece model into ``path``; returns its pieces in id order."""
    import io

    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buffer, vocab_size=vocab_size,
        # The corpus is small: let the trainer settle for fewer pieces than asked.
        hard_vocab_limit=False, character_coverage=character_coverage, model_type="unigram",
        # Marian's own SentencePiece models: <unk>=0, <s>=1, </s>=2, no padding piece.
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1, num_threads=1, minloglevel=2,
    )
    path.write_bytes(buffer.getvalue())
    processor = spm.SentencePieceProcessor(model_proto=buffer.getvalue())
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def build_vocab(source_pieces: list[str], target_pieces: list[str], vocab_size: int | None = None) -> dict[str, int]:
    """The shared Marian vocabulary: ``</s>``, ``<unk>``, pieces, language tokens, ``<pad>`` last.

    ``vocab_size`` pads the vocabulary with unused filler pieces up to that many ids (the
    benchmark uses it to match the real model's 65,001).
    """
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in [*source_pieces, *target_pieces, *LANGUAGE_TOKENS]:
        if piece not in vocab and piece not in ("<s>", "<unk>", "</s>"):
            vocab[piece] = len(vocab)
    if vocab_size is not None:
        filler = 0
        while len(vocab) < vocab_size - 1:
            vocab[f"<unused{filler}>"] = len(vocab)
            filler += 1
    vocab["<pad>"] = len(vocab)
    return vocab


def build_model(out_dir: str | Path, *, d_model: int = 64, layers: int = 2, heads: int = 4, ffn_dim: int = 128,
                vocab_size: int | None = None, source_vocab: int = 2000, target_vocab: int = 3000,
                seed: int = 0) -> Path:
    """Write a random Marian en→zh model with tokenizer files into ``out_dir``; returns the path."""
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    source_pieces = train_spm(list(corpus_lines("en")), out / "source.spm", source_vocab, 1.0)
    target_pieces = train_spm(list(corpus_lines("zh")), out / "target.spm", target_vocab, 0.9995)
    vocab = build_vocab(source_pieces, target_pieces, vocab_size)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "tokenizer_config.json").write_text(json.dumps({
        "source_lang": "en", "target_lang": "zh", "separate_vocabs": False, "model_max_length": 512,
        "tokenizer_class": "MarianTokenizer"}, indent=1), encoding="utf-8")

    pad_id = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab), d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=heads, decoder_attention_heads=heads,
        encoder_ffn_dim=ffn_dim, decoder_ffn_dim=ffn_dim, max_position_embeddings=512,
        activation_function="swish", scale_embedding=True, share_encoder_decoder_embeddings=True,
        pad_token_id=pad_id, eos_token_id=0, decoder_start_token_id=pad_id, forced_eos_token_id=0,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    # opus-mt-en-zh's generation settings.
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad_id]], bos_token_id=0, decoder_start_token_id=pad_id, eos_token_id=0,
        forced_eos_token_id=0, max_length=512, num_beams=4, pad_token_id=pad_id, renormalize_logits=True,
    )
    model.save_pretrained(out)
    MarianTokenizer.from_pretrained(out)  # fail here, not in a test, if the layout is wrong
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("out_dir", help="folder to write the model into (created)")
    parser.add_argument("--d-model", type=int, default=64, help="hidden size")
    parser.add_argument("--layers", type=int, default=2, help="encoder and decoder layers each")
    parser.add_argument("--heads", type=int, default=4, help="attention heads")
    parser.add_argument("--ffn-dim", type=int, default=128, help="feed-forward size")
    parser.add_argument("--vocab-size", type=int, default=None, help="pad the vocabulary to this many ids")
    args = parser.parse_args(argv)
    path = build_model(args.out_dir, d_model=args.d_model, layers=args.layers, heads=args.heads,
                       ffn_dim=args.ffn_dim, vocab_size=args.vocab_size)
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
